import {createHash, randomBytes, randomUUID} from 'node:crypto'

import type {EmulatorContext} from '../context.js'
import {aadError, escapeXml, json, type EmulatorRequest, type EmulatorResponse} from '../http.js'
import {routesOf, type RouteDefinition} from '../router.js'
import {defaultUser, firstPartyPublicClients, users as seedUsers} from '../seed-identities.js'
import {type AuthCodeRecord, collections, type DeviceCodeRecord, type RefreshTokenRecord, type TenantRecord, type UserRecord} from '../state/records.js'
import {authenticateClient} from './client-auth.js'
import {approveDeviceCodeInStore, DeviceCodeError, deviceCodeLifetimeSeconds, newDeviceCode} from './device-codes.js'
import {findApplicationByAppId, findTenant, findUser, homeTenant} from './directory.js'
import {publicJwk} from './jwt.js'
import {
  clientInfo,
  hashToken,
  issueAccessToken,
  issueIdToken,
  newRefreshToken,
  oidcScopes,
  resolveResource,
  splitScopes,
  type IssuedAccessToken,
  type ResolvedResource,
  type TokenSubject,
} from './tokens.js'

/**
 * Entra ID: OpenID metadata, signing keys, the v2 token and device-code endpoints (what MSAL and @azure/identity
 * use) and the v1 ones (what paconn's ADAL uses), plus a small device-login page.
 */
export function identityRoutes(): RouteDefinition[] {
  const route = routesOf('identity', 'none')
  return [
    route('GET', '/common/discovery/instance', 'identity.instance-discovery', instanceDiscovery),
    route('GET', '/{tenant}/v2.0/.well-known/openid-configuration', 'identity.openid-configuration', (req, ctx) => openIdConfiguration(req, ctx, 'v2')),
    route('GET', '/{tenant}/.well-known/openid-configuration', 'identity.openid-configuration-v1', (req, ctx) => openIdConfiguration(req, ctx, 'v1')),
    route('GET', '/{tenant}/discovery/v2.0/keys', 'identity.keys', keys),
    route('GET', '/{tenant}/discovery/keys', 'identity.keys-v1', keys),
    route('POST', '/{tenant}/oauth2/v2.0/token', 'identity.token', (req, ctx) => token(req, ctx, 'v2')),
    route('GET', '/{tenant}/oauth2/v2.0/authorize', 'identity.authorize', authorize),
    route('POST', '/{tenant}/oauth2/v2.0/devicecode', 'identity.devicecode', (req, ctx) => deviceCode(req, ctx, 'v2')),
    route('POST', '/{tenant}/oauth2/token', 'identity.token-v1', (req, ctx) => token(req, ctx, 'v1')),
    route('POST', '/{tenant}/oauth2/devicecode', 'identity.devicecode-v1', (req, ctx) => deviceCode(req, ctx, 'v1')),
    route('GET', '/devicelogin', 'identity.devicelogin', deviceLoginPage),
    route('POST', '/devicelogin', 'identity.devicelogin-submit', deviceLoginSubmit),
  ]
}

async function instanceDiscovery(req: EmulatorRequest): Promise<EmulatorResponse> {
  const host = new URL(req.origin).host
  return json(200, {
    tenant_discovery_endpoint: `${req.origin}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{preferred_network: host, preferred_cache: host, aliases: [host]}],
  })
}

/** Resolves the `{tenant}` path segment: a tenant id or domain, or `common` / `organizations` (the home tenant). */
async function tenantOf(req: EmulatorRequest, ctx: EmulatorContext): Promise<TenantRecord> {
  const segment = req.params.tenant!
  if (['common', 'organizations'].includes(segment.toLowerCase())) return homeTenant(ctx)
  const tenant = await findTenant(ctx, segment)
  if (!tenant) {
    throw aadError(req, 400, 'invalid_request', 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`)
  }
  return tenant
}

async function openIdConfiguration(req: EmulatorRequest, ctx: EmulatorContext, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  const segment = req.params.tenant!
  const multi = ['common', 'organizations'].includes(segment.toLowerCase())
  const tenant = await tenantOf(req, ctx)
  const base = `${req.origin}/${segment}`
  const issuerTenant = multi ? '{tenantid}' : tenant.id
  const v2 = version === 'v2' ? '/v2.0' : ''
  return json(200, {
    token_endpoint: `${base}/oauth2${v2}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery${v2}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: version === 'v2' ? `${req.origin}/${issuerTenant}/v2.0` : `${req.origin}/${issuerTenant}/`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${req.origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2${v2}/authorize`,
    device_authorization_endpoint: `${base}/oauth2${v2}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2${v2}/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'tid', 'ver', 'oid', 'preferred_username', 'upn'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(req.origin).host,
    cloud_graph_host_name: new URL(req.origin).host,
    msgraph_host: new URL(req.origin).host,
    rbac_url: req.origin,
  })
}

async function keys(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  await tenantOf(req, ctx)
  return json(200, {keys: [{...publicJwk(ctx.keys.signing), issuer: `${req.origin}/${req.params.tenant}/v2.0`}]})
}

/** A public client (device code, refresh): Microsoft's first-party CLIs, or a tenant app that allows public flows. */
async function checkPublicClient(req: EmulatorRequest, ctx: EmulatorContext, tenant: TenantRecord, clientId: string | null): Promise<string> {
  if (!clientId) throw aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.")
  if (firstPartyPublicClients[clientId.toLowerCase()]) return clientId.toLowerCase()
  const app = await findApplicationByAppId(ctx, clientId)
  if (!app || app.tenantId !== tenant.id) {
    throw aadError(req, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'.`)
  }
  if (!app.isFallbackPublicClient) {
    throw aadError(req, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
  }
  return app.appId
}

/** What a request asks a token for: a v2 `scope` or a v1 `resource`. */
async function requestedResource(req: EmulatorRequest, ctx: EmulatorContext, form: URLSearchParams, version: 'v1' | 'v2'): Promise<{resource: ResolvedResource; permissions: string[]; scope: string}> {
  let resourceName: string
  let permissions: string[]
  let scope: string
  if (version === 'v1') {
    resourceName = form.get('resource') ?? 'https://graph.microsoft.com'
    permissions = ['.default']
    scope = ''
  } else {
    scope = form.get('scope') ?? ''
    const split = splitScopes(scope)
    if (split && 'error' in split) throw aadError(req, 400, 'invalid_scope', 28000, split.error)
    resourceName = split?.resource ?? 'https://graph.microsoft.com'
    permissions = split?.permissions ?? ['User.Read']
  }
  const resource = await resolveResource(ctx, resourceName)
  if (!resource) {
    throw aadError(req, 400, 'invalid_resource', 500011, `The resource principal named ${resourceName} was not found in the tenant named Contoso (emulator). This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`)
  }
  return {resource, permissions, scope}
}

async function deviceCode(req: EmulatorRequest, ctx: EmulatorContext, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  const tenant = await tenantOf(req, ctx)
  const form = await req.form()
  const clientId = await checkPublicClient(req, ctx, tenant, form.get('client_id'))
  const {permissions, resource, scope} = await requestedResource(req, ctx, form, version)
  const now = ctx.now()
  const delay = ctx.settings.deviceCodeApprovalDelayMs
  const {deviceCode: code, record} = newDeviceCode({
    clientId,
    tenantId: tenant.id,
    scopes: version === 'v2' ? scope.split(/\s+/).filter(Boolean) : permissions,
    resource: resource.audience,
    protocol: version,
    createdAt: now,
    autoApproveAt: delay === null ? null : now + delay,
  })
  await ctx.store.transaction(async (tx) => {
    for (const old of await tx.list<DeviceCodeRecord>(collections.deviceCodes)) {
      if (old.expiresAt < now - 3_600_000 || old.state === 'redeemed') tx.delete(collections.deviceCodes, old.deviceCodeHash)
    }
    tx.put(collections.deviceCodes, record.deviceCodeHash, record)
  })
  const verification = `${req.origin}/devicelogin`
  const message = `To sign in, use a web browser to open the page ${verification} and enter the code ${record.userCode} to authenticate.`
  const interval = ctx.settings.deviceCodeIntervalSeconds
  if (version === 'v1') {
    return json(200, {user_code: record.userCode, device_code: code, verification_url: verification, expires_in: String(deviceCodeLifetimeSeconds), interval: String(interval), message})
  }
  return json(200, {user_code: record.userCode, device_code: code, verification_uri: verification, expires_in: deviceCodeLifetimeSeconds, interval, message})
}

async function token(req: EmulatorRequest, ctx: EmulatorContext, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  const tenant = await tenantOf(req, ctx)
  const form = await req.form()
  const grant = form.get('grant_type')
  switch (grant) {
    case 'client_credentials':
      return clientCredentials(req, ctx, tenant, form, version)
    case 'device_code':
    case 'urn:ietf:params:oauth:grant-type:device_code':
      return redeemDeviceCode(req, ctx, form, version)
    case 'refresh_token':
      return redeemRefreshToken(req, ctx, tenant, form, version)
    case 'authorization_code':
      return redeemAuthorizationCode(req, ctx, tenant, form, version)
    case null:
      throw aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.")
    default:
      throw aadError(req, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'. The emulator supports client_credentials, device_code, authorization_code and refresh_token.`)
  }
}

async function clientCredentials(req: EmulatorRequest, ctx: EmulatorContext, tenant: TenantRecord, form: URLSearchParams, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  if (version === 'v2') {
    const scope = form.get('scope') ?? ''
    const nonOidc = scope.split(/\s+/).filter((s) => s && !oidcScopes.has(s.toLowerCase()))
    if (nonOidc.length !== 1 || !nonOidc[0]!.endsWith('/.default')) {
      throw aadError(req, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`)
    }
  }
  const {app} = await authenticateClient(req, ctx, tenant, form)
  const {resource, permissions} = await requestedResource(req, ctx, form, version)
  const sp = (await ctx.store.list<{id: string; appId: string; tenantId: string}>(collections.servicePrincipals)).find((s) => s.appId === app.appId && s.tenantId === tenant.id)
  const subject: TokenSubject = {kind: 'app', tenantId: tenant.id, objectId: sp?.id ?? app.id, clientId: app.appId, displayName: app.displayName}
  const issued = await issueAccessToken(ctx, req.origin, subject, resource, {version, permissions})
  if (version === 'v1') return tokenJson(v1TokenBody(issued, resource))
  return tokenJson({token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.accessToken})
}

async function redeemDeviceCode(req: EmulatorRequest, ctx: EmulatorContext, form: URLSearchParams, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  const code = form.get('device_code') ?? form.get('code')
  if (!code) throw aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'device_code'.")
  const hash = hashToken(code)
  const now = ctx.now()
  const outcome = await ctx.store.transaction(async (tx) => {
    const record = await tx.get<DeviceCodeRecord>(collections.deviceCodes, hash)
    if (!record) return {error: 'bad' as const}
    if (record.clientId.toLowerCase() !== (form.get('client_id') ?? '').toLowerCase()) return {error: 'client' as const}
    if (record.state === 'redeemed') return {error: 'redeemed' as const}
    if (record.state === 'declined') return {error: 'declined' as const}
    if (record.expiresAt <= now) return {error: 'expired' as const}
    let userId = record.userId
    if (record.state === 'pending') {
      if (record.autoApproveAt === null || record.autoApproveAt > now) return {error: 'pending' as const}
      userId = defaultUser.id
    }
    tx.put(collections.deviceCodes, hash, {...record, state: 'redeemed', userId})
    return {record, userId: userId!}
  })
  if ('error' in outcome) {
    switch (outcome.error) {
      case 'pending':
        throw aadError(req, 400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.')
      case 'expired':
        throw aadError(req, 400, 'expired_token', 70019, 'Verification code expired.')
      case 'declined':
        throw aadError(req, 400, 'authorization_declined', 70000, 'The end user declined the authorization request.')
      case 'redeemed':
        throw aadError(req, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.')
      case 'client':
        throw aadError(req, 400, 'invalid_grant', 70000, 'The device code was issued to another client.')
      default:
        throw aadError(req, 400, 'invalid_grant', 70000, "The provided value for the input parameter 'device_code' is not valid.")
    }
  }
  const user = (await findUser(ctx, outcome.userId))!
  const {resource, permissions, scope} =
    version === 'v1'
      ? await requestedResource(req, ctx, new URLSearchParams({resource: outcome.record.resource ?? ''}), 'v1')
      : await requestedResource(req, ctx, new URLSearchParams({scope: outcome.record.scopes.join(' ')}), 'v2')
  return userTokens(req, ctx, user, outcome.record.clientId, resource, permissions, scope, version)
}

const authCodeLifetimeMs = 10 * 60 * 1000

/**
 * The browser sign-in (authorization code flow with PKCE, as MSAL's acquireTokenInteractive runs it): the
 * emulator stands for a browser already signed in to Entra ID, so it answers at once with a redirect to the
 * app's loopback redirect URI carrying a code for the user of `login_hint`, else the seeded default user.
 * Only loopback redirect URIs are accepted (what a public client on a desktop registers).
 */
async function authorize(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const tenant = await tenantOf(req, ctx)
  const q = req.query
  const clientId = await checkPublicClient(req, ctx, tenant, q.get('client_id'))
  if (q.get('response_type') !== 'code') throw aadError(req, 400, 'unsupported_response_type', 700054, `response_type '${q.get('response_type') ?? ''}' is not enabled for the application; the emulator serves 'code'.`)
  const redirectUri = q.get('redirect_uri') ?? ''
  let redirect: URL
  try {
    redirect = new URL(redirectUri)
  } catch {
    throw aadError(req, 400, 'invalid_request', 90102, `'redirect_uri' value must be a valid absolute URI (got '${redirectUri}').`)
  }
  if (redirect.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(redirect.hostname)) {
    throw aadError(req, 400, 'invalid_request', 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. The emulator's public clients accept loopback redirect URIs (http://localhost).`)
  }
  const method = q.get('code_challenge_method') ?? (q.get('code_challenge') ? 'plain' : undefined)
  if (method !== undefined && method !== 'S256' && method !== 'plain') throw aadError(req, 400, 'invalid_request', 501491, `Invalid code_challenge_method '${method}'.`)
  const scope = q.get('scope') ?? ''
  await requestedResource(req, ctx, new URLSearchParams({scope}), 'v2')
  const hint = q.get('login_hint')?.toLowerCase()
  const user = hint ? seedUsers.find((u) => u.userPrincipalName.toLowerCase() === hint) : undefined
  if (hint && !user) throw aadError(req, 400, 'invalid_grant', 50034, `The user account ${hint} does not exist in the ${tenant.domain} directory.`)
  const signedIn = user ?? defaultUser
  const code = `0.AU${randomBytes(48).toString('base64url')}`
  const now = ctx.now()
  const record: AuthCodeRecord = {
    codeHash: hashToken(code),
    clientId,
    tenantId: tenant.id,
    userId: signedIn.id,
    redirectUri,
    scopes: scope.split(/\s+/).filter(Boolean),
    ...(q.get('code_challenge') ? {codeChallenge: q.get('code_challenge')!, codeChallengeMethod: method as 'S256' | 'plain'} : {}),
    createdAt: now,
    expiresAt: now + authCodeLifetimeMs,
    redeemed: false,
  }
  await ctx.store.transaction(async (tx) => {
    for (const old of await tx.list<AuthCodeRecord>(collections.authCodes)) {
      if (old.expiresAt < now || old.redeemed) tx.delete(collections.authCodes, old.codeHash)
    }
    tx.put(collections.authCodes, record.codeHash, record)
  })
  redirect.searchParams.set('code', code)
  const state = q.get('state')
  if (state !== null) redirect.searchParams.set('state', state)
  const userRecord = (await findUser(ctx, signedIn.id))!
  redirect.searchParams.set('client_info', clientInfo(userRecord))
  redirect.searchParams.set('session_state', randomUUID())
  return {status: 302, headers: {location: redirect.toString(), 'cache-control': 'no-store'}, body: ''}
}

async function redeemAuthorizationCode(req: EmulatorRequest, ctx: EmulatorContext, tenant: TenantRecord, form: URLSearchParams, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  const code = form.get('code')
  if (!code) throw aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.")
  const hash = hashToken(code)
  const record = await ctx.store.transaction(async (tx) => {
    const found = await tx.get<AuthCodeRecord>(collections.authCodes, hash)
    if (found && !found.redeemed) tx.put(collections.authCodes, hash, {...found, redeemed: true})
    return found
  })
  if (!record || record.tenantId !== tenant.id) throw aadError(req, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid: the authorization code is not known.')
  if (record.redeemed) throw aadError(req, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.')
  if (record.expiresAt <= ctx.now()) throw aadError(req, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.')
  if (record.clientId.toLowerCase() !== (form.get('client_id') ?? '').toLowerCase()) throw aadError(req, 400, 'invalid_grant', 70000, 'The authorization code was issued to another client.')
  if (record.redirectUri !== form.get('redirect_uri')) throw aadError(req, 400, 'invalid_grant', 70000, "The 'redirect_uri' of the token request does not match the one of the authorization request.")
  if (record.codeChallenge) {
    const verifier = form.get('code_verifier') ?? ''
    const derived = record.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
    if (!verifier || derived !== record.codeChallenge) throw aadError(req, 400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.')
  }
  const user = await findUser(ctx, record.userId)
  if (!user) throw aadError(req, 400, 'invalid_grant', 50034, 'The user account does not exist in the directory.')
  const {resource, permissions, scope} = await requestedResource(req, ctx, form.get('scope') ? form : new URLSearchParams({scope: record.scopes.join(' ')}), version)
  return userTokens(req, ctx, user, record.clientId, resource, permissions, scope, version)
}

async function redeemRefreshToken(req: EmulatorRequest, ctx: EmulatorContext, tenant: TenantRecord, form: URLSearchParams, version: 'v1' | 'v2'): Promise<EmulatorResponse> {
  const refresh = form.get('refresh_token')
  if (!refresh) throw aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'.")
  const record = await ctx.store.get<RefreshTokenRecord>(collections.refreshTokens, hashToken(refresh))
  if (!record) throw aadError(req, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid: the refresh token is not known (it may have been issued by an emulator that was reset).')
  if (record.expiresAt <= ctx.now()) {
    throw aadError(req, 400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity. The token was issued on ' + new Date(record.createdAt).toISOString() + ' and was inactive for 90.00:00:00.')
  }
  if (record.clientId.toLowerCase() !== (form.get('client_id') ?? '').toLowerCase()) {
    throw aadError(req, 400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.')
  }
  if (record.tenantId !== tenant.id) throw aadError(req, 400, 'invalid_grant', 50020, `The refresh token was issued in tenant '${record.tenantId}', not '${tenant.id}'.`)
  const user = await findUser(ctx, record.userId)
  if (!user) throw aadError(req, 400, 'invalid_grant', 50034, 'The user account does not exist in the directory.')
  const {resource, permissions, scope} = await requestedResource(req, ctx, form, version)
  return userTokens(req, ctx, user, record.clientId, resource, permissions, scope, version)
}

async function userTokens(
  req: EmulatorRequest,
  ctx: EmulatorContext,
  user: UserRecord,
  clientId: string,
  resource: ResolvedResource,
  permissions: string[],
  scope: string,
  version: 'v1' | 'v2',
): Promise<EmulatorResponse> {
  const subject: TokenSubject = {kind: 'user', tenantId: user.tenantId, objectId: user.id, clientId, displayName: user.displayName, user}
  const issued = await issueAccessToken(ctx, req.origin, subject, resource, {version, permissions})
  const refresh = newRefreshToken(ctx, user, clientId)
  await ctx.store.transaction(async (tx) => tx.put(collections.refreshTokens, refresh.record.tokenHash, refresh.record))
  const idToken = issueIdToken(ctx, req.origin, user, clientId, version)
  if (version === 'v1') return tokenJson({...v1TokenBody(issued, resource), scope: issued.scopes.join(' '), refresh_token: refresh.token, id_token: idToken})
  const granted = scope.split(/\s+/).filter((s) => s && !oidcScopes.has(s.toLowerCase()))
  return tokenJson({
    token_type: 'Bearer',
    scope: [...granted, ...scope.split(/\s+/).filter((s) => oidcScopes.has(s.toLowerCase()))].join(' '),
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.accessToken,
    refresh_token: refresh.token,
    id_token: idToken,
    client_info: clientInfo(user),
  })
}

/** ADAL's v1 token response: numbers as strings, `expires_on` in epoch seconds, the resource named. */
function v1TokenBody(issued: IssuedAccessToken, resource: ResolvedResource): Record<string, unknown> {
  return {
    token_type: 'Bearer',
    expires_in: String(issued.expiresIn),
    ext_expires_in: String(issued.expiresIn),
    expires_on: String(issued.expiresOn),
    not_before: String(issued.notBefore),
    resource: resource.audience,
    access_token: issued.accessToken,
  }
}

function tokenJson(body: Record<string, unknown>): EmulatorResponse {
  return json(200, body, {'cache-control': 'no-store, no-cache', pragma: 'no-cache'})
}

async function deviceLoginPage(req: EmulatorRequest): Promise<EmulatorResponse> {
  return html(200, deviceLoginHtml(req.query.get('code') ?? '', ''))
}

async function deviceLoginSubmit(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const form = await req.form()
  const code = form.get('code') ?? ''
  try {
    const result = await approveDeviceCodeInStore(ctx.store, {userCode: code, user: form.get('user') ?? undefined, deny: form.get('deny') === 'true', now: ctx.now()})
    const text = result.state === 'approved' ? `Signed in as ${result.user!.displayName} (${result.user!.userPrincipalName}). You can close this page.` : 'Sign-in declined.'
    return html(200, `<!doctype html><title>cc emulator sign-in</title><p>${escapeXml(text)}</p>`)
  } catch (error) {
    if (error instanceof DeviceCodeError) return html(400, deviceLoginHtml(code, error.message))
    throw error
  }
}

function deviceLoginHtml(code: string, problem: string): string {
  const options = seedUsers.map((u) => `<option value="${u.userPrincipalName}">${escapeXml(u.displayName)} (${u.userPrincipalName})</option>`).join('')
  return `<!doctype html><html><head><meta charset="utf-8"><title>cc emulator sign-in</title></head><body>
<h1>Sign in to the cc emulator</h1>${problem ? `<p role="alert">${escapeXml(problem)}</p>` : ''}
<form method="post" action="/devicelogin"><label>Code <input name="code" value="${escapeXml(code)}" autofocus></label>
<label>User <select name="user">${options}</select></label><button type="submit">Sign in</button></form></body></html>`
}

function html(status: number, body: string): EmulatorResponse {
  return {status, headers: {'content-type': 'text/html; charset=utf-8'}, body}
}
