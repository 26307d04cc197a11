import {relative} from 'node:path'

import {CcError} from '../errors.js'
import type {ProjectFile} from '../project/project-file.js'
import {rulesById} from './rules/index.js'
import {nearest} from './rules/structure.js'
import {profiles, type Profile, type RuleLevel} from './types.js'

/**
 * The `validation` section of cc.yaml:
 *
 * ```yaml
 * validation:
 *   profile: base                      # or certification
 *   maxWarnings: 20
 *   rules:
 *     params/path-encoding: off        # off | error | warning | info
 *     operation/id-length: {severity: warning, max: 64}
 *   overrides:
 *     - connectors: [legacy/*, old-connector]
 *       rules: {swagger/unknown-extension: info}
 * ```
 */
export interface ValidationSettings {
  profile?: Profile
  maxWarnings?: number
  rules: RuleSettings
  overrides: Array<{connectors: string[]; match: (dir: string) => boolean; profile?: Profile; rules: RuleSettings}>
}

export interface RuleSettings {
  levels: Map<string, RuleLevel>
  options: Map<string, Record<string, unknown>>
}

/** What applies to one connector folder once cc.yaml's overrides are merged. */
export interface ConnectorSettings {
  profile?: Profile
  levels: Map<string, RuleLevel>
  options: Map<string, Record<string, unknown>>
}

const levels: readonly RuleLevel[] = ['off', 'error', 'warning', 'info']

/** Reads and checks the validation section of a project file (empty settings without one). */
export async function readValidationSettings(project: ProjectFile | undefined): Promise<ValidationSettings> {
  const empty: ValidationSettings = {rules: {levels: new Map(), options: new Map()}, overrides: []}
  if (!project) return empty
  const section = project.data.validation
  if (section === undefined || section === null) return empty
  const fail = (message: string, near: string, suggestions: string[] = []): never => {
    const line = lineOf(project.text, near)
    throw new CcError(`${project.path}: ${message}`, {
      code: 'PROJECT_FILE_INVALID',
      file: project.path,
      ...(line ? {line: line.line, column: line.column} : {}),
      suggestions: [...suggestions, 'The validation section is described in the README (cc validate) and schemas/cc.schema.json.'],
    })
  }
  if (typeof section !== 'object' || Array.isArray(section)) fail('"validation" must be a mapping (profile, maxWarnings, rules, overrides).', 'validation')
  const data = section as Record<string, unknown>
  for (const key of Object.keys(data)) {
    if (!['profile', 'maxWarnings', 'rules', 'overrides'].includes(key)) {
      const guess = nearest(key, ['profile', 'maxWarnings', 'rules', 'overrides'])
      fail(`unknown key "validation.${key}".`, key, guess ? [`Did you mean "${guess}"?`] : [])
    }
  }
  const settings: ValidationSettings = {rules: readRules(data.rules, 'validation.rules', fail), overrides: []}
  const profile = readProfile(data.profile, 'validation.profile', fail)
  if (profile) settings.profile = profile
  if (data.maxWarnings !== undefined) {
    if (!Number.isInteger(data.maxWarnings) || (data.maxWarnings as number) < 0) fail('"validation.maxWarnings" must be a whole number ≥ 0.', 'maxWarnings')
    settings.maxWarnings = data.maxWarnings as number
  }
  if (data.overrides !== undefined) {
    if (!Array.isArray(data.overrides)) fail('"validation.overrides" must be a list.', 'overrides')
    // Loaded only when there are overrides: most runs do not need a glob matcher.
    const {default: picomatch} = await import('picomatch')
    for (const [i, entry] of (data.overrides as unknown[]).entries()) {
      const where = `validation.overrides[${i}]`
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`${where} must be a mapping with "connectors" and "rules".`, 'overrides')
      const override = entry as Record<string, unknown>
      const globs = typeof override.connectors === 'string' ? [override.connectors] : override.connectors
      if (!Array.isArray(globs) || globs.length === 0 || !globs.every((g) => typeof g === 'string' && g !== '')) {
        fail(`${where}.connectors must be a folder name or glob, or a list of them (relative to ${project.dir}).`, 'connectors')
      }
      const patterns = (globs as string[]).map((g) => g.replaceAll('\\', '/').replace(/^\.\//, '').replace(/\/+$/, ''))
      const matchers = patterns.map((p) => picomatch(p, {dot: true}))
      const match = (dir: string): boolean => {
        const rel = relative(project.dir, dir).replaceAll('\\', '/')
        const name = rel.split('/').at(-1) ?? rel
        return matchers.some((m) => m(rel) || m(name))
      }
      const rules = readRules(override.rules, `${where}.rules`, fail)
      const item: ValidationSettings['overrides'][number] = {connectors: patterns, match, rules}
      const overrideProfile = readProfile(override.profile, `${where}.profile`, fail)
      if (overrideProfile) item.profile = overrideProfile
      for (const key of Object.keys(override)) if (!['connectors', 'rules', 'profile'].includes(key)) fail(`unknown key "${where}.${key}".`, key)
      settings.overrides.push(item)
    }
  }
  return settings
}

/** The settings for one connector folder: the base rules, then every matching override in order. */
export function settingsFor(settings: ValidationSettings, dir: string): ConnectorSettings {
  const out: ConnectorSettings = {levels: new Map(settings.rules.levels), options: new Map(settings.rules.options)}
  if (settings.profile) out.profile = settings.profile
  for (const override of settings.overrides) {
    if (!override.match(dir)) continue
    if (override.profile) out.profile = override.profile
    for (const [id, level] of override.rules.levels) out.levels.set(id, level)
    for (const [id, options] of override.rules.options) out.options.set(id, {...out.options.get(id), ...options})
  }
  return out
}

function readProfile(value: unknown, where: string, fail: (message: string, near: string, suggestions?: string[]) => never): Profile | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !profiles.includes(value as Profile)) fail(`"${where}" must be one of ${profiles.join(', ')}.`, 'profile')
  return value as Profile
}

function readRules(value: unknown, where: string, fail: (message: string, near: string, suggestions?: string[]) => never): RuleSettings {
  const out: RuleSettings = {levels: new Map(), options: new Map()}
  if (value === undefined || value === null) return out
  if (typeof value !== 'object' || Array.isArray(value)) fail(`"${where}" must map rule ids to off, error, warning or info.`, 'rules')
  for (const [id, setting] of Object.entries(value as Record<string, unknown>)) {
    const rule = rulesById.get(id)
    if (!rule) {
      const guess = nearest(id, [...rulesById.keys()])
      fail(`unknown rule "${id}" in ${where}.`, id, [guess ? `Did you mean "${guess}"?` : 'cc validate --help lists where to find the rule table (README).'])
    }
    // YAML 1.1 reads a bare `off` as false.
    const level = setting === false ? 'off' : setting
    if (typeof level === 'string') {
      if (!levels.includes(level as RuleLevel)) fail(`rule "${id}": "${level}" is not one of ${levels.join(', ')}.`, id)
      out.levels.set(id, level as RuleLevel)
      continue
    }
    if (level === null || typeof level !== 'object' || Array.isArray(level)) fail(`rule "${id}" must be off, error, warning, info or a mapping {severity, …options}.`, id)
    const {severity, ...options} = level as Record<string, unknown>
    const resolved = severity === false ? 'off' : severity
    if (resolved !== undefined) {
      if (typeof resolved !== 'string' || !levels.includes(resolved as RuleLevel)) fail(`rule "${id}": severity must be one of ${levels.join(', ')}.`, id)
      out.levels.set(id, resolved as RuleLevel)
    }
    const known = rule!.options ?? {}
    for (const [name, optionValue] of Object.entries(options)) {
      if (!(name in known)) {
        const names = Object.keys(known)
        fail(`rule "${id}" has no option "${name}"${names.length > 0 ? ` (options: ${names.join(', ')})` : ' (it takes no options)'}.`, name)
      }
      if (typeof optionValue !== typeof known[name]) fail(`rule "${id}": option "${name}" must be a ${typeof known[name]}.`, name)
    }
    if (Object.keys(options).length > 0) out.options.set(id, options)
  }
  return out
}

/** 1-based line and column of the first occurrence of a key in YAML text (for error positions). */
function lineOf(text: string, key: string): {line: number; column: number} | undefined {
  const lines = text.split(/\r?\n/)
  const escaped = key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const pattern = new RegExp(`(^|[\\s{,\\-])["']?${escaped}["']?\\s*:`)
  for (const [i, line] of lines.entries()) {
    const match = pattern.exec(line)
    if (match) return {line: i + 1, column: match.index + match[1]!.length + 1}
  }
  return undefined
}
