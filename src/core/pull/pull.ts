import {readdir, readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {connectorContentColumns, type ConnectorRow} from '../clients/dataverse.js'
import {downloadBlob} from '../clients/blob-storage.js'
import {type ApiRegistration, isCustomApi} from '../clients/powerapps-rp.js'
import {assignFileRoles, CanonicalFile} from '../connector/layout.js'
import type {ApiProperties, PaconnSettings, Swagger} from '../connector/types.js'
import {serializeJson} from '../connector/write.js'
import type {CoreContext} from '../context.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {environmentSummary, type EnvironmentSummary, type ResolvedEnvironment, type Session, withSession} from '../environments/session.js'
import {CcError, UsageError} from '../errors.js'
import {writeFilesAtomic} from '../fs/atomic.js'
import {displayPath} from '../fs/paths.js'
import {settingsContent} from '../push/settings-file.js'

export interface PullOptions extends EnvironmentRequest {
  /** The connector: its Power Apps name (`shared_…`), Dataverse connectorid, or display name. */
  connector: string
  /** Destination folder (default: ./<connector display name as a folder name>). */
  out?: string
  /** Overwrite local files that differ. */
  force?: boolean
  /** Where to read it from: rp (default) or dataverse (default for a connectorid GUID). */
  target?: PushTarget
}

export interface PullResult {
  source: PushTarget
  connector: {displayName: string; name?: string; dataverseId?: string}
  environment: EnvironmentSummary
  folder: string
  /** Files written (names in the folder). */
  written: string[]
  /** Files that already had exactly this content. */
  unchanged: string[]
  /** Local files the connector no longer has (left alone). */
  leftAlone: string[]
}

/** paconn's apiProperties keys, in its order (powerapps-api.md 2.6). */
export const apiPropertiesKeyOrder = ['connectionParameters', 'connectionParameterSets', 'iconBrandColor', 'scriptOperations', 'capabilities', 'policyTemplateInstances', 'publisher', 'stackOwner'] as const

const capabilityNames: Record<string, string> = {'118690000': 'composite', '118690001': 'tabular', '118690002': 'blob', '118690003': 'gateway', '118690004': 'cloud', '118690005': 'actions'}

/** A connector as read from an environment (either surface), before it is written to a folder. */
export interface PulledConnector {
  displayName: string
  name?: string
  dataverseId?: string
  apiDefinition: Swagger
  apiProperties: ApiProperties
  icon?: Buffer
  script?: string
}

/**
 * paconn's download, on both surfaces: writes apiProperties.json (paconn's key order), the original swagger,
 * the icon, the script and settings.json into a folder, all at once (atomically). Files that exist and differ
 * are not overwritten without `force`: they are local changes (or remote ones) that the user must decide on.
 */
export async function pullConnector(options: PullOptions, ctx: CoreContext): Promise<PullResult> {
  if (!options.connector?.trim()) throw new UsageError('Name the connector to pull: --connector <id or display name>.', {code: 'CONNECTOR_REQUIRED', suggestions: ['cc connector list --env <environment>']})
  return withSession(options, ctx, async (session) => {
    const env = await session.environment()
    const source: PushTarget = options.target ?? (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(options.connector.trim()) ? 'dataverse' : 'rp')
    ctx.reporter.step(`Reading ${options.connector} from ${env.displayName ?? env.environmentId}`)
    const pulled = source === 'rp' ? await pullFromRp(session, env, options.connector.trim(), ctx) : await pullFromDataverse(session, env, options.connector.trim())
    const dir = resolve(ctx.cwd, options.out ?? folderNameFor(pulled.displayName))
    const result = await writePulled(dir, pulled, env, session, options.force === true)
    return {
      source,
      connector: {displayName: pulled.displayName, ...(pulled.name ? {name: pulled.name} : {}), ...(pulled.dataverseId ? {dataverseId: pulled.dataverseId} : {})},
      environment: environmentSummary(env),
      folder: displayPath(dir, ctx.cwd),
      ...result,
    }
  })
}

/** Reads a custom connector from the Power Apps RP (by name, or display name): registration, swagger, icon, script. */
export async function pullFromRp(session: Session, env: ResolvedEnvironment, wanted: string, ctx: CoreContext): Promise<PulledConnector> {
  const registration = await findRegistration(session, env, wanted)
  const props = registration.properties
  if (!props) throw new CcError(`The service answered without the properties of ${registration.name}.`, {code: 'API_INVALID_RESPONSE'})
  const swaggerUrl = props.apiDefinitions?.originalSwaggerUrl
  if (!swaggerUrl) throw new CcError(`${registration.name} has no original API definition to download (only custom connectors have one).`, {code: 'CONNECTOR_NO_DEFINITION'})
  ctx.reporter.step('Downloading the API definition, icon and script')
  const swaggerText = (await downloadBlob(session.storage, swaggerUrl, 'downloading the API definition')).toString('utf8').replace(/^\uFEFF/, '')
  let apiDefinition: Swagger
  try {
    apiDefinition = JSON.parse(swaggerText) as Swagger
  } catch {
    throw new CcError(`The API definition of ${registration.name} that the service returned is not JSON.`, {code: 'API_INVALID_RESPONSE'})
  }
  const properties: Record<string, unknown> = {}
  for (const key of apiPropertiesKeyOrder) if (props[key] !== undefined && props[key] !== null) properties[key] = props[key]
  const icon = props.iconUri && !/\/defaulticons\//i.test(props.iconUri) ? await downloadBlob(session.storage, props.iconUri, 'downloading the icon') : undefined
  const script = props.scriptDefinitionUrl ? (await downloadBlob(session.storage, props.scriptDefinitionUrl, 'downloading the script')).toString('utf8') : undefined
  return {
    displayName: props.displayName ?? registration.name,
    name: registration.name,
    ...(typeof props.metadata?.xrmConnectorId === 'string' ? {dataverseId: props.metadata.xrmConnectorId} : {}),
    apiDefinition,
    apiProperties: {properties},
    ...(icon ? {icon} : {}),
    ...(script !== undefined ? {script} : {}),
  }
}

async function findRegistration(session: Session, env: ResolvedEnvironment, wanted: string): Promise<ApiRegistration> {
  const direct = await session.powerApps.getConnector(env.environmentId, wanted)
  if (direct && isCustomApi(direct)) return direct
  const lower = wanted.toLowerCase()
  const matches = (await session.powerApps.listConnectors(env.environmentId, {customOnly: true})).filter((api) => (api.properties?.displayName ?? '').trim().toLowerCase() === lower)
  if (matches.length > 1) {
    throw new CcError(`${matches.length} connectors are called "${wanted}": ${matches.map((m) => m.name).join(', ')}.`, {code: 'CONNECTOR_AMBIGUOUS', suggestions: [`cc pull --env ${env.ref} --connector ${matches[0]!.name}`]})
  }
  if (matches.length === 0) {
    throw new CcError(`There is no custom connector "${wanted}" in ${env.displayName ?? env.environmentId}.`, {code: 'CONNECTOR_NOT_FOUND', suggestions: [`cc connector list --env ${env.ref}`]})
  }
  const found = await session.powerApps.getConnector(env.environmentId, matches[0]!.name)
  if (!found) throw new CcError(`Connector ${matches[0]!.name} disappeared while it was read.`, {code: 'CONNECTOR_NOT_FOUND'})
  return found
}

/** Reads a connector row from Dataverse (by connectorid, logical name, internal id or display name), in one request. */
export async function pullFromDataverse(session: Session, env: ResolvedEnvironment, wanted: string): Promise<PulledConnector> {
  const dataverse = await session.dataverse()
  let row: ConnectorRow | undefined = /^[0-9a-f-]{36}$/i.test(wanted) ? await dataverse.getConnector(wanted, connectorContentColumns) : undefined
  if (!row) {
    const rows = await dataverse.findConnectors({name: wanted, displayName: wanted, internalId: wanted}, ['connectorid'])
    if (rows.length > 1) throw new CcError(`${rows.length} Dataverse connectors match "${wanted}".`, {code: 'CONNECTOR_AMBIGUOUS', suggestions: [`cc pull --env ${env.ref} --connector ${rows[0]!.connectorid}`]})
    if (rows[0]) row = await dataverse.getConnector(rows[0].connectorid, connectorContentColumns)
  }
  if (!row) throw new CcError(`There is no connector "${wanted}" in the Dataverse of ${env.displayName ?? env.environmentId}.`, {code: 'CONNECTOR_NOT_FOUND', suggestions: [`cc connector list --env ${env.ref} --target dataverse`]})
  const json = (column: keyof ConnectorRow): unknown => {
    const text = row![column]
    if (typeof text !== 'string' || text.trim() === '') return undefined
    try {
      return JSON.parse(text)
    } catch {
      throw new CcError(`The ${String(column)} column of connector ${row!.name} is not JSON.`, {code: 'API_INVALID_RESPONSE'})
    }
  }
  const apiDefinition = json('openapidefinition') as Swagger | undefined
  if (!apiDefinition) throw new CcError(`Connector ${row.name} has no API definition in Dataverse.`, {code: 'CONNECTOR_NO_DEFINITION'})
  const capabilities = typeof row.capabilities === 'string' && row.capabilities !== '' ? row.capabilities.split(',').map((v) => capabilityNames[v.trim()] ?? v.trim()) : undefined
  const values: Record<string, unknown> = {
    connectionParameters: json('connectionparameters'),
    connectionParameterSets: json('connectionparametersets'),
    iconBrandColor: row.iconbrandcolor ?? undefined,
    scriptOperations: json('scriptoperations'),
    capabilities,
    policyTemplateInstances: json('policytemplateinstances'),
  }
  const properties: Record<string, unknown> = {}
  for (const key of apiPropertiesKeyOrder) if (values[key] !== undefined && values[key] !== null) properties[key] = values[key]
  return {
    displayName: row.displayname ?? row.name,
    dataverseId: row.connectorid,
    ...(row.connectorinternalid ? {name: row.connectorinternalid} : {}),
    apiDefinition,
    apiProperties: {properties},
    ...(typeof row.iconblob === 'string' && row.iconblob !== '' ? {icon: Buffer.from(row.iconblob, 'base64')} : {}),
    ...(typeof row.customcodeblobcontent === 'string' && row.customcodeblobcontent !== '' ? {script: row.customcodeblobcontent} : {}),
  }
}

async function writePulled(dir: string, pulled: PulledConnector, env: ResolvedEnvironment, session: Session, force: boolean): Promise<Pick<PullResult, 'written' | 'unchanged' | 'leftAlone'>> {
  let names: string[] = []
  try {
    names = (await readdir(dir, {withFileTypes: true})).filter((e) => e.isFile()).map((e) => e.name)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`${dir} is a file, not a folder.`, {code: 'PULL_TARGET_NOT_FOLDER', file: dir})
  }
  const roles = assignFileRoles(names)
  // Existing files keep their names (a folder with `apidefinition.swagger.json` is not given a second definition).
  const nameFor = (role: 'apiDefinition' | 'apiProperties' | 'icon' | 'script' | 'settings') => {
    const existing = roles[role]
    if (role === 'apiDefinition' && existing && /\.ya?ml$/i.test(existing)) return CanonicalFile.apiDefinition
    return existing ?? CanonicalFile[role]
  }
  let existingSettings: PaconnSettings | undefined
  if (roles.settings) {
    try {
      existingSettings = JSON.parse(await readFile(join(dir, roles.settings), 'utf8')) as PaconnSettings
    } catch {
      existingSettings = undefined
    }
  }
  const files: Array<{name: string; data: string | Buffer}> = [
    {name: nameFor('apiProperties'), data: serializeJson(pulled.apiProperties)},
    {name: nameFor('apiDefinition'), data: serializeJson(pulled.apiDefinition)},
  ]
  if (pulled.icon) files.push({name: nameFor('icon'), data: pulled.icon})
  if (pulled.script !== undefined) files.push({name: nameFor('script'), data: pulled.script})
  if (pulled.name) {
    const settings = settingsContent(existingSettings, {
      connectorId: pulled.name,
      environment: env.environmentId,
      apiProperties: nameFor('apiProperties'),
      apiDefinition: nameFor('apiDefinition'),
      icon: pulled.icon ? nameFor('icon') : null,
      script: pulled.script !== undefined ? nameFor('script') : null,
      ...(session.cloud.name === 'local' ? {} : {powerAppsUrl: session.cloud.powerAppsUrl}),
    })
    files.push({name: nameFor('settings'), data: serializeJson(settings)})
  }

  const changed: typeof files = []
  const unchanged: string[] = []
  const conflicts: string[] = []
  for (const file of files) {
    if (!names.includes(file.name)) {
      changed.push(file)
      continue
    }
    const current = await readFile(join(dir, file.name))
    const next = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data
    if (current.equals(next)) unchanged.push(file.name)
    else {
      changed.push(file)
      // settings.json only records where the connector came from; it is not someone's work.
      if (file.name !== nameFor('settings')) conflicts.push(file.name)
    }
  }
  if (conflicts.length > 0 && !force) {
    throw new CcError(`${displayPath(dir)} has local files that differ from the connector in ${env.displayName ?? env.environmentId}: ${conflicts.join(', ')}. Nothing was written.`, {
      code: 'PULL_WOULD_OVERWRITE',
      file: join(dir, conflicts[0]!),
      suggestions: ['cc pull … --force   (replace them with the connector as it is in the environment)', 'cc pull … --out <another folder>   (compare first)'],
    })
  }
  await writeFilesAtomic(changed.map((f) => ({path: join(dir, f.name), data: f.data})))
  const written = new Set(files.map((f) => f.name))
  const leftAlone = [roles.script, roles.icon].filter((n): n is string => n !== undefined && !written.has(n))
  return {written: changed.map((f) => f.name), unchanged, leftAlone}
}

/** A folder name for a connector: its display name in lower case, words joined by `-`. */
export function folderNameFor(displayName: string): string {
  const slug = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug === '' ? 'connector' : slug
}
