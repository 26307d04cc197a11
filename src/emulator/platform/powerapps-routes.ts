import {randomUUID} from 'node:crypto'

import {escapeConnectorName} from '../../core/naming/connector-names.js'
import type {EmulatorContext} from '../context.js'
import {armError, json, type EmulatorRequest, type EmulatorResponse} from '../http.js'
import {homeTenant} from '../identity/directory.js'
import {evaluateFilter, ODataQueryError, paginate, parseFilter, type FilterNode} from '../odata.js'
import {routesOf, type RouteDefinition} from '../router.js'
import {collections, type ConnectorRecord, type EnvironmentRecord, type SolutionComponentRecord} from '../state/records.js'
import type {Transaction} from '../state/store.js'
import {
  blobAccount,
  blobUrl,
  digestSecrets,
  listConnectors,
  mintRpName,
  newManagedIdentity,
  presentedParameters,
  principalOf,
  sasQuery,
  shortName,
  splitSecrets,
  usesManagedIdentity,
} from './connectors.js'
import {environmentOrThrow, requireApiVersion} from './environment-routes.js'
import {structuralProblems, validateSwagger, validationText} from './validate-swagger.js'

/**
 * The Power Apps resource provider's custom-connector API (what paconn and the maker portal use):
 * `/providers/Microsoft.PowerApps/apis` with the `$filter=environment eq '…'` rule, validateApiSwagger and
 * generateResourceStorage. Shapes follow powerapps-api.md 2.5–2.9.
 */
export function powerAppsRoutes(): RouteDefinition[] {
  const base = '/providers/Microsoft.PowerApps'
  const route = routesOf('powerapps', 'powerapps', base)
  return [
    route('GET', '/apis', 'powerapps.apis.list', list),
    route('POST', '/apis', 'powerapps.apis.create', create),
    route('GET', '/apis/{name}', 'powerapps.apis.get', get),
    route('PATCH', '/apis/{name}', 'powerapps.apis.update', update),
    route('DELETE', '/apis/{name}', 'powerapps.apis.delete', remove),
    route('POST', '/objectIds/{oid}/validateApiSwagger', 'powerapps.validateApiSwagger', validate),
    route('POST', '/objectIds/{oid}/generateResourceStorage', 'powerapps.generateResourceStorage', generateResourceStorage),
  ]
}

/** Microsoft's own connectors, listed in every environment next to the custom ones (isCustomApi false). */
const builtInApis = [
  {name: 'shared_office365', displayName: 'Office 365 Outlook', description: 'Microsoft Office 365 is a cloud-based service that is designed to help meet your organization\'s needs for robust security, reliability, and user productivity.'},
  {name: 'shared_sharepointonline', displayName: 'SharePoint', description: 'SharePoint helps organizations share and collaborate with colleagues, partners, and customers.'},
  {name: 'shared_commondataserviceforapps', displayName: 'Microsoft Dataverse', description: 'Provides access to the environment database in Microsoft Dataverse.'},
]

const writableProperties = new Set([
  'connectionParameters',
  'connectionParameterSets',
  'iconBrandColor',
  'scriptOperations',
  'capabilities',
  'policyTemplateInstances',
  'publisher',
  'stackOwner',
  'openApiDefinition',
  'backendService',
  'environment',
  'displayName',
  'description',
  'iconUri',
  'scriptDefinitionUrl',
  // Seen in published apiProperties files (a flag next to script.csx); accepted and ignored.
  'script',
])

const canonicalMember = new Map([...writableProperties].map((m) => [m.toLowerCase(), m]))

const passThrough = ['publisher', 'stackOwner'] as const

/** The environment a request names: `$filter=environment eq '<name>'` (required, as on the real service). */
function environmentFilter(req: EmulatorRequest): string | undefined {
  const filter = req.query.get('$filter')
  if (filter === null) return undefined
  let node: FilterNode
  try {
    node = parseFilter(filter)
  } catch (error) {
    throw armError(400, 'InvalidFilter', `The $filter '${filter}' is not valid: ${(error as Error).message}.`)
  }
  const found = findEquality(node, 'environment')
  if (found === undefined) throw armError(400, 'InvalidFilter', `The $filter '${filter}' must name an environment: environment eq '<environment name>'.`)
  return found
}

function findEquality(node: FilterNode, property: string): string | undefined {
  if (node.kind === 'compare' && node.op === 'eq' && node.left.kind === 'property' && node.left.path.toLowerCase() === property && node.right.kind === 'literal') {
    return String(node.right.value)
  }
  if (node.kind === 'logical' && node.op === 'and') return findEquality(node.left, property) ?? findEquality(node.right, property)
  return undefined
}

async function requiredEnvironment(req: EmulatorRequest, ctx: EmulatorContext, fromBody?: string): Promise<EnvironmentRecord> {
  const fromFilter = environmentFilter(req)
  if (fromFilter && fromBody && fromFilter.toLowerCase() !== fromBody.toLowerCase()) {
    throw armError(400, 'InvalidRequestContent', `The environment in the body ('${fromBody}') differs from the one in $filter ('${fromFilter}').`)
  }
  const name = fromFilter ?? fromBody
  if (!name) {
    throw armError(400, 'MissingEnvironmentFilter', "The request must name an environment: add $filter=environment eq '<environment name>' to the query.")
  }
  return environmentOrThrow(ctx, name)
}

async function list(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const env = await requiredEnvironment(req, ctx)
  const filter = parseFilter(req.query.get('$filter')!)
  const records = await listConnectors(ctx, env.id)
  const items = [
    ...records.map((r) => ({view: () => connectorView(req, ctx, r, env, false), isCustomApi: true, displayName: r.displayName, name: r.name})),
    ...builtInApis.map((b) => ({view: () => builtInView(req, b, env), isCustomApi: false, displayName: b.displayName, name: b.name})),
  ]
  const get = (item: (typeof items)[number]) => (path: string) => {
    const p = path.toLowerCase()
    if (p === 'environment') return env.id
    if (p === 'iscustomapi') return item.isCustomApi
    if (p === 'name') return item.name
    if (p === 'displayname' || p === 'properties/displayname') return item.displayName
    return undefined
  }
  const kept = items.filter((item) => evaluateFilter(filter, get(item)) === true)
  try {
    const page = paginate(kept, req, ctx.settings.pageSize)
    return json(200, {value: page.items.map((i) => i.view()), ...(page.nextLink ? {nextLink: page.nextLink} : {})})
  } catch (error) {
    if (error instanceof ODataQueryError) throw armError(400, 'InvalidQueryParameter', error.message)
    throw error
  }
}

async function findConnector(ctx: EmulatorContext, env: EnvironmentRecord, name: string): Promise<ConnectorRecord | undefined> {
  const exact = await ctx.store.get<ConnectorRecord>(collections.connectors(env.id), name)
  return exact ?? (await listConnectors(ctx, env.id)).find((c) => c.name.toLowerCase() === name.toLowerCase())
}

function notFound(name: string, env: EnvironmentRecord): never {
  throw armError(404, 'ApiNotFound', `The API '${name}' could not be found in environment '${env.id}'.`)
}

async function get(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const env = await requiredEnvironment(req, ctx)
  const name = req.params.name!
  const builtIn = builtInApis.find((b) => b.name.toLowerCase() === name.toLowerCase())
  if (builtIn) return json(200, builtInView(req, builtIn, env))
  const record = await findConnector(ctx, env, name)
  if (!record) notFound(name, env)
  return json(200, connectorView(req, ctx, record, env, true))
}

interface Body {
  properties: Record<string, unknown>
}

function readBody(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.')
  const properties = (body as {properties?: unknown}).properties
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw armError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'properties' must be an object.")
  }
  // Member names match without regard to case (as JSON.NET does); unknown members are refused.
  const normalized: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(properties)) {
    const known = canonicalMember.get(key.toLowerCase())
    if (!known) {
      throw armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: 'Could not find member '${key}' on object of type 'ApiPropertiesDefinition'. Path 'properties.${key}'.'.`)
    }
    normalized[known] = value
  }
  return {properties: normalized}
}

function objectOrNull(value: unknown, member: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) throw armError(400, 'InvalidRequestContent', `'properties.${member}' must be an object.`)
  return value as Record<string, unknown>
}

function swaggerOf(value: unknown): {text: string; swagger: Record<string, unknown>} {
  const problems = structuralProblems(value)
  if (problems.length > 0) throw armError(400, 'InvalidApiDefinition', `The API definition (properties.openApiDefinition) is not valid: ${problems.join(' ')}`)
  return {text: JSON.stringify(value), swagger: value as Record<string, unknown>}
}

/** Resolves `iconUri`/`scriptDefinitionUrl`: a blob of this emulator (copied), an outside URL (kept), or empty. */
async function readUploadedBlob(req: EmulatorRequest, ctx: EmulatorContext, url: string, member: string): Promise<{data: Buffer; contentType: string} | 'external'> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw armError(400, 'InvalidRequestContent', `'properties.${member}' is not a URL: '${url}'.`)
  }
  const m = /^\/blob\/([^/]+)\/([^/]+)\/(.+)$/.exec(decodeURIComponent(parsed.pathname))
  if (!m || parsed.host !== new URL(req.origin).host) return 'external'
  const blob = await ctx.blobs.get(m[1]!, m[2]!, m[3]!)
  if (!blob) throw armError(400, 'InvalidRequestContent', `'properties.${member}' points at a blob that does not exist: '${m[3]}'. Upload it first (PUT to the generateResourceStorage URL).`)
  return {data: blob.data, contentType: blob.properties.contentType}
}

interface Assets {
  icon?: {data: Buffer; contentType: string} | {external: string} | null
  script?: string | null
}

async function readAssets(req: EmulatorRequest, ctx: EmulatorContext, props: Record<string, unknown>): Promise<Assets> {
  const assets: Assets = {}
  if ('iconUri' in props) {
    const uri = props.iconUri
    if (uri === null || uri === '') assets.icon = null
    else if (typeof uri !== 'string') throw armError(400, 'InvalidRequestContent', "'properties.iconUri' must be a string.")
    else {
      const blob = await readUploadedBlob(req, ctx, uri, 'iconUri')
      assets.icon = blob === 'external' ? {external: uri} : blob
    }
  }
  if ('scriptDefinitionUrl' in props) {
    const uri = props.scriptDefinitionUrl
    if (uri === null || uri === '') assets.script = null
    else if (typeof uri !== 'string') throw armError(400, 'InvalidRequestContent', "'properties.scriptDefinitionUrl' must be a string.")
    else {
      const blob = await readUploadedBlob(req, ctx, uri, 'scriptDefinitionUrl')
      if (blob === 'external') throw armError(400, 'InvalidRequestContent', "'properties.scriptDefinitionUrl' must be a blob URL that generateResourceStorage handed out.")
      assets.script = blob.data.toString('utf8').replace(/^\uFEFF/, '')
    }
  }
  return assets
}

async function storeIcon(ctx: EmulatorContext, record: ConnectorRecord, icon: Assets['icon']): Promise<void> {
  if (icon === undefined) return
  if (icon === null) {
    record.iconBlob = null
    record.iconUrl = null
  } else if ('external' in icon) {
    record.iconBlob = null
    record.iconUrl = icon.external
  } else {
    const name = `${record.environment}/${record.name}`
    await ctx.blobs.put(blobAccount, 'connector-icons', name, icon.data, icon.contentType)
    record.iconBlob = `${blobAccount}/connector-icons/${name}`
    record.iconUrl = null
  }
}

async function create(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const {properties: props} = readBody(await req.json())
  const bodyEnv = (props.environment as {name?: unknown} | undefined)?.name
  const env = await requiredEnvironment(req, ctx, typeof bodyEnv === 'string' ? bodyEnv : undefined)
  const {text: swaggerText, swagger} = swaggerOf(props.openApiDefinition)
  const displayName = typeof props.displayName === 'string' && props.displayName.trim() ? props.displayName.trim() : String((swagger.info as {title: string}).title)
  const split = splitSecrets(objectOrNull(props.connectionParameters, 'connectionParameters'), objectOrNull(props.connectionParameterSets, 'connectionParameterSets'))
  if (split.missing.length > 0) {
    throw armError(400, 'InvalidRequestContent', `The OAuth settings at ${split.missing.map((p) => `properties${p.replaceAll('/', '.')}`).join(', ')} need a client secret on create (it is write-only and kept by the platform).`)
  }
  const assets = await readAssets(req, ctx, props)
  const principal = await principalOf(ctx, req.auth!)
  const tenant = await homeTenant(ctx)
  const now = new Date(ctx.now()).toISOString()
  const record = await ctx.store.transaction(async (tx) => {
    const existing = await tx.list<ConnectorRecord>(collections.connectors(env.id))
    const name = mintRpName(displayName, env.id, principal.id, (n) => existing.some((c) => c.name.toLowerCase() === n))
    let logicalName = `new_${escapeConnectorName(displayName)}`
    if (existing.some((c) => c.logicalName === logicalName)) logicalName = `${logicalName}-5f${name.slice(-6)}`
    const record: ConnectorRecord = {
      name,
      environment: env.id,
      connectorid: randomUUID(),
      logicalName,
      displayName,
      description: typeof props.description === 'string' ? props.description : String((swagger.info as {description?: string}).description ?? ''),
      openApiDefinition: swaggerText,
      connectionParameters: split.params,
      connectionParameterSets: split.sets,
      policyTemplateInstances: Array.isArray(props.policyTemplateInstances) ? props.policyTemplateInstances : null,
      iconBrandColor: typeof props.iconBrandColor === 'string' ? props.iconBrandColor : null,
      scriptOperations: Array.isArray(props.scriptOperations) ? props.scriptOperations.map(String) : null,
      capabilities: Array.isArray(props.capabilities) ? props.capabilities.map(String) : [],
      backendService: backendServiceOf(props.backendService),
      extraProperties: pickPassThrough(props),
      iconBlob: null,
      iconUrl: null,
      script: assets.script ?? null,
      secrets: digestSecrets(ctx, split.secrets),
      managedIdentity: usesManagedIdentity(split.params, split.sets) ? newManagedIdentity(tenant.id, env.id) : null,
      createdBy: principal,
      modifiedBy: principal,
      createdTime: now,
      changedTime: now,
      version: 1,
      ismanaged: false,
      origin: 'powerapps',
      statecode: 0,
      statuscode: 1,
    }
    await storeIcon(ctx, record, assets.icon)
    tx.put(collections.connectors(env.id), record.name, record)
    return record
  })
  return json(201, connectorView(req, ctx, record, env, true))
}

function backendServiceOf(value: unknown): {serviceUrl: string} | null {
  if (value && typeof value === 'object' && typeof (value as {serviceUrl?: unknown}).serviceUrl === 'string') return {serviceUrl: (value as {serviceUrl: string}).serviceUrl}
  return null
}

function pickPassThrough(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of passThrough) if (props[key] !== undefined) out[key] = props[key]
  return out
}

async function update(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const {properties: props} = readBody(await req.json())
  const bodyEnv = (props.environment as {name?: unknown} | undefined)?.name
  const env = await requiredEnvironment(req, ctx, typeof bodyEnv === 'string' ? bodyEnv : undefined)
  const name = req.params.name!
  if (builtInApis.some((b) => b.name.toLowerCase() === name.toLowerCase())) throw armError(403, 'Forbidden', `The API '${name}' is published by Microsoft and cannot be changed.`)
  const swagger = props.openApiDefinition === undefined ? undefined : swaggerOf(props.openApiDefinition)
  const assets = await readAssets(req, ctx, props)
  const principal = await principalOf(ctx, req.auth!)
  const tenant = await homeTenant(ctx)
  const record = await ctx.store.transaction(async (tx) => {
    const current = (await tx.list<ConnectorRecord>(collections.connectors(env.id))).find((c) => c.name.toLowerCase() === name.toLowerCase())
    if (!current) notFound(name, env)
    const next = applyProperties(ctx, current, props, swagger?.text)
    next.modifiedBy = principal
    next.changedTime = new Date(ctx.now()).toISOString()
    next.version = current.version + 1
    if (!usesManagedIdentity(next.connectionParameters, next.connectionParameterSets)) next.managedIdentity = null
    else next.managedIdentity ??= newManagedIdentity(tenant.id, env.id)
    if (assets.script !== undefined) next.script = assets.script
    await storeIcon(ctx, next, assets.icon)
    tx.put(collections.connectors(env.id), next.name, next)
    return next
  })
  return json(200, connectorView(req, ctx, record, env, true))
}

/** PATCH semantics: members present replace, members absent stay; secrets not sent are kept. */
function applyProperties(ctx: EmulatorContext, current: ConnectorRecord, props: Record<string, unknown>, swaggerText: string | undefined): ConnectorRecord {
  const next: ConnectorRecord = structuredClone(current)
  if (swaggerText !== undefined) next.openApiDefinition = swaggerText
  if (typeof props.displayName === 'string' && props.displayName.trim()) next.displayName = props.displayName.trim()
  if (props.description !== undefined) next.description = String(props.description ?? '')
  if ('connectionParameters' in props || 'connectionParameterSets' in props) {
    const split = splitSecrets(
      'connectionParameters' in props ? objectOrNull(props.connectionParameters, 'connectionParameters') : current.connectionParameters,
      'connectionParameterSets' in props ? objectOrNull(props.connectionParameterSets, 'connectionParameterSets') : current.connectionParameterSets,
    )
    next.connectionParameters = split.params
    next.connectionParameterSets = split.sets
    const fresh = digestSecrets(ctx, split.secrets)
    // An OAuth setting still there but sent without its secret keeps the secret it had (paconn update does that).
    const kept = current.secrets.filter((s) => split.missing.includes(s.pointer))
    next.secrets = [...kept, ...fresh]
  }
  if ('policyTemplateInstances' in props) next.policyTemplateInstances = Array.isArray(props.policyTemplateInstances) ? props.policyTemplateInstances : null
  if ('iconBrandColor' in props) next.iconBrandColor = typeof props.iconBrandColor === 'string' ? props.iconBrandColor : null
  if ('scriptOperations' in props) next.scriptOperations = Array.isArray(props.scriptOperations) ? props.scriptOperations.map(String) : null
  if ('capabilities' in props) next.capabilities = Array.isArray(props.capabilities) ? props.capabilities.map(String) : []
  if ('backendService' in props) next.backendService = backendServiceOf(props.backendService)
  next.extraProperties = {...current.extraProperties, ...pickPassThrough(props)}
  return next
}

async function remove(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const env = await requiredEnvironment(req, ctx)
  const name = req.params.name!
  if (builtInApis.some((b) => b.name.toLowerCase() === name.toLowerCase())) throw armError(403, 'Forbidden', `The API '${name}' is published by Microsoft and cannot be deleted.`)
  await ctx.store.transaction(async (tx) => {
    const current = (await tx.list<ConnectorRecord>(collections.connectors(env.id))).find((c) => c.name.toLowerCase() === name.toLowerCase())
    if (!current) notFound(name, env)
    await deleteConnector(ctx, tx, current)
  })
  return {status: 200, headers: {}}
}

/** Removes a connector and its solution memberships (the RP and Dataverse delete the same row). */
export async function deleteConnector(ctx: EmulatorContext, tx: Transaction, record: ConnectorRecord): Promise<void> {
  tx.delete(collections.connectors(record.environment), record.name)
  for (const component of await tx.list<SolutionComponentRecord>(collections.solutionComponents(record.environment))) {
    if (component.objectid === record.connectorid) tx.delete(collections.solutionComponents(record.environment), component.solutioncomponentid)
  }
  if (record.iconBlob) await ctx.blobs.delete(blobAccount, 'connector-icons', `${record.environment}/${record.name}`)
}

function checkObjectId(req: EmulatorRequest): void {
  if (req.params.oid!.toLowerCase() !== req.auth!.objectId.toLowerCase()) {
    throw armError(403, 'Forbidden', `The object id in the path ('${req.params.oid}') is not the caller's ('${req.auth!.objectId}').`)
  }
}

async function validate(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  checkObjectId(req)
  const swagger = await req.json()
  if (typeof swagger !== 'object' || swagger === null || Array.isArray(swagger)) {
    throw armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be the swagger (a JSON object).')
  }
  const certification = (req.query.get('enableConnectorCertificationRules') ?? '').toLowerCase() === 'true'
  return json(200, validationText(validateSwagger(swagger, certification), certification))
}

async function generateResourceStorage(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireApiVersion(req)
  checkObjectId(req)
  const body = (await req.json()) as {environment?: {name?: unknown}}
  const name = body?.environment?.name
  if (typeof name !== 'string' || name === '') throw armError(400, 'InvalidRequestContent', 'The body must name the environment: {"environment": {"name": "<environment name>"}}.')
  await environmentOrThrow(ctx, name)
  const container = randomUUID().replaceAll('-', '')
  return json(200, {sharedAccessSignature: `${blobUrl(req.origin, container)}?${sasQuery(ctx, container, undefined, 'rw', 3_600_000)}`})
}

/** The registration object of a custom connector (powerapps-api.md 2.6); `full` adds the runtime swagger. */
export function connectorView(req: EmulatorRequest, ctx: EmulatorContext, record: ConnectorRecord, env: EnvironmentRecord, full: boolean): Record<string, unknown> {
  const short = shortName(record.name)
  let swagger: Record<string, unknown> = {}
  try {
    swagger = JSON.parse(record.openApiDefinition) as Record<string, unknown>
  } catch {
    // stored by Dataverse without validation: shown as empty
  }
  const info = (swagger.info ?? {}) as Record<string, unknown>
  const runtimeHost = `${env.location}-002.azure-apim.net`
  const runtimeUrl = `https://${runtimeHost}/apim/${short}`
  const {params, sets} = presentedParameters(record)
  const brandColor = record.iconBrandColor ?? '#007ee5'
  const readSas = (container: string, blob: string) => `${blobUrl(req.origin, container, blob)}?${sasQuery(ctx, container, blob, 'r', 86_400_000)}`
  const properties: Record<string, unknown> = {
    displayName: record.displayName,
    iconUri: record.iconBlob ? blobUrl(req.origin, 'api-icons', `${short}.png`) : (record.iconUrl ?? blobUrl(req.origin, 'defaulticons', 'api-dedicated.png')),
    iconBrandColor: brandColor,
    contact: info.contact ?? {},
    license: info.license ?? {},
    apiEnvironment: 'Shared',
    isCustomApi: true,
    connectionParameters: params ?? {},
    ...(sets ? {connectionParameterSets: sets} : {}),
    ...(full ? {swagger: {...swagger, host: runtimeHost, basePath: `/apim/${short}`, schemes: ['https']}} : {}),
    runtimeUrls: [runtimeUrl],
    primaryRuntimeUrl: runtimeUrl,
    metadata: {
      source: 'powerapps-user-defined',
      brandColor,
      contact: info.contact ?? {},
      license: info.license ?? {},
      publisherUrl: null,
      serviceUrl: record.backendService?.serviceUrl ?? null,
      documentationUrl: null,
      environmentName: env.id,
      xrmConnectorId: record.connectorid,
      almMode: 'Environment',
      createdBy: JSON.stringify(record.createdBy),
      modifiedBy: JSON.stringify(record.modifiedBy),
      allowSharing: false,
    },
    capabilities: record.capabilities,
    description: record.description,
    apiDefinitions: {
      originalSwaggerUrl: readSas('api-swagger-files', `${short}.json_original`),
      modifiedSwaggerUrl: readSas('api-swagger-files', `${short}.json`),
    },
    createdBy: record.createdBy,
    modifiedBy: record.modifiedBy,
    createdTime: record.createdTime,
    changedTime: record.changedTime,
    environment: {id: `/providers/Microsoft.PowerApps/environments/${env.id}`, name: env.id},
    tier: 'Standard',
    publisher: (record.extraProperties.publisher as string | undefined) ?? record.createdBy.displayName,
    almMode: 'Environment',
    ...(record.extraProperties.stackOwner === undefined ? {} : {stackOwner: record.extraProperties.stackOwner}),
    ...(record.backendService ? {backendService: record.backendService} : {}),
    ...(record.policyTemplateInstances ? {policyTemplateInstances: record.policyTemplateInstances} : {}),
    ...(record.scriptOperations ? {scriptOperations: record.scriptOperations} : {}),
    ...(record.script !== null ? {scriptDefinitionUrl: readSas('api-scripts', `${short}.csx`)} : {}),
    ...(record.managedIdentity ? {managedIdentity: record.managedIdentity} : {}),
  }
  return {name: record.name, id: `/providers/Microsoft.PowerApps/apis/${record.name}`, type: 'Microsoft.PowerApps/apis', properties}
}

function builtInView(req: EmulatorRequest, api: (typeof builtInApis)[number], env: EnvironmentRecord): Record<string, unknown> {
  return {
    name: api.name,
    id: `/providers/Microsoft.PowerApps/apis/${api.name}`,
    type: 'Microsoft.PowerApps/apis',
    properties: {
      displayName: api.displayName,
      iconUri: blobUrl(req.origin, 'defaulticons', 'api-dedicated.png'),
      iconBrandColor: '#0072c6',
      apiEnvironment: 'Shared',
      isCustomApi: false,
      description: api.description,
      publisher: 'Microsoft',
      tier: 'Standard',
      capabilities: ['actions'],
      environment: {id: `/providers/Microsoft.PowerApps/environments/${env.id}`, name: env.id},
    },
  }
}
