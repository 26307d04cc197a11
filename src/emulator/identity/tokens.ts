import {createHash, randomBytes, randomUUID} from 'node:crypto'

import type {EmulatorContext} from '../context.js'
import {dataverseAppId, resourceApps} from '../seed-identities.js'
import {collections, type ApplicationRecord, type EnvironmentRecord, type RefreshTokenRecord, type UserRecord} from '../state/records.js'
import {findServicePrincipalByAppId} from './directory.js'
import {base64url, signJwt} from './jwt.js'

/** Resolving what a token is for, and minting access, id and refresh tokens. */

export const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email'])

export interface ResolvedResource {
  /** What goes into `aud`: the resource as the client named it. */
  audience: string
  appId: string
  displayName: string
  /** Delegated scopes a user token carries when the client asked for `.default`. */
  defaultScopes: string[]
}

/** Finds the resource app of an identifier URI, app id or Dataverse org URL. */
export async function resolveResource(ctx: EmulatorContext, resource: string): Promise<ResolvedResource | undefined> {
  const trimmed = resource.trim()
  const bare = trimmed.replace(/\/+$/, '').toLowerCase()
  for (const app of resourceApps) {
    if (app.appId === bare || app.identifierUris.some((u) => u.replace(/\/+$/, '').toLowerCase() === bare)) {
      return {audience: trimmed, appId: app.appId, displayName: app.displayName, defaultScopes: app.defaultScopes}
    }
  }
  const environmentId = dataverseEnvironmentOf(trimmed)
  if (environmentId) {
    const envs = await ctx.store.list<EnvironmentRecord>(collections.environments)
    const env = envs.find((e) => e.id.toLowerCase() === environmentId.toLowerCase())
    if (env) return {audience: trimmed, appId: dataverseAppId, displayName: `Dataverse (${env.displayName})`, defaultScopes: ['user_impersonation']}
  }
  const apps = await ctx.store.list<ApplicationRecord>(collections.applications)
  const app = apps.find((a) => a.appId === bare || a.identifierUris.some((u) => u.replace(/\/+$/, '').toLowerCase() === bare))
  if (app) return {audience: trimmed, appId: app.appId, displayName: app.displayName, defaultScopes: ['user_impersonation']}
  return undefined
}

/** The environment id of a Dataverse org URL of the emulator (`<origin>/dataverse/<environmentId>`), any host. */
export function dataverseEnvironmentOf(resource: string): string | undefined {
  try {
    const url = new URL(resource)
    return /^\/dataverse\/([^/]+)\/?$/i.exec(url.pathname)?.[1]
  } catch {
    return undefined
  }
}

export interface ScopeRequest {
  /** The resource part (`https://graph.microsoft.com` of `https://graph.microsoft.com/User.Read`). */
  resource: string
  /** Permission names asked for; `.default` stands for everything consented. */
  permissions: string[]
}

/**
 * Splits a v2 `scope` parameter. OpenID scopes are dropped; bare names (`User.Read`) belong to Microsoft Graph.
 * Returns an error text when scopes of several resources are mixed (AADSTS28000).
 */
export function splitScopes(scope: string): ScopeRequest | {error: string} | undefined {
  const resources = new Map<string, ScopeRequest>()
  for (const s of scope.split(/\s+/).filter(Boolean)) {
    if (oidcScopes.has(s.toLowerCase())) continue
    const slash = s.lastIndexOf('/')
    const [resource, permission] = slash < 0 || !/^[a-z][a-z0-9+.-]*:/i.test(s) ? ['https://graph.microsoft.com', s] : [s.slice(0, slash), s.slice(slash + 1)]
    const key = resource.replace(/\/+$/, '').toLowerCase()
    const entry = resources.get(key) ?? {resource, permissions: []}
    entry.permissions.push(permission)
    resources.set(key, entry)
  }
  if (resources.size === 0) return undefined
  if (resources.size > 1) return {error: `Provided value for the input parameter scope '${scope}' is not valid because it contains more than one resource.`}
  return [...resources.values()][0]
}

export interface TokenSubject {
  kind: 'user' | 'app'
  tenantId: string
  objectId: string
  clientId: string
  displayName: string
  user?: UserRecord
}

export interface IssuedAccessToken {
  accessToken: string
  expiresIn: number
  expiresOn: number
  notBefore: number
  scopes: string[]
  roles: string[]
}

export async function issueAccessToken(
  ctx: EmulatorContext,
  origin: string,
  subject: TokenSubject,
  resource: ResolvedResource,
  options: {version: 'v1' | 'v2'; permissions: string[]},
): Promise<IssuedAccessToken> {
  const now = Math.floor(ctx.now() / 1000)
  const lifetime = ctx.settings.tokenLifetimeSeconds
  let scopes: string[] = []
  let roles: string[] = []
  if (subject.kind === 'user') {
    const explicit = options.permissions.filter((p) => p !== '.default')
    scopes = explicit.length > 0 ? explicit : resource.defaultScopes
  } else if (resource.appId === '00000003-0000-0000-c000-000000000000') {
    roles = (await findServicePrincipalByAppId(ctx, subject.clientId, subject.tenantId))?.graphRoles ?? []
  }
  const claims: Record<string, unknown> = {
    aud: resource.audience,
    iss: options.version === 'v1' ? `${origin}/${subject.tenantId}/` : `${origin}/${subject.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    appid: subject.clientId,
    azp: subject.clientId,
    appidacr: subject.kind === 'app' ? '1' : '0',
    idtyp: subject.kind,
    oid: subject.objectId,
    sub: subject.objectId,
    tid: subject.tenantId,
    uti: base64url(randomBytes(16)),
    ver: options.version === 'v1' ? '1.0' : '2.0',
  }
  if (subject.kind === 'user' && subject.user) {
    Object.assign(claims, {
      scp: scopes.join(' '),
      name: subject.user.displayName,
      given_name: subject.user.givenName,
      family_name: subject.user.surname,
      upn: subject.user.userPrincipalName,
      unique_name: subject.user.userPrincipalName,
      preferred_username: subject.user.userPrincipalName,
    })
  } else if (roles.length > 0) claims.roles = roles
  return {accessToken: signJwt(claims, ctx.keys.signing), expiresIn: lifetime, expiresOn: now + lifetime, notBefore: now, scopes, roles}
}

/** The OpenID Connect id token of a user sign-in (v2 shape; ADAL reads `oid` and `upn` from it too). */
export function issueIdToken(ctx: EmulatorContext, origin: string, user: UserRecord, clientId: string, version: 'v1' | 'v2'): string {
  const now = Math.floor(ctx.now() / 1000)
  return signJwt(
    {
      aud: clientId,
      iss: version === 'v1' ? `${origin}/${user.tenantId}/` : `${origin}/${user.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.displayName,
      given_name: user.givenName,
      family_name: user.surname,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      upn: user.userPrincipalName,
      unique_name: user.userPrincipalName,
      sub: base64url(createHash('sha256').update(`${user.id}:${clientId}`).digest()),
      tid: user.tenantId,
      ver: version === 'v1' ? '1.0' : '2.0',
    },
    ctx.keys.signing,
  )
}

/** MSAL's `client_info`: base64url JSON with the user's object id and tenant. */
export function clientInfo(user: UserRecord): string {
  return base64url(JSON.stringify({uid: user.id, utid: user.tenantId}))
}

export const refreshTokenLifetimeSeconds = 90 * 24 * 3600

/** A new refresh token; only its hash is stored. */
export function newRefreshToken(ctx: EmulatorContext, user: UserRecord, clientId: string): {token: string; record: RefreshTokenRecord} {
  const token = `1.emu.${randomBytes(48).toString('base64url')}`
  const now = ctx.now()
  return {
    token,
    record: {tokenHash: hashToken(token), userId: user.id, tenantId: user.tenantId, clientId, createdAt: now, expiresAt: now + refreshTokenLifetimeSeconds * 1000},
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

export function newGuid(): string {
  return randomUUID()
}
