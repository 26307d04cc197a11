import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'

import {LineIndex} from '../../core/json/document.js'
import {toGithubAnnotations, toSarif} from '../../core/validate/report.js'
import type {Finding, Severity} from '../../core/validate/types.js'
import type {ValidationResult} from '../../core/validate/validate.js'

export interface StylishOptions {
  /** ANSI colours (a TTY without NO_COLOR). */
  color: boolean
  /** Show a few lines of source around each error and warning. */
  codeFrame: boolean
  /** Only errors. */
  quiet: boolean
  /** The text of a finding's file (for code frames), or undefined when it cannot be read. */
  readSource: (file: string) => string | undefined
}

/** Rules whose code frame would print a secret value (the finding message never contains it). */
const secretRules = new Set(['props/no-secrets'])

const paint = (on: boolean) => {
  const wrap = (open: number, close: number) => (text: string) => (on ? `\u001B[${open}m${text}\u001B[${close}m` : text)
  return {red: wrap(31, 39), yellow: wrap(33, 39), blue: wrap(34, 39), dim: wrap(2, 22), bold: wrap(1, 22), underline: wrap(4, 24), green: wrap(32, 39)}
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** ESLint-like report: findings grouped per file, each with line:column, severity, message, rule and a code frame. */
export function renderStylish(result: ValidationResult, options: StylishOptions): string {
  const c = paint(options.color)
  const mark: Record<Severity, string> = {error: c.red('error'), warning: c.yellow('warning'), info: c.blue('info')}
  const lines: string[] = []
  const sources = new Map<string, {index: LineIndex; text: string} | undefined>()
  const source = (file: string) => {
    if (!sources.has(file)) {
      const text = options.readSource(file)
      sources.set(file, text === undefined ? undefined : {text, index: new LineIndex(text.replace(/^\uFEFF/, ''))})
    }
    return sources.get(file)
  }
  const byFile = new Map<string, Finding[]>()
  for (const connector of result.connectors) {
    for (const f of connector.findings) {
      if (options.quiet && f.severity !== 'error') continue
      const list = byFile.get(f.file) ?? []
      list.push(f)
      byFile.set(f.file, list)
    }
  }
  for (const [file, findings] of byFile) {
    lines.push('', c.underline(file))
    const width = Math.max(...findings.map((f) => `${f.line}:${f.column}`.length))
    for (const f of findings) {
      const where = `${f.line}:${f.column}`.padEnd(width)
      const rule = c.dim(`${f.ruleId}${f.msCode ? ` (${f.msCode})` : ''}`)
      lines.push(`  ${c.dim(where)}  ${mark[f.severity]}${' '.repeat(7 - f.severity.length)}  ${f.message}  ${rule}`)
      if (options.codeFrame && f.severity !== 'info' && !secretRules.has(f.ruleId)) {
        const src = source(f.file)
        if (src) lines.push(...codeFrame(src.index, f.line, f.column, c))
      }
      if (f.fix && f.severity !== 'info') lines.push(`    ${c.green('Fix:')} ${f.fix}`)
    }
  }
  const s = result.summary
  const problems = s.errors + s.warnings + (options.quiet ? 0 : s.infos)
  lines.push('')
  if (problems === 0) {
    lines.push(c.green(`✔ ${plural(s.connectors, 'connector')} validated (${result.profile} profile): no problems.`))
  } else {
    const counts = [plural(s.errors, 'error'), plural(s.warnings, 'warning'), ...(options.quiet ? [] : [plural(s.infos, 'info')])].join(', ')
    const head = `${s.errors > 0 ? '✖' : '⚠'} ${plural(problems, 'problem')} (${counts}) in ${plural(s.connectors, 'connector')} (${result.profile} profile)`
    lines.push(c.bold(s.errors > 0 ? c.red(head) : c.yellow(head)))
    if (s.maxWarnings !== undefined && s.warnings > s.maxWarnings) lines.push(c.yellow(`More warnings (${s.warnings}) than --max-warnings ${s.maxWarnings}.`))
  }
  return lines.join('\n').replace(/^\n/, '')
}

function codeFrame(index: LineIndex, line: number, column: number, c: ReturnType<typeof paint>): string[] {
  const out: string[] = []
  const first = Math.max(1, line - 1)
  const last = line + 1
  const width = String(last).length
  for (let n = first; n <= last; n++) {
    const text = index.lineText(n)
    if (text === undefined) break
    const shown = text.length > 160 ? `${text.slice(0, 157)}…` : text
    out.push(`    ${n === line ? c.red('>') : ' '} ${c.dim(String(n).padStart(width))} | ${shown.replaceAll('\t', '  ')}`)
    if (n === line) {
      const before = text.slice(0, column - 1).replaceAll('\t', '  ')
      out.push(`      ${' '.repeat(width)} | ${' '.repeat(Math.min(before.length, 160))}${c.red('^')}`)
    }
  }
  return out
}

/** One line per finding: file:line:column severity message (rule) — for grep and editors' problem matchers. */
export function renderCompact(result: ValidationResult): string {
  return result.connectors
    .flatMap((c) => c.findings)
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.message} (${f.ruleId})`)
    .join('\n')
}

export interface ValidationOutputOptions {
  format: 'stylish' | 'json' | 'sarif' | 'github'
  quiet: boolean
  codeFrame: boolean
  cwd: string
  toolVersion: string
  color: boolean
}

/** The human (or tool) output of `cc validate` in the chosen format: what goes to stdout and to stderr. */
export interface ValidationOutput {
  stdout: string
  stderr: string
  /** For the JSON formats: the value to print as indented JSON (written in pieces, see cli/json-writer.ts). */
  json?: unknown
}

export function renderValidation(result: ValidationResult, options: ValidationOutputOptions): ValidationOutput {
  const shown = options.quiet ? withErrorsOnly(result) : result
  switch (options.format) {
    case 'json':
      return {stdout: '', stderr: '', json: result}
    case 'sarif': {
      const sarif = toSarif(shown, {cwd: options.cwd, toolVersion: options.toolVersion, informationUri: 'https://github.com/ppcc/cc'})
      return {stdout: '', stderr: '', json: sarif}
    }
    case 'github': {
      const lines = toGithubAnnotations(shown)
      const s = result.summary
      return {
        stdout: lines.length > 0 ? lines.join('\n') + '\n' : '',
        stderr: `cc validate: ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos in ${s.connectors} connectors (${result.profile} profile)\n`,
      }
    }
    default: {
      // Code frames show the source around each finding, read once per file.
      const cache = new Map<string, string | undefined>()
      const readSource = (file: string): string | undefined => {
        if (!cache.has(file)) {
          try {
            cache.set(file, readFileSync(resolve(options.cwd, file), 'utf8'))
          } catch {
            cache.set(file, undefined)
          }
        }
        return cache.get(file)
      }
      return {stdout: renderStylish(result, {color: options.color, codeFrame: options.codeFrame, quiet: options.quiet, readSource}) + '\n', stderr: ''}
    }
  }
}

function withErrorsOnly(result: ValidationResult): ValidationResult {
  return {...result, connectors: result.connectors.map((c) => ({...c, findings: c.findings.filter((f) => f.severity === 'error')}))}
}
