import {createHash} from 'node:crypto'

import {CcError, UsageError} from '../errors.js'
import {isValidPublisherPrefix} from '../naming/connector-names.js'
import type {ProjectFile} from '../project/project-file.js'
import {type EnvVarRequest, type EnvVarTarget, envVarTargets, type PublisherSpec, type SolutionSpec} from './types.js'

export const versionParts = ['major', 'minor', 'build', 'revision'] as const
export type VersionPart = (typeof versionParts)[number]

/** The `solution:` section of cc.yaml (schemas/cc.schema.json), as read. */
export interface SolutionConfig {
  name?: string
  displayName?: string
  description?: string
  version?: string
  managed?: boolean
  publisher?: {name?: string; displayName?: string; prefix?: string; optionValuePrefix?: number}
  environmentVariables?: EnvVarRequest[]
  /** Folder for produced zips, relative to cc.yaml. */
  output?: string
  certification?: {flowSolution?: string; intro?: string}
}

/** The solution settings a user can give on the command line (they win over cc.yaml). */
export interface SolutionFlags {
  solutionName?: string
  solutionVersion?: string
  bumpVersion?: VersionPart
  publisherName?: string
  publisherPrefix?: string
  managed?: boolean
  envVars?: string[]
}

export interface ResolvedSolution {
  spec: SolutionSpec
  envVars: EnvVarRequest[]
  /** Where the version came from; `project` versions are written back by --bump-version. */
  versionSource: 'flag' | 'project' | 'default'
  /** The version before --bump-version, when it was given. */
  bumpedFrom?: string
}

const sectionKeys = ['name', 'displayName', 'description', 'version', 'managed', 'publisher', 'environmentVariables', 'output', 'certification'] as const

/** Reads and checks the `solution:` section of a project file. Wrong types are errors naming cc.yaml. */
export function readSolutionConfig(project: ProjectFile | undefined): SolutionConfig {
  const raw = project?.data.solution
  if (raw === undefined || raw === null) return {}
  const file = project!.path
  const fail = (key: string, expected: string): never => {
    throw new CcError(`solution.${key} in ${file} must be ${expected}.`, {
      code: 'PROJECT_FILE_INVALID',
      file,
      ...lineOf(project!.text, key.split('.').at(-1)!.replace(/\[\d+\]$/, '')),
      suggestions: ['See the `solution:` section in the README (cc.yaml reference) or schemas/cc.schema.json.'],
    })
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('', 'a mapping')
  const section = raw as Record<string, unknown>
  const known = (where: string, value: Record<string, unknown>, keys: readonly string[]) => {
    const unknown = Object.keys(value).find((k) => !keys.includes(k))
    if (unknown !== undefined) {
      throw new CcError(`${file}: solution${where}.${unknown} is not a setting cc knows (known: ${keys.join(', ')}).`, {
        code: 'PROJECT_FILE_INVALID',
        file,
        ...lineOf(project!.text, unknown),
        suggestions: ['Check the spelling; schemas/cc.schema.json describes the file.'],
      })
    }
  }
  known('', section, sectionKeys)
  const text = (key: string, value: unknown): string | undefined => {
    if (value === undefined || value === null) return undefined
    if (typeof value === 'number') return String(value)
    if (typeof value !== 'string') return fail(key, 'a string')
    return value
  }
  const config: SolutionConfig = {}
  const assign = <K extends keyof SolutionConfig>(key: K, value: SolutionConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value
  }
  assign('name', text('name', section.name))
  assign('displayName', text('displayName', section.displayName))
  assign('description', text('description', section.description))
  assign('version', text('version', section.version))
  assign('output', text('output', section.output))
  if (section.managed !== undefined && section.managed !== null) {
    if (typeof section.managed !== 'boolean') fail('managed', 'true or false')
    config.managed = section.managed as boolean
  }
  if (section.publisher !== undefined && section.publisher !== null) {
    if (typeof section.publisher !== 'object' || Array.isArray(section.publisher)) fail('publisher', 'a mapping with name, displayName, prefix')
    const p = section.publisher as Record<string, unknown>
    known('.publisher', p, ['name', 'displayName', 'prefix', 'optionValuePrefix'])
    const publisher: NonNullable<SolutionConfig['publisher']> = {}
    const name = text('publisher.name', p.name)
    const displayName = text('publisher.displayName', p.displayName)
    const prefix = text('publisher.prefix', p.prefix)
    if (name !== undefined) publisher.name = name
    if (displayName !== undefined) publisher.displayName = displayName
    if (prefix !== undefined) publisher.prefix = prefix
    if (p.optionValuePrefix !== undefined && p.optionValuePrefix !== null) {
      const n = Number(p.optionValuePrefix)
      if (!Number.isInteger(n) || n < 10_000 || n > 99_999) fail('publisher.optionValuePrefix', 'a whole number from 10000 to 99999')
      publisher.optionValuePrefix = n
    }
    config.publisher = publisher
  }
  if (section.environmentVariables !== undefined && section.environmentVariables !== null) {
    if (!Array.isArray(section.environmentVariables)) fail('environmentVariables', 'a list')
    config.environmentVariables = (section.environmentVariables as unknown[]).map((item, i) => {
      const key = `environmentVariables[${i}]`
      if (typeof item === 'string') return parseEnvVarSpec(item, {file})
      if (!item || typeof item !== 'object' || Array.isArray(item)) return fail(key, 'a target name (host, clientId, …) or a mapping with target, schemaName, connector')
      const m = item as Record<string, unknown>
      const target = text(`${key}.target`, m.target)
      if (target === undefined) return fail(`${key}.target`, `one of ${envVarTargets.join(', ')}`)
      const request = parseEnvVarSpec(target, {file})
      const schemaName = text(`${key}.schemaName`, m.schemaName)
      const connector = text(`${key}.connector`, m.connector)
      const displayName = text(`${key}.displayName`, m.displayName)
      if (schemaName !== undefined) request.schemaName = schemaName
      if (connector !== undefined) request.connector = connector
      if (displayName !== undefined) request.displayName = displayName
      return request
    })
  }
  if (section.certification !== undefined && section.certification !== null) {
    if (typeof section.certification !== 'object' || Array.isArray(section.certification)) fail('certification', 'a mapping with flowSolution, intro')
    const c = section.certification as Record<string, unknown>
    known('.certification', c, ['flowSolution', 'intro'])
    const certification: NonNullable<SolutionConfig['certification']> = {}
    const flowSolution = text('certification.flowSolution', c.flowSolution)
    const intro = text('certification.intro', c.intro)
    if (flowSolution !== undefined) certification.flowSolution = flowSolution
    if (intro !== undefined) certification.intro = intro
    config.certification = certification
  }
  return config
}

/**
 * Parses one `--env-var` value: `[connector:]target[=schemaName]`, e.g. `host`, `clientId=contoso_ClientId`,
 * `petstore:host`. Target names are matched without regard to case; `baseUrl` is accepted for `basePath`.
 */
export function parseEnvVarSpec(spec: string, origin: {file?: string} = {}): EnvVarRequest {
  const match = /^(?:([^:=]+):)?([A-Za-z]+)(?:=(.*))?$/.exec(spec.trim())
  const targets = new Map<string, EnvVarTarget>(envVarTargets.map((t) => [t.toLowerCase(), t]))
  targets.set('baseurl', 'basePath')
  const target = match ? targets.get(match[2]!.toLowerCase()) : undefined
  if (!match || !target) {
    const message = `"${spec}" is not an environment variable option: expected [connector:]target[=schemaName] with target one of ${envVarTargets.join(', ')}.`
    const suggestions = ['--env-var host', '--env-var clientId=contoso_PetstoreClientId', '--env-var petstore:basePath']
    if (origin.file) throw new CcError(message, {code: 'ENV_VAR_INVALID', file: origin.file, suggestions})
    throw new UsageError(message, {code: 'ENV_VAR_INVALID', suggestions})
  }
  const request: EnvVarRequest = {target}
  if (match[1]) request.connector = match[1].trim()
  if (match[3] !== undefined && match[3].trim() !== '') request.schemaName = match[3].trim()
  return request
}

/** Parses a version: 2 to 4 whole numbers separated by dots, filled up to four parts (`1.2` → `1.2.0.0`). */
export function parseSolutionVersion(version: string, origin: {file?: string; text?: string} = {}): string {
  const parts = version.trim().split('.')
  const ok = parts.length >= 2 && parts.length <= 4 && parts.every((p) => /^\d{1,9}$/.test(p))
  if (!ok) {
    const message = `Solution version "${version}" is not valid: use four whole numbers, major.minor.build.revision (e.g. 1.0.0.0).`
    const suggestions = [origin.file ? `Set solution.version in ${origin.file} to e.g. 1.0.0.0` : '--solution-version 1.0.0.0']
    if (origin.file) throw new CcError(message, {code: 'SOLUTION_VERSION_INVALID', file: origin.file, ...lineOf(origin.text, 'version'), suggestions})
    throw new UsageError(message, {code: 'SOLUTION_VERSION_INVALID', suggestions})
  }
  while (parts.length < 4) parts.push('0')
  return parts.map((p) => String(Number(p))).join('.')
}

/** Increments one part of a four-part version and zeroes the parts after it. */
export function bumpVersion(version: string, part: VersionPart): string {
  const numbers = version.split('.').map(Number)
  const index = versionParts.indexOf(part)
  numbers[index] = numbers[index]! + 1
  for (let i = index + 1; i < 4; i++) numbers[i] = 0
  return numbers.join('.')
}

const uniqueNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,64}$/

/** A deterministic five-digit option value prefix for a customization prefix (10000 to 99999). */
export function optionValuePrefixFor(prefix: string): number {
  const hash = createHash('sha1').update(prefix.toLowerCase()).digest()
  return 10_000 + (hash.readUInt32BE(0) % 90_000)
}

/** PascalCase of the letters and digits of a text (`Pet store v2` → `PetStoreV2`), for generated names. */
export function pascalName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/[^A-Za-z0-9 ]/g, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
}

/**
 * Puts together the solution settings from the command line, cc.yaml and defaults. The publisher prefix has no
 * default on purpose: logical names can never be changed afterwards, and a silent `new_` is what people hate
 * about pac.
 */
export function resolveSolution(input: {flags: SolutionFlags; config: SolutionConfig; project?: ProjectFile; connectorTitles: string[]}): ResolvedSolution {
  const {flags, config, project} = input
  const fromProject = (key: string) => ({key})
  const invalid = (code: string, message: string, origin: 'flag' | {key: string}, suggestion: string): never => {
    if (origin === 'flag' || !project) throw new UsageError(message, {code, suggestions: [suggestion]})
    const key = origin.key.split('.').at(-1)!
    throw new CcError(message, {code, file: project.path, ...lineOf(project.text, key), suggestions: [`${suggestion} (or fix solution.${origin.key} in ${project.path})`]})
  }

  const rawPrefix = flags.publisherPrefix ?? config.publisher?.prefix
  if (rawPrefix === undefined || rawPrefix.trim() === '') {
    throw new UsageError('A solution needs a publisher prefix: every connector name starts with it and can never be changed after import.', {
      code: 'PUBLISHER_PREFIX_REQUIRED',
      suggestions: ['--publisher-prefix contoso (2 to 8 letters or digits, starting with a letter)', 'or set solution.publisher.prefix in cc.yaml'],
    })
  }
  const prefix = rawPrefix.trim()
  if (!isValidPublisherPrefix(prefix)) {
    invalid(
      'PUBLISHER_PREFIX_INVALID',
      `Publisher prefix "${prefix}" is not valid: use 2 to 8 letters or digits, starting with a letter, and not "mscrm".`,
      flags.publisherPrefix === undefined ? fromProject('publisher.prefix') : 'flag',
      `--publisher-prefix ${prefix.replace(/[^A-Za-z0-9]/g, '').replace(/^[0-9]+/, '').slice(0, 8).toLowerCase() || 'contoso'}`,
    )
  }

  const publisherName = (flags.publisherName ?? config.publisher?.name ?? prefix).trim()
  if (!uniqueNamePattern.test(publisherName)) {
    invalid(
      'PUBLISHER_NAME_INVALID',
      `Publisher name "${publisherName}" is not valid: use letters, digits and underscores, starting with a letter or underscore (at most 65).`,
      flags.publisherName === undefined ? fromProject('publisher.name') : 'flag',
      `--publisher-name ${pascalName(publisherName) || 'Contoso'}`,
    )
  }
  const publisher: PublisherSpec = {
    uniqueName: publisherName,
    displayName: config.publisher?.displayName?.trim() || publisherName,
    prefix: prefix.toLowerCase(),
    optionValuePrefix: config.publisher?.optionValuePrefix ?? optionValuePrefixFor(prefix),
  }

  const titles = input.connectorTitles
  const defaultName = titles.length === 1 ? pascalName(titles[0]!) : `${pascalName(prefix)}Connectors`
  const uniqueName = (flags.solutionName ?? config.name ?? defaultName).trim()
  if (!uniqueNamePattern.test(uniqueName)) {
    invalid(
      'SOLUTION_NAME_INVALID',
      `Solution name "${uniqueName}" is not valid: use letters, digits and underscores, starting with a letter or underscore (at most 65).`,
      flags.solutionName === undefined && config.name !== undefined ? fromProject('name') : 'flag',
      `--solution-name ${pascalName(uniqueName) || 'ContosoConnectors'}`,
    )
  }

  let versionSource: ResolvedSolution['versionSource'] = 'default'
  let version = '1.0.0.0'
  if (flags.solutionVersion !== undefined) {
    version = parseSolutionVersion(flags.solutionVersion)
    versionSource = 'flag'
  } else if (config.version !== undefined) {
    version = parseSolutionVersion(config.version, project ? {file: project.path, text: project.text} : {})
    versionSource = 'project'
  }
  const resolved: ResolvedSolution = {
    spec: {
      uniqueName,
      displayName: flags.solutionName === undefined && config.displayName ? config.displayName : uniqueName,
      ...(config.description ? {description: config.description} : {}),
      version,
      managed: flags.managed ?? config.managed ?? false,
      publisher,
    },
    envVars: flags.envVars && flags.envVars.length > 0 ? flags.envVars.map((s) => parseEnvVarSpec(s)) : (config.environmentVariables ?? []),
    versionSource,
  }
  if (flags.bumpVersion) {
    resolved.bumpedFrom = version
    resolved.spec.version = bumpVersion(version, flags.bumpVersion)
  }
  return resolved
}

/**
 * cc.yaml text with `solution.version` replaced, comments, layout and quoting kept (eemeli/yaml edits the parsed
 * document in place). Undefined when the file has no `solution.version` or does not parse.
 */
export async function replaceProjectVersion(text: string, version: string): Promise<string | undefined> {
  const {isScalar, parseDocument} = await import('yaml')
  const doc = parseDocument(text)
  if (doc.errors.length > 0) return undefined
  const node = doc.getIn(['solution', 'version'], true)
  if (!isScalar(node)) return undefined
  node.value = version
  return doc.toString()
}

/** 1-based line of the first `key:` in a YAML text, for pointing at cc.yaml settings. */
function lineOf(text: string | undefined, key: string): {line?: number; column?: number} {
  if (!text) return {}
  const index = text.split('\n').findIndex((l) => new RegExp(`^\\s*-?\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).test(l))
  return index < 0 ? {} : {line: index + 1, column: 1}
}
