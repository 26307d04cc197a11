import {decodeClaims} from '../auth/claims.js'
import {uploadBlob} from '../clients/blob-storage.js'
import {type ApiRegistration, type ApiUpsertBody, isCustomApi} from '../clients/powerapps-rp.js'
import type {CoreContext} from '../context.js'
import {defaultScope} from '../environments/clouds.js'
import type {ResolvedEnvironment, Session} from '../environments/session.js'
import {CcError} from '../errors.js'
import {ExitCode} from '../exit-codes.js'
import {redirectUrlOf} from './oauth.js'
import type {PreparedConnector, PushOptions, PushResult, SurfaceOutcome} from './types.js'

/** Candidates for "which connector is this", in the order they are tried. */
export interface KnownIds {
  explicit?: string
  remembered: Array<{id: string; from: 'cc.yaml' | 'settings.json'}>
}

/**
 * Create or update through the Power Apps resource provider, as paconn does (powerapps-api.md 2.11): validate
 * the swagger, get blob storage, upload the icon and script, then POST or PATCH the body of section 2.9. Two
 * deliberate differences: an update without a script leaves the existing custom code alone (paconn sends
 * `scriptDefinitionUrl: ""`, wiping it) unless `--remove-script`, and errors found by the service's check stop
 * the push (paconn ignores them).
 */
export async function pushToRp(session: Session, env: ResolvedEnvironment, prepared: PreparedConnector, ids: KnownIds, options: PushOptions, ctx: CoreContext): Promise<SurfaceOutcome> {
  const {powerApps} = session
  ctx.reporter.step(`Looking for ${prepared.title} in ${env.displayName ?? env.environmentId}`)
  const existing = await findRpConnector(session, env, prepared.title, ids, ctx)
  if (!existing && prepared.needsSecret && !prepared.hasSecret) throw secretRequired(prepared)

  const serviceWarnings: string[] = []
  if (options.validate !== false) {
    ctx.reporter.step('Checking the API definition with the service')
    serviceWarnings.push(...(await serviceValidation(session, prepared)))
  }

  const objectId = await callerObjectId(session)
  let iconUri: string | undefined
  let scriptUrl: string | undefined
  if (prepared.icon || prepared.script !== undefined) {
    ctx.reporter.step('Uploading the icon and script')
    const sas = await powerApps.generateResourceStorage(objectId, env.environmentId)
    if (prepared.icon) iconUri = await uploadBlob(session.storage, sas, blobName(prepared.connector.icon?.name, 'icon.png'), prepared.icon, 'image/png')
    if (prepared.script !== undefined) scriptUrl = await uploadBlob(session.storage, sas, blobName(prepared.connector.script?.name, 'script.csx'), Buffer.from(prepared.script, 'utf8'))
  }

  const body = upsertBody(prepared, env.environmentId, {create: !existing, ...(iconUri ? {iconUri} : {}), ...(scriptUrl ? {scriptUrl} : {}), removeScript: options.removeScript === true})
  let registration: ApiRegistration | undefined
  if (existing) {
    ctx.reporter.step(`Updating ${existing.name}`)
    registration = await powerApps.updateConnector(env.environmentId, existing.name, body)
  } else {
    ctx.reporter.step(`Creating ${prepared.title}`)
    registration = await powerApps.createConnector(env.environmentId, body)
  }
  const name = existing?.name ?? registration?.name
  if (!name) throw new CcError('The service created the connector but did not say its name.', {code: 'API_INVALID_RESPONSE'})
  // The update answer may be empty (204 on the real service); read the connector for its redirect URL and identity.
  if (!registration?.properties) registration = await powerApps.getConnector(env.environmentId, name)
  return {
    action: existing ? 'updated' : 'created',
    name,
    ...(existing ? {foundBy: existing.from} : {}),
    ...platformValues(registration),
    script: scriptUrl ? 'uploaded' : options.removeScript && existing ? 'removed' : existing ? 'kept' : 'none',
    icon: iconUri ? 'uploaded' : 'none',
    secret: prepared.hasSecret ? 'sent' : prepared.needsSecret ? 'kept by the service' : 'not needed',
    serviceWarnings,
  }
}

/** The redirect URL and managed identity the platform shows for a connector. */
export function platformValues(registration: ApiRegistration | undefined): Pick<SurfaceOutcome, 'redirectUrl' | 'managedIdentity'> {
  const props = registration?.properties
  const redirectUrl = redirectUrlOf(props?.connectionParameters, props?.connectionParameterSets)
  const mi = props?.managedIdentity
  return {
    ...(redirectUrl ? {redirectUrl} : {}),
    ...(mi && typeof mi.issuer === 'string' && typeof mi.subject === 'string' ? {managedIdentity: {issuer: mi.issuer, subject: mi.subject}} : {}),
  }
}

/**
 * The create/update body of powerapps-api.md 2.9: the whole apiProperties object with, in `properties`,
 * openApiDefinition, backendService, environment, displayName (create only), description, iconUri (when an
 * icon was uploaded) and scriptDefinitionUrl (the uploaded script; "" only to remove code on purpose).
 */
export function upsertBody(prepared: PreparedConnector, environment: string, options: {create: boolean; iconUri?: string; scriptUrl?: string; removeScript?: boolean}): ApiUpsertBody {
  const body = structuredClone(prepared.apiProperties) as ApiUpsertBody
  const properties = (body.properties ??= {}) as Record<string, unknown>
  properties.openApiDefinition = prepared.apiDefinition
  properties.backendService = {serviceUrl: backendServiceUrl(prepared.apiDefinition)}
  properties.environment = {name: environment}
  if (options.create) properties.displayName = prepared.title
  properties.description = prepared.description
  if (options.iconUri) properties.iconUri = options.iconUri
  if (options.scriptUrl) properties.scriptDefinitionUrl = options.scriptUrl
  else if (options.removeScript) properties.scriptDefinitionUrl = ''
  return body
}

/** `<first scheme>://<host><basePath>`, as paconn builds it (a missing scheme gives `//host`). */
export function backendServiceUrl(swagger: PreparedConnector['apiDefinition']): string {
  const scheme = Array.isArray(swagger.schemes) && typeof swagger.schemes[0] === 'string' ? `${swagger.schemes[0]}:` : ''
  const basePath = typeof swagger.basePath === 'string' && swagger.basePath !== '' ? (swagger.basePath.startsWith('/') ? swagger.basePath : `/${swagger.basePath}`) : ''
  return `${scheme}//${swagger.host ?? ''}${basePath}`
}

async function findRpConnector(session: Session, env: ResolvedEnvironment, title: string, ids: KnownIds, ctx: CoreContext): Promise<{name: string; from: NonNullable<PushResult['foundBy']>} | undefined> {
  const {powerApps} = session
  if (ids.explicit) {
    const found = await powerApps.getConnector(env.environmentId, ids.explicit)
    if (!found) {
      throw new CcError(`There is no connector ${ids.explicit} in environment ${env.displayName ?? env.environmentId}.`, {
        code: 'CONNECTOR_NOT_FOUND',
        suggestions: [`cc connector list --env ${env.ref}`, 'Leave out --connector-id to create the connector (or find it by name).'],
      })
    }
    return {name: found.name, from: 'connector id'}
  }
  for (const {id, from} of ids.remembered) {
    if (!id.startsWith('shared_') && /^[0-9a-f-]{36}$/i.test(id)) continue
    const found = await powerApps.getConnector(env.environmentId, id)
    if (found) return {name: found.name, from}
    ctx.reporter.warn(`${from} remembers connector ${id}, which no longer exists in ${env.displayName ?? env.environmentId}; looking for the connector by name.`)
  }
  const wanted = title.trim().toLowerCase()
  const matches = (await powerApps.listConnectors(env.environmentId, {customOnly: true})).filter((api) => isCustomApi(api) && (api.properties?.displayName ?? '').trim().toLowerCase() === wanted)
  if (matches.length > 1) {
    throw new CcError(`${matches.length} connectors in ${env.displayName ?? env.environmentId} are called "${title}": ${matches.map((m) => m.name).join(', ')}.`, {
      code: 'CONNECTOR_AMBIGUOUS',
      suggestions: [`cc push --env ${env.ref} --connector-id ${matches[0]!.name}`],
    })
  }
  return matches[0] ? {name: matches[0].name, from: 'display name'} : undefined
}

async function callerObjectId(session: Session): Promise<string> {
  const token = await session.tokens.getToken(defaultScope(session.cloud.audiences.powerApps))
  const oid = decodeClaims(token.token).oid
  if (!oid) throw new CcError('The access token has no object id (oid); the service needs it for storage and validation.', {code: 'AUTH_NO_OBJECT_ID', suggestions: [session.loginCommand]})
  return oid
}

/**
 * The service's swagger check (E6). Its answer is text, one finding per line (`Error: …`, `Warning: …`), or a
 * JSON object with Errors/Warnings. Errors stop the push (exit 3); warnings are returned.
 */
async function serviceValidation(session: Session, prepared: PreparedConnector): Promise<string[]> {
  const answer = await session.powerApps.validateSwagger(await callerObjectId(session), prepared.apiDefinition)
  const lines: Array<{level: string; text: string}> = []
  if (typeof answer === 'string') {
    for (const line of answer.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
      const m = /^(critical|error|warning|info)\s*:\s*(.*)$/i.exec(line)
      lines.push(m ? {level: m[1]!.toLowerCase(), text: m[2]!} : {level: /succeeded/i.test(line) ? 'info' : 'warning', text: line})
    }
  } else if (answer && typeof answer === 'object') {
    const a = answer as {Errors?: unknown[]; Warnings?: unknown[]; errors?: unknown[]; warnings?: unknown[]}
    for (const e of a.Errors ?? a.errors ?? []) lines.push({level: 'error', text: typeof e === 'string' ? e : JSON.stringify(e)})
    for (const w of a.Warnings ?? a.warnings ?? []) lines.push({level: 'warning', text: typeof w === 'string' ? w : JSON.stringify(w)})
  }
  const errors = lines.filter((l) => l.level === 'error' || l.level === 'critical')
  if (errors.length > 0) {
    throw new CcError(`The service rejected the API definition of ${prepared.title}:\n  ${errors.slice(0, 8).map((e) => e.text).join('\n  ')}`, {
      code: 'SERVICE_VALIDATION_FAILED',
      exitCode: ExitCode.findings,
      file: prepared.connector.apiDefinition?.path ?? prepared.connector.dir,
      suggestions: ['Fix the definition (cc validate shows local findings with positions)', 'or pass --no-validate to send it anyway'],
    })
  }
  return lines.filter((l) => l.level === 'warning').map((l) => l.text)
}

function blobName(fileName: string | undefined, fallback: string): string {
  const name = (fileName ?? fallback).split(/[\\/]/).pop()!
  return name === '' ? fallback : name
}

export function secretRequired(prepared: PreparedConnector): CcError {
  return new CcError(`${prepared.title} uses OAuth: creating it needs the client secret of its OAuth app.`, {
    code: 'OAUTH_SECRET_REQUIRED',
    exitCode: ExitCode.usage,
    file: prepared.connector.apiProperties?.path ?? prepared.connector.dir,
    suggestions: ['cc push --client-secret-env CONNECTOR_CLIENT_SECRET   (the variable holds the secret)', 'printf %s "$SECRET" | cc push   (the secret on stdin)'],
  })
}
