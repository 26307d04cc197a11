import {readFile} from 'node:fs/promises'

import {CcError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {findProjectFile} from '../project/project-file.js'
import {cloudNames, type CloudName, isCloudName} from './clouds.js'

/**
 * The `environments` and `defaultEnvironment` sections of cc.yaml: named environments with their cloud, ids,
 * tenant, default solution, per-environment connector parameters and the connector ids `cc push` remembers.
 *
 * ```yaml
 * defaultEnvironment: dev
 * environments:
 *   dev:
 *     cloud: public
 *     environmentId: Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60
 *     tenant: contoso.onmicrosoft.com
 *     dataverseUrl: https://contoso-dev.crm.dynamics.com
 *     solution: ContosoConnectors
 *     parameters: {host: api-dev.contoso.com, clientId: 5c0b6a1e-…}
 *     connectors:
 *       contoso-payments:
 *         parameters: {basePath: /v2}
 *         id: shared_contoso-20payments-…        # written by cc push
 * ```
 *
 * Read with `yaml` (eemeli/yaml) rather than js-yaml: errors point at the exact key, and `rememberConnectorIds`
 * edits the document in place, keeping the user's comments, blank lines and key order.
 */

/** Values that differ between environments, applied to a connector before it is sent (see push/parameters.ts). */
export interface ConnectorParameters {
  /** swagger `host`. */
  host?: string
  /** swagger `basePath`. */
  basePath?: string
  /** swagger `schemes` (one scheme). */
  scheme?: 'https' | 'http'
  /** OAuth client (application) id of every `oauthSetting` connection parameter. */
  clientId?: string
  /** Entra resource: `properties.AzureActiveDirectoryResourceId` and `customParameters.resourceUri`. */
  resourceUri?: string
  /** `customParameters.tenantId`. */
  tenantId?: string
  /** `customParameters.loginUri`. */
  loginUri?: string
  /** OAuth `scopes`. */
  scopes?: string[]
  /** Generic OAuth 2 endpoints (customParameters and the swagger's oauth2 security definition). */
  authorizationUrl?: string
  tokenUrl?: string
  refreshUrl?: string
  iconBrandColor?: string
  /** Any other value of the API definition, by JSON pointer: `{"/info/x-ms-api-annotation/status": "Production"}`. */
  definition?: Record<string, unknown>
  /** Any other value of apiProperties.json, by JSON pointer: `{"/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplateParameter.newHost": "…"}`. */
  properties?: Record<string, unknown>
}

export const parameterKeys = [
  'host',
  'basePath',
  'scheme',
  'clientId',
  'resourceUri',
  'tenantId',
  'loginUri',
  'scopes',
  'authorizationUrl',
  'tokenUrl',
  'refreshUrl',
  'iconBrandColor',
  'definition',
  'properties',
] as const satisfies ReadonlyArray<keyof ConnectorParameters>

/** What cc.yaml says about one connector in one environment. */
export interface ConnectorEnvironmentEntry {
  parameters?: ConnectorParameters
  /** The connector's name in the Power Apps resource provider (`shared_…`), remembered by push. */
  id?: string
  /** The Dataverse `connectorid` (GUID), remembered by push. */
  dataverseId?: string
}

export type PushTarget = 'rp' | 'dataverse'

export interface ServiceOverrides {
  authorityHost?: string
  powerAppsUrl?: string
  flowUrl?: string
  bapUrl?: string
  graphUrl?: string
}

export interface EnvironmentConfig {
  alias: string
  cloud: CloudName
  /** The platform's environment name (`Default-<tenant>` or a GUID); for `cloud: local`, an emulator environment's name or display name. */
  environmentId?: string
  /** Tenant id or domain. */
  tenant?: string
  dataverseUrl?: string
  /** Default solution (unique name) for `cc push --target dataverse`. */
  solution?: string
  /** Publisher prefix for connectors pushed without a solution (default: the Default publisher's prefix). */
  publisherPrefix?: string
  target?: PushTarget
  services?: ServiceOverrides
  parameters: ConnectorParameters
  /** Keyed by connector folder name. */
  connectors: Record<string, ConnectorEnvironmentEntry>
  /** Where the environment is declared (for messages). */
  place: {file: string; line: number; column: number}
}

export interface ProjectEnvironments {
  /** Absolute path of cc.yaml. */
  path: string
  dir: string
  defaultEnvironment?: string
  environments: Map<string, EnvironmentConfig>
}

const environmentKeys = ['cloud', 'environmentId', 'tenant', 'dataverseUrl', 'solution', 'publisherPrefix', 'target', 'services', 'parameters', 'connectors', 'displayName', 'description'] as const
const serviceKeys = ['authorityHost', 'powerAppsUrl', 'flowUrl', 'bapUrl', 'graphUrl'] as const
const connectorEntryKeys = ['parameters', 'id', 'dataverseId'] as const

type YamlModule = typeof import('yaml')

/** The environments of the cc.yaml found from `cwd` upwards; undefined when there is no cc.yaml. */
export async function loadProjectEnvironments(cwd: string): Promise<ProjectEnvironments | undefined> {
  const path = await findProjectFile(cwd)
  if (!path) return undefined
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CcError(`Cannot read the project file ${path}.`, {code: 'PROJECT_FILE_UNREADABLE', file: path, cause: error})
  }
  return parseProjectEnvironments(path, text, await import('yaml'))
}

/** Parses the environments of a cc.yaml text. Throws PROJECT_FILE_INVALID with the line and column of the first problem. */
export function parseProjectEnvironments(path: string, text: string, yaml: YamlModule): ProjectEnvironments {
  const lineCounter = new yaml.LineCounter()
  const doc = yaml.parseDocument(text, {lineCounter, prettyErrors: false})
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0)
    return {line: pos.line, column: pos.col}
  }
  const fail = (message: string, node: {range?: readonly number[] | null} | null | undefined, suggestions: string[] = []): never => {
    throw new CcError(`${path}: ${message}`, {
      code: 'PROJECT_FILE_INVALID',
      file: path,
      ...at(node?.range?.[0]),
      suggestions: [...suggestions, 'schemas/cc.schema.json describes cc.yaml (and lets editors complete it).'],
    })
  }
  const syntax = doc.errors[0]
  if (syntax) {
    throw new CcError(`${path} is not valid YAML: ${syntax.message.split('\n')[0]}`, {code: 'PROJECT_FILE_INVALID', file: path, ...at(syntax.pos[0]), suggestions: ['Fix the YAML at this position.']})
  }
  const dir = path.replace(/[\\/][^\\/]+$/, '')
  const result: ProjectEnvironments = {path, dir, environments: new Map()}
  const root = doc.contents
  if (!root || (yaml.isScalar(root) && (root.value === null || root.value === ''))) return result
  if (!yaml.isMap(root)) return fail('the top level must be a mapping (key: value pairs).', root)

  const defaultNode = root.get('defaultEnvironment', true)
  if (defaultNode !== undefined) {
    const value: unknown = yaml.isScalar(defaultNode) ? defaultNode.value : undefined
    if (typeof value !== 'string' || value.trim() === '') return fail('defaultEnvironment must be the name of an environment (a string).', defaultNode as never)
    result.defaultEnvironment = value.trim()
  }

  const envsNode = root.get('environments', true)
  if (envsNode === undefined || (yaml.isScalar(envsNode) && envsNode.value === null)) return result
  if (!yaml.isMap(envsNode)) return fail('environments must be a mapping of names to environments.', envsNode as never)
  for (const pair of envsNode.items) {
    const keyNode = pair.key as {value?: unknown; range?: number[]}
    const alias = String(keyNode?.value ?? '')
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(alias)) fail(`the environment name "${alias}" may only hold letters, digits, ".", "_" and "-" (and must start with a letter or digit).`, keyNode)
    if (alias.toLowerCase() === 'local' || alias.toLowerCase().startsWith('local:')) {
      // Allowed: a project may describe its own emulator environment under the name "local".
    }
    const value = pair.value as {range?: number[]} | null
    const data = value === null ? {} : (yaml.isMap(value) ? (value as {toJSON(): unknown}).toJSON() : undefined)
    if (data === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) fail(`environments.${alias} must be a mapping.`, value ?? keyNode)
    const envMap = value && yaml.isMap(value) ? value : undefined
    const nodeOf = (...keys: string[]) => {
      let node: unknown = envMap
      for (const key of keys) node = node && yaml.isMap(node) ? node.get(key, true) : undefined
      return (node ?? envMap ?? keyNode) as {range?: number[]}
    }
    /** The key node of the last key (for "unknown setting" messages). */
    const keyOf = (...keys: string[]) => {
      const parent = keys.length === 1 ? envMap : nodeOf(...keys.slice(0, -1))
      const pair = parent && yaml.isMap(parent) ? parent.items.find((p) => (p.key as {value?: unknown})?.value === keys[keys.length - 1]) : undefined
      return ((pair?.key as {range?: number[]} | undefined) ?? nodeOf(...keys)) as {range?: number[]}
    }
    const fields = data as Record<string, unknown>
    for (const key of Object.keys(fields)) {
      if (!(environmentKeys as readonly string[]).includes(key)) {
        fail(`environments.${alias}: unknown setting "${key}".`, keyOf(key), [
          `Known settings: ${environmentKeys.join(', ')}.`,
        ])
      }
    }
    const str = (key: string): string | undefined => {
      const v: unknown = fields[key]
      if (v === undefined || v === null) return undefined
      if (typeof v !== 'string' || v.trim() === '') return fail(`environments.${alias}.${key} must be a non-empty string.`, nodeOf(key))
      return v.trim()
    }
    const cloudText = str('cloud') ?? 'public'
    if (!isCloudName(cloudText)) fail(`environments.${alias}.cloud must be one of ${cloudNames.join(', ')} (got "${cloudText}").`, nodeOf('cloud'))
    const target = str('target')
    if (target !== undefined && target !== 'rp' && target !== 'dataverse') fail(`environments.${alias}.target must be rp or dataverse (got "${target}").`, nodeOf('target'))
    const dataverseUrl = str('dataverseUrl')
    if (dataverseUrl !== undefined && !isHttpUrl(dataverseUrl)) fail(`environments.${alias}.dataverseUrl must be a URL such as https://contoso.crm.dynamics.com (got "${dataverseUrl}").`, nodeOf('dataverseUrl'))
    const publisherPrefix = str('publisherPrefix')
    if (publisherPrefix !== undefined && !/^[a-z][a-z0-9]{1,7}$/i.test(publisherPrefix)) fail(`environments.${alias}.publisherPrefix must be 2 to 8 letters or digits starting with a letter (got "${publisherPrefix}").`, nodeOf('publisherPrefix'))

    let services: ServiceOverrides | undefined
    if (fields.services !== undefined && fields.services !== null) {
      if (typeof fields.services !== 'object' || Array.isArray(fields.services)) fail(`environments.${alias}.services must be a mapping.`, nodeOf('services'))
      services = {}
      for (const [key, v] of Object.entries(fields.services as Record<string, unknown>)) {
        if (!(serviceKeys as readonly string[]).includes(key)) fail(`environments.${alias}.services: unknown service "${key}".`, keyOf('services', key), [`Known services: ${serviceKeys.join(', ')}.`])
        if (typeof v !== 'string' || !isHttpUrl(v)) fail(`environments.${alias}.services.${key} must be an http(s) URL.`, nodeOf('services', key))
        services[key as keyof ServiceOverrides] = (v as string).replace(/\/+$/, '')
      }
    }

    const parameters = readParameters(fields.parameters, `environments.${alias}.parameters`, (...keys) => nodeOf('parameters', ...keys), (...keys) => keyOf('parameters', ...keys), fail)
    const connectors: Record<string, ConnectorEnvironmentEntry> = {}
    if (fields.connectors !== undefined && fields.connectors !== null) {
      if (typeof fields.connectors !== 'object' || Array.isArray(fields.connectors)) fail(`environments.${alias}.connectors must be a mapping of connector folder names.`, nodeOf('connectors'))
      for (const [name, entry] of Object.entries(fields.connectors as Record<string, unknown>)) {
        const place = `environments.${alias}.connectors.${name}`
        if (entry === null) {
          connectors[name] = {}
          continue
        }
        if (typeof entry !== 'object' || Array.isArray(entry)) fail(`${place} must be a mapping.`, nodeOf('connectors', name))
        const e = entry as Record<string, unknown>
        for (const key of Object.keys(e)) {
          if (!(connectorEntryKeys as readonly string[]).includes(key)) fail(`${place}: unknown setting "${key}".`, keyOf('connectors', name, key), [`Known settings: ${connectorEntryKeys.join(', ')}.`])
        }
        const out: ConnectorEnvironmentEntry = {}
        for (const key of ['id', 'dataverseId'] as const) {
          if (e[key] === undefined || e[key] === null) continue
          if (typeof e[key] !== 'string' || e[key] === '') fail(`${place}.${key} must be a string.`, nodeOf('connectors', name, key))
          out[key] = e[key] as string
        }
        if (e.parameters !== undefined && e.parameters !== null) out.parameters = readParameters(e.parameters, `${place}.parameters`, (...keys) => nodeOf('connectors', name, 'parameters', ...keys), (...keys) => keyOf('connectors', name, 'parameters', ...keys), fail)
        connectors[name] = out
      }
    }

    const place = at(keyNode?.range?.[0])
    const config: EnvironmentConfig = {alias, cloud: cloudText as CloudName, parameters, connectors, place: {file: path, ...place}}
    const environmentId = str('environmentId')
    if (environmentId !== undefined) config.environmentId = environmentId
    const tenant = str('tenant')
    if (tenant !== undefined) config.tenant = tenant
    if (dataverseUrl !== undefined) config.dataverseUrl = dataverseUrl.replace(/\/+$/, '')
    const solution = str('solution')
    if (solution !== undefined) config.solution = solution
    if (publisherPrefix !== undefined) config.publisherPrefix = publisherPrefix.toLowerCase()
    if (target !== undefined) config.target = target as PushTarget
    if (services !== undefined) config.services = services
    if (config.cloud !== 'local' && config.environmentId === undefined) {
      fail(`environments.${alias} needs an environmentId (the platform's environment name, e.g. Default-<tenant id> or a GUID).`, keyNode, ['cc env list --env <alias or id>   (shows the ids of the environments you can reach)'])
    }
    result.environments.set(alias, config)
  }
  if (result.defaultEnvironment && !result.environments.has(result.defaultEnvironment) && !/^local(:.*)?$/i.test(result.defaultEnvironment)) {
    const node = root.get('defaultEnvironment', true) as never
    fail(`defaultEnvironment "${result.defaultEnvironment}" is not one of the environments (${[...result.environments.keys()].join(', ') || 'none declared'}).`, node)
  }
  return result
}

function readParameters(
  value: unknown,
  place: string,
  nodeOf: (...keys: string[]) => {range?: number[]},
  keyOf: (...keys: string[]) => {range?: number[]},
  fail: (message: string, node: {range?: readonly number[] | null} | null | undefined, suggestions?: string[]) => never,
): ConnectorParameters {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) fail(`${place} must be a mapping.`, nodeOf())
  const out: ConnectorParameters = {}
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(parameterKeys as readonly string[]).includes(key)) fail(`${place}: unknown parameter "${key}".`, keyOf(key), [`Known parameters: ${parameterKeys.join(', ')}.`])
    if (key === 'scopes') {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(`${place}.scopes must be a list of strings.`, nodeOf(key))
      out.scopes = v as string[]
    } else if (key === 'definition' || key === 'properties') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${place}.${key} must map JSON pointers (e.g. "/info/title") to values.`, nodeOf(key))
      for (const pointer of Object.keys(v as object)) {
        if (!pointer.startsWith('/')) fail(`${place}.${key}: "${pointer}" is not a JSON pointer (it must start with "/").`, keyOf(key, pointer))
      }
      out[key] = v as Record<string, unknown>
    } else if (key === 'scheme') {
      if (v !== 'https' && v !== 'http') fail(`${place}.scheme must be https or http.`, nodeOf(key))
      out.scheme = v as 'https' | 'http'
    } else {
      if (typeof v !== 'string' || v === '') fail(`${place}.${key} must be a non-empty string.`, nodeOf(key))
      ;(out as Record<string, unknown>)[key] = v
    }
  }
  return out
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/** The parameters for one connector in one environment: the environment's, overridden by the connector's own. */
export function parametersFor(env: Pick<EnvironmentConfig, 'parameters' | 'connectors'> | undefined, connectorKey: string): ConnectorParameters {
  if (!env) return {}
  const own = env.connectors[connectorKey]?.parameters ?? {}
  return {
    ...env.parameters,
    ...own,
    ...(env.parameters.definition || own.definition ? {definition: {...env.parameters.definition, ...own.definition}} : {}),
    ...(env.parameters.properties || own.properties ? {properties: {...env.parameters.properties, ...own.properties}} : {}),
  }
}

/**
 * Writes the connector ids of one environment into cc.yaml (`environments.<alias>.connectors.<key>.id` and
 * `.dataverseId`), editing the document in place so that comments and layout stay. Returns true when the
 * file changed. The file is re-read first, so edits made since it was loaded are kept.
 */
export async function rememberConnectorIds(path: string, alias: string, connectorKey: string, ids: {id?: string; dataverseId?: string}): Promise<boolean> {
  const yaml = await import('yaml')
  const text = await readFile(path, 'utf8')
  const doc = yaml.parseDocument(text)
  if (doc.errors.length > 0) return false
  let changed = false
  for (const key of ['id', 'dataverseId'] as const) {
    const value = ids[key]
    if (value === undefined) continue
    const keyPath = ['environments', alias, 'connectors', connectorKey, key]
    if (doc.getIn(keyPath) === value) continue
    // An empty `connectors:` or `<key>:` (null) cannot take children; replace it with a map first.
    for (let depth = 3; depth <= 4; depth++) {
      const parentPath = keyPath.slice(0, depth)
      const parent = doc.getIn(parentPath, true)
      if (parent === undefined || (yaml.isScalar(parent) && parent.value === null)) doc.setIn(parentPath, doc.createNode({}))
    }
    doc.setIn(keyPath, value)
    changed = true
  }
  if (!changed) return false
  await writeFileAtomic(path, doc.toString({flowCollectionPadding: false}))
  return true
}
