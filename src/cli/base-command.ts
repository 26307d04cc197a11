import {Command, Errors, Interfaces} from '@oclif/core'

import type {CoreContext, Reporter} from '../core/context.js'
import {CcError, isCcError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {isDebugEnabled} from './debug.js'
import {writeJson} from './json-writer.js'
import {StderrReporter} from './progress.js'

export interface SuccessEnvelope<T> {
  status: number
  result: T
  warnings: string[]
}

export interface ErrorEnvelope {
  status: number
  name: string
  code: string
  message: string
  suggestions: string[]
  file?: string
  line?: number
  column?: number
}

/**
 * The base of every `cc` command: `--json` with one envelope, stdout for results and stderr for everything else,
 * errors rendered with a stable code and "Try:" hints, documented exit codes, and Ctrl-C turned into a clean
 * stop (exit 130). Commands parse flags, call one core function with `this.context()`, render, and return the
 * result object (which is what `--json` prints).
 */
export abstract class BaseCommand<T> extends Command {
  static override enableJsonFlag = true

  protected readonly warnings: string[] = []
  private abortController = new AbortController()
  private reporter: StderrReporter | undefined
  private sigintHandler: (() => void) | undefined

  protected override async init(): Promise<void> {
    await super.init()
    let interrupts = 0
    this.sigintHandler = () => {
      interrupts++
      if (interrupts > 1) process.exit(ExitCode.interrupted)
      this.reporter?.clear()
      if (!this.jsonEnabled()) process.stderr.write('\nInterrupted: stopping after the current step (Ctrl-C again to quit now).\n')
      this.abortController.abort()
    }
    process.on('SIGINT', this.sigintHandler)
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    if (this.sigintHandler) process.off('SIGINT', this.sigintHandler)
    this.reporter?.clear()
    await super.finally(error)
  }

  /** Everything a core function needs from the CLI: config folder, reporter, abort signal. */
  protected context(): CoreContext {
    return {
      configDir: this.config.configDir,
      cwd: process.cwd(),
      env: process.env,
      reporter: this.getReporter(),
      signal: this.abortController.signal,
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !process.env.CI,
    }
  }

  protected getReporter(): Reporter {
    this.reporter ??= new StderrReporter({
      quiet: this.jsonEnabled(),
      tty: Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== 'dumb',
      debug: isDebugEnabled(),
      onWarning: (message) => this.warnings.push(message),
    })
    return this.reporter
  }

  override warn(input: string | Error): string | Error {
    const message = typeof input === 'string' ? input : input.message
    this.warnings.push(message)
    this.reporter?.clear()
    if (!this.jsonEnabled()) process.stderr.write(`Warning: ${message}\n`)
    return input
  }

  /** Sets the exit code without failing (e.g. 3 for validation findings); the JSON envelope carries it as status. */
  protected setExitCode(code: number): void {
    process.exitCode = code
  }

  protected override toSuccessJson(result: unknown): SuccessEnvelope<unknown> {
    return {status: Number(process.exitCode ?? 0), result, warnings: this.warnings}
  }

  /**
   * oclif tokenizes JSON output to colour it token by token (half a second for the 7 MB result of `cc validate`
   * over the published connectors) and colours it only when a theme sets JSON colours; without one its text is
   * exactly JSON.stringify's with two spaces, which is what is written here.
   */
  protected override logJson(json: unknown): void {
    if (this.config.theme?.json !== undefined) {
      super.logJson(json)
      return
    }
    writeJsonToStdout(json)
  }

  protected override toErrorJson(error: unknown): ErrorEnvelope {
    return errorEnvelope(normalizeError(error, this.id ?? ''))
  }

  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    const normalized = normalizeError(error, this.id ?? '')
    process.exitCode = normalized.exitCode
    this.reporter?.clear()
    if (this.jsonEnabled()) {
      this.logJson(errorEnvelope(normalized))
      return
    }
    process.stderr.write(renderError(normalized, this.config.pjson.bugs))
  }
}

function errorEnvelope(error: CcError): ErrorEnvelope {
  return {
    status: error.exitCode,
    name: error.name,
    code: error.code,
    message: error.message,
    suggestions: error.suggestions,
    ...(error.file === undefined ? {} : {file: error.file}),
    ...(error.line === undefined ? {} : {line: error.line, column: error.column ?? 1}),
  }
}

/** Turns anything thrown into a CcError with a stable code and exit code. */
export function normalizeError(error: unknown, commandId: string): CcError {
  if (isCcError(error)) return error
  const bin = 'cc'
  if (error instanceof Errors.CLIError || (error as {oclif?: {exit?: number}})?.oclif) {
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit ?? ExitCode.usage
    const message = (error as Error).message.replace(/\n\s*See more help with --help$/, '')
    if (exit === 0) return new CcError(message, {code: 'EXIT', exitCode: 0})
    return new CcError(message, {
      code: 'USAGE',
      exitCode: ExitCode.usage,
      suggestions: [`${bin} ${commandId.replaceAll(':', ' ')} --help`.replace(/\s+/g, ' ')],
    })
  }
  if ((error as Error)?.name === 'AbortError') {
    return new CcError('Interrupted.', {code: 'INTERRUPTED', exitCode: ExitCode.interrupted})
  }
  // JSON.parse accepts nesting far deeper than what copies or serialises it afterwards: not a bug in cc, but an
  // input it cannot carry. The validator says where (json/depth); this is the answer for every other command.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new CcError('A JSON document is nested too deeply to be processed.', {
      code: 'JSON_TOO_DEEP',
      exitCode: ExitCode.failed,
      cause: error,
      suggestions: ['cc validate <connector> shows where (rule json/depth); flatten that part of the file'],
    })
  }
  const err = error instanceof Error ? error : new Error(String(error))
  const internal = new CcError(err.message || String(error), {code: 'INTERNAL', exitCode: ExitCode.failed, cause: err})
  internal.name = err.name || 'Error'
  internal.stack = err.stack
  return internal
}

export function renderError(error: CcError, bugs?: string | {url?: string}): string {
  const lines = [`Error (${error.code}): ${error.message}`]
  if (error.location && !error.message.includes(error.location)) lines.push(`  at ${error.location}`)
  if (error.suggestions.length > 0) {
    lines.push('Try:')
    for (const s of error.suggestions) lines.push(`  ${s}`)
  }
  if (error.code === 'INTERNAL') {
    const url = typeof bugs === 'string' ? bugs : bugs?.url
    if (isDebugEnabled() && error.stack) lines.push(error.stack)
    else lines.push('This looks like a bug in cc. Run again with DEBUG=cc to see the stack trace.')
    if (url) lines.push(`Please report it at ${url}`)
  }
  return lines.join('\n') + '\n'
}

/** Prints a value as indented JSON and a newline, written in pieces (a large result is never one string). */
export function writeJsonToStdout(value: unknown): void {
  writeJson(value, (text) => process.stdout.write(text))
  process.stdout.write('\n')
}
