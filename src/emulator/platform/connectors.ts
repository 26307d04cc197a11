import {createHash, createHmac, randomBytes} from 'node:crypto'

import {escapeConnectorName} from '../../core/naming/connector-names.js'
import type {EmulatorContext} from '../context.js'
import type {Caller} from '../http.js'
import {findServicePrincipalByAppId, findUser} from '../identity/directory.js'
import {apiConnectionsAppId} from '../seed-identities.js'
import {secretDigest} from '../state/keys.js'
import {collections, type ConnectorRecord, type EnvironmentRecord, type PrincipalRef} from '../state/records.js'

/**
 * What the Power Apps RP, the Dataverse connector table and solution import share about custom connectors:
 * minting names and ids, secrets (write-only), the per-connector redirect URL, managed identity, blob URLs.
 */

export const blobAccount = 'emulatorstorage'
export const redirectBase = 'https://global.consent.azure-apim.net/redirect'

function hex16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/**
 * The RP name of a connector created through the RP: `shared_<escaped display name>-5f<16 hex>-5f<16 hex>`. The
 * hex parts depend on the environment and the creator (as observed: one user's connectors in one environment
 * share them); when that name is taken, they are random.
 */
export function mintRpName(displayName: string, environmentId: string, creatorId: string, taken: (name: string) => boolean): string {
  const base = `shared_${escapeConnectorName(displayName)}`
  const name = `${base}-5f${hex16(`${environmentId}|${creatorId}|a`)}-5f${hex16(`${environmentId}|${creatorId}|b`)}`
  if (!taken(name.toLowerCase())) return name
  for (;;) {
    const candidate = `${base}-5f${randomBytes(8).toString('hex')}-5f${randomBytes(8).toString('hex')}`
    if (!taken(candidate.toLowerCase())) return candidate
  }
}

/**
 * The `connectorinternalid` of a connector created in Dataverse: `shared_` + the logical name with `_` written
 * as `-5f` + `-5f<16 hex>` from the environment and the row id (so it differs in every environment).
 */
export function mintInternalId(logicalName: string, environmentId: string, connectorid: string): string {
  let escaped = ''
  for (const byte of Buffer.from(logicalName.toLowerCase(), 'utf8')) {
    const c = String.fromCharCode(byte)
    escaped += /[a-z0-9-]/.test(c) ? c : `-${byte.toString(16).padStart(2, '0')}`
  }
  return `shared_${escaped}-5f${hex16(`${environmentId}|${connectorid.toLowerCase()}`)}`
}

/** The RP name without `shared_` (runtime base path, blob names, redirect URL). */
export function shortName(name: string): string {
  return name.replace(/^shared_/i, '')
}

/** .NET `Guid.ToByteArray()` order, base64url without padding (how eid1 subjects encode GUIDs). */
export function dotnetGuidBase64Url(guid: string): string {
  const hex = guid.replaceAll('-', '')
  const b = Buffer.from(hex, 'hex')
  const reordered = Buffer.concat([b.subarray(0, 4).reverse(), b.subarray(4, 6).reverse(), b.subarray(6, 8).reverse(), b.subarray(8)])
  return reordered.toString('base64url')
}

/**
 * A new managed identity for a connector: issuer `https://login.microsoftonline.com/<tenant>/v2.0` and an eid1
 * subject naming the environment and a random part, so that it differs in every environment and every creation
 * (the real format is not public; this follows the documented Power Platform plug-in scheme).
 */
export function newManagedIdentity(tenantId: string, environmentId: string): {issuer: string; subject: string} {
  return {
    issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    subject: `/eid1/c/pub/t/${dotnetGuidBase64Url(tenantId)}/a/${dotnetGuidBase64Url(apiConnectionsAppId)}/n/connector/e/${environmentId}/i/${randomBytes(32).toString('base64url')}`,
  }
}

type Params = Record<string, unknown>

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Every oAuthSettings object of a connector, with its JSON pointer (in connectionParameters and in parameter sets). */
function oauthSettings(params: Params | null, sets: Params | null): Array<{pointer: string; settings: Record<string, unknown>}> {
  const found: Array<{pointer: string; settings: Record<string, unknown>}> = []
  for (const [key, value] of Object.entries(params ?? {})) {
    if (isObject(value) && isObject(value.oAuthSettings)) found.push({pointer: `/connectionParameters/${key}/oAuthSettings`, settings: value.oAuthSettings})
  }
  const values = isObject(sets) && Array.isArray(sets.values) ? sets.values : []
  values.forEach((set, i) => {
    const setParams = isObject(set) && isObject(set.parameters) ? set.parameters : {}
    for (const [key, value] of Object.entries(setParams)) {
      if (isObject(value) && isObject(value.oAuthSettings)) found.push({pointer: `/connectionParameterSets/values/${i}/parameters/${key}/oAuthSettings`, settings: value.oAuthSettings})
    }
  })
  return found
}

/** True when an OAuth parameter says "Use Managed Identity" (`properties.UseManagedIdentity` "True", any case). */
export function usesManagedIdentity(params: Params | null, sets: Params | null): boolean {
  return oauthSettings(params, sets).some(({settings}) => isObject(settings.properties) && String(settings.properties.UseManagedIdentity).toLowerCase() === 'true')
}

export interface SplitSecrets {
  params: Params | null
  sets: Params | null
  /** Secrets found, by pointer (values only in memory, to be turned into HMACs). */
  secrets: Array<{pointer: string; value: string}>
  /** OAuth settings that need a secret and have none (pointer). */
  missing: string[]
}

/**
 * Takes `clientSecret` out of every OAuth setting (secrets are write-only). A secret that is an
 * `@environmentVariables("…")` reference is not a secret and stays.
 */
export function splitSecrets(params: Params | null, sets: Params | null): SplitSecrets {
  const cleanParams = params === null ? null : (structuredClone(params) as Params)
  const cleanSets = sets === null ? null : (structuredClone(sets) as Params)
  const secrets: Array<{pointer: string; value: string}> = []
  const missing: string[] = []
  for (const {pointer, settings} of oauthSettings(cleanParams, cleanSets)) {
    const secret = settings.clientSecret
    const managed = isObject(settings.properties) && String(settings.properties.UseManagedIdentity).toLowerCase() === 'true'
    if (typeof secret === 'string' && secret !== '' && !/^@environmentVariables\(/i.test(secret.trim())) {
      secrets.push({pointer: `${pointer}/clientSecret`, value: secret})
      delete settings.clientSecret
    } else if (typeof secret === 'string' && secret.trim().startsWith('@')) {
      // an environment variable reference: kept
    } else {
      delete settings.clientSecret
      if (!managed && settings.clientId) missing.push(`${pointer}/clientSecret`)
    }
  }
  return {params: cleanParams, sets: cleanSets, secrets, missing}
}

export function digestSecrets(ctx: EmulatorContext, secrets: Array<{pointer: string; value: string}>): Array<{pointer: string; digest: string}> {
  return secrets.map((s) => ({pointer: s.pointer, digest: secretDigest(ctx.keys, s.value)}))
}

/** The connection parameters as the platform shows them: no secrets, and the per-connector redirect URL. */
export function presentedParameters(record: ConnectorRecord): {params: Params | null; sets: Params | null} {
  const params = record.connectionParameters === null ? null : (structuredClone(record.connectionParameters) as Params)
  const sets = record.connectionParameterSets === null ? null : (structuredClone(record.connectionParameterSets) as Params)
  for (const {settings} of oauthSettings(params, sets)) {
    delete settings.clientSecret
    if (String(settings.redirectMode ?? '').toLowerCase() === 'globalperconnector') settings.redirectUrl = `${redirectBase}/${shortName(record.name)}`
  }
  return {params, sets}
}

/** Who made a request, as the platform records it (createdBy / modifiedBy). */
export async function principalOf(ctx: EmulatorContext, caller: Caller): Promise<PrincipalRef> {
  if (caller.kind === 'user') {
    const user = await findUser(ctx, caller.objectId)
    return {
      id: caller.objectId,
      displayName: user?.displayName ?? caller.displayName,
      email: user?.userPrincipalName ?? caller.userPrincipalName ?? null,
      type: 'User',
      tenantId: caller.tenantId,
      userPrincipalName: user?.userPrincipalName ?? caller.userPrincipalName ?? null,
    }
  }
  const sp = await findServicePrincipalByAppId(ctx, caller.appId, caller.tenantId)
  return {id: caller.objectId, displayName: sp?.displayName ?? caller.appId, email: null, type: 'ServicePrincipal', tenantId: caller.tenantId, userPrincipalName: null}
}

/** Signs a SAS query for a blob or container of the emulator's storage. */
export function sasQuery(ctx: EmulatorContext, container: string, blob: string | undefined, permissions: string, lifetimeMs: number): string {
  const se = new Date(ctx.now() + lifetimeMs).toISOString().replace(/\.\d+Z$/, 'Z')
  const sr = blob === undefined ? 'c' : 'b'
  const sig = sasSignature(ctx, container, blob ?? '', sr, permissions, se)
  return new URLSearchParams({sv: '2018-03-28', sr, sig, se, sp: permissions}).toString()
}

export function sasSignature(ctx: EmulatorContext, container: string, blob: string, sr: string, permissions: string, expiry: string): string {
  return createHmac('sha256', ctx.keys.sasKey).update([blobAccount, container, blob, sr, permissions, expiry].join('\n')).digest('base64')
}

/** The URL of a blob of the emulator's storage (path-style, like Azurite: /blob/<account>/<container>/<blob>). */
export function blobUrl(origin: string, container: string, blob?: string): string {
  return `${origin}/blob/${blobAccount}/${container}${blob === undefined ? '' : `/${blob.split('/').map(encodeURIComponent).join('/')}`}`
}

/** Every connector of an environment. */
export async function listConnectors(ctx: EmulatorContext, environmentId: string): Promise<ConnectorRecord[]> {
  return ctx.store.list<ConnectorRecord>(collections.connectors(environmentId))
}

/** A connector by RP name in any environment (for the virtual swagger and icon blobs). */
export async function findConnectorAnywhere(ctx: EmulatorContext, short: string): Promise<ConnectorRecord | undefined> {
  const envs = await ctx.store.list<EnvironmentRecord>(collections.environments)
  for (const env of envs) {
    const found = (await listConnectors(ctx, env.id)).find((c) => shortName(c.name).toLowerCase() === short.toLowerCase())
    if (found) return found
  }
  return undefined
}
