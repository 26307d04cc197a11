import type {TokenCredential} from '@azure/identity'

import {AuthRequiredError, CcError} from '../errors.js'
import type {Cloud} from '../environments/clouds.js'
import {decodeClaims, principalOf} from './claims.js'
import {createCredential, type CredentialContext, type CredentialSpec, isTenantId, MissingSecretError} from './credentials.js'
import {emulatorCiPrincipal, type LoginMethod} from './methods.js'
import {readProfiles, recordTokenExpiry, type SignInProfile, sameTenant, selectProfile} from './profiles.js'
import {readCachedAccessToken} from './token-cache.js'

/**
 * Tokens for one environment's services during one command: from the profile `cc login` saved for the cloud and
 * tenant, else from environment variables (CI without login), else, for the emulator, its seeded CI service
 * principal. Tokens are kept in memory per scope until shortly before they expire; the token cache keeps them
 * across runs. Failures that a new sign-in fixes are AuthRequiredError (exit 4) naming the `cc login` to run.
 */
export interface TokenSource {
  /** Where the credential came from. */
  origin: 'profile' | 'environment variables' | 'emulator default'
  method: LoginMethod
  cloud: Cloud
  tenantId?: string
  clientId?: string
  getToken(scope: string): Promise<AccessTokenInfo>
}

export interface AccessTokenInfo {
  token: string
  expiresOn: number
}

export interface TokenSourceOptions {
  cloud: Cloud
  /** The tenant the environment belongs to, when known (id or domain). */
  tenant?: string
  configDir: string
  env: NodeJS.ProcessEnv
  emulatorUrl?: string
  /** The exact `cc login …` that fixes a missing or expired sign-in. */
  loginCommand: string
  fetch?: typeof fetch
}

export async function openTokenSource(options: TokenSourceOptions): Promise<TokenSource> {
  const {cloud} = options
  const profile = selectProfile(await readProfiles(options.configDir), cloud.name, options.tenant)
  const context: CredentialContext = {cloud, configDir: options.configDir, env: options.env, ...(options.emulatorUrl ? {emulatorUrl: options.emulatorUrl} : {}), ...(options.fetch ? {fetch: options.fetch} : {})}
  if (profile) return fromProfile(profile, context, options)
  const fromEnv = specFromEnvironment(options.env, cloud.name === 'local' ? (options.tenant ?? emulatorCiPrincipal.tenantId) : options.tenant)
  if (fromEnv) return fromSpec(fromEnv, context, options, 'environment variables')
  if (cloud.name === 'local') {
    return fromSpec({method: 'emulator', tenantId: emulatorCiPrincipal.tenantId, clientId: emulatorCiPrincipal.clientId}, context, options, 'emulator default')
  }
  throw new AuthRequiredError(`Not signed in to ${cloud.displayName}${options.tenant ? ` (tenant ${options.tenant})` : ''}.`, {
    code: 'NOT_SIGNED_IN',
    suggestions: [options.loginCommand, 'or, in CI, set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH / AZURE_FEDERATED_TOKEN_FILE (see README, "Signing in")'],
  })
}

/**
 * A credential from the standard Azure SDK environment variables, for CI without `cc login`:
 * AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET | AZURE_CLIENT_CERTIFICATE_PATH |
 * AZURE_FEDERATED_TOKEN_FILE, or the GitHub Actions OIDC variables; CC_AUTH=managed-identity or azure-cli picks
 * those. Ignored when AZURE_TENANT_ID names another tenant than the environment's.
 */
export function specFromEnvironment(env: NodeJS.ProcessEnv, tenant: string | undefined): CredentialSpec | undefined {
  const forced = env.CC_AUTH?.trim()
  if (forced === 'managed-identity') return {method: 'managed-identity', tenantId: tenant ?? env.AZURE_TENANT_ID ?? 'organizations', clientId: env.AZURE_CLIENT_ID ?? '', ...(env.AZURE_CLIENT_ID ? {managedIdentityClientId: env.AZURE_CLIENT_ID} : {})}
  if (forced === 'azure-cli') return {method: 'azure-cli', tenantId: tenant ?? env.AZURE_TENANT_ID ?? 'organizations', clientId: ''}
  const tenantId = env.AZURE_TENANT_ID?.trim()
  const clientId = env.AZURE_CLIENT_ID?.trim()
  if (!tenantId || !clientId) return undefined
  if (isTenantId(tenant) && !sameTenant(tenant, tenantId) && /^[0-9a-f-]{36}$/i.test(tenant)) return undefined
  if (env.AZURE_CLIENT_SECRET) return {method: 'client-secret', tenantId, clientId, secretEnv: 'AZURE_CLIENT_SECRET'}
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return {method: 'client-certificate', tenantId, clientId, certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH, ...(env.AZURE_CLIENT_CERTIFICATE_PASSWORD ? {certificatePasswordEnv: 'AZURE_CLIENT_CERTIFICATE_PASSWORD'} : {})}
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE) return {method: 'workload-identity', tenantId, clientId, tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE}
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return {method: 'github-oidc', tenantId, clientId}
  if (env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID && env.SYSTEM_ACCESSTOKEN) return {method: 'azure-pipelines', tenantId, clientId, serviceConnectionId: env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID}
  return undefined
}

async function fromProfile(profile: SignInProfile, context: CredentialContext, options: TokenSourceOptions): Promise<TokenSource> {
  // A service principal whose secret is not available: cached tokens only, and a clear message once they expire.
  const secretless = profile.method === 'client-secret' && !(profile.secretEnv && options.env[profile.secretEnv])
  if (!secretless) return fromSpec(profile, context, options, 'profile')
  return wrap(() => createCredential(profile, {...context, secret: 'unavailable-secret-placeholder'}), profile, context, options, 'profile', async (scope) => {
    const expiry = profile.tokenExpiries?.[scope]
    if (expiry === undefined || expiry < Date.now() + 120_000) throw new MissingSecretError(profile)
  })
}

async function fromSpec(spec: CredentialSpec, context: CredentialContext, options: TokenSourceOptions, origin: TokenSource['origin']): Promise<TokenSource> {
  return wrap(() => createCredential(spec, context), spec, context, options, origin)
}

/** Methods whose tokens MSAL keeps in cc's cache file (Azure CLI and managed identity keep their own). */
const cachedMethods = new Set<LoginMethod>(['device-code', 'browser', 'client-secret', 'client-certificate', 'workload-identity', 'github-oidc', 'azure-pipelines', 'emulator'])

function wrap(
  makeCredential: () => Promise<TokenCredential>,
  spec: CredentialSpec | SignInProfile,
  context: CredentialContext,
  options: TokenSourceOptions,
  origin: TokenSource['origin'],
  precheck?: (scope: string) => Promise<void>,
): TokenSource {
  const cache = new Map<string, Promise<AccessTokenInfo>>()
  let credential: Promise<TokenCredential> | undefined
  const fromFile = async (scope: string): Promise<AccessTokenInfo | undefined> => {
    if (!cachedMethods.has(spec.method) || !isTenantId(spec.tenantId) || !spec.clientId) return undefined
    const tenantId = spec.authenticationRecord?.tenantId ?? spec.tenantId
    if (!/^[0-9a-f-]{36}$/i.test(tenantId)) return undefined
    return readCachedAccessToken(context.configDir, {
      environment: new URL(options.cloud.authorityHost).host,
      clientId: spec.clientId,
      tenantId,
      scope,
      ...(spec.authenticationRecord ? {homeAccountId: spec.authenticationRecord.homeAccountId} : {}),
    })
  }
  const fetchToken = async (scope: string): Promise<AccessTokenInfo> => {
    const cached = await fromFile(scope)
    if (cached) return cached
    await precheck?.(scope)
    try {
      credential ??= makeCredential()
      const token = await (await credential).getToken(scope)
      if (!token) throw new AuthRequiredError(`No token for ${scope}.`, {code: 'NOT_SIGNED_IN', suggestions: [options.loginCommand]})
      const claims = decodeClaims(token.token)
      const expected = isTenantId(spec.tenantId) ? spec.tenantId : options.tenant
      if (claims.tid && /^[0-9a-f-]{36}$/i.test(expected ?? '') && !sameTenant(claims.tid, expected)) {
        throw new AuthRequiredError(`Signed in to tenant ${claims.tid}, but this environment belongs to tenant ${expected}.`, {code: 'AUTH_WRONG_TENANT', suggestions: [options.loginCommand]})
      }
      if (origin === 'profile' && spec.method === 'client-secret' && 'cloud' in spec) {
        await recordTokenExpiry(context.configDir, spec, scope, token.expiresOnTimestamp).catch(() => {})
      }
      return {token: token.token, expiresOn: token.expiresOnTimestamp}
    } catch (error) {
      throw toAuthError(error, spec, options)
    }
  }
  return {
    origin,
    method: spec.method,
    cloud: options.cloud,
    ...(isTenantId(spec.tenantId) ? {tenantId: spec.tenantId} : {}),
    ...(spec.clientId ? {clientId: spec.clientId} : {}),
    async getToken(scope) {
      const cached = cache.get(scope)
      if (cached) {
        const value = await cached.catch(() => undefined)
        if (value && value.expiresOn > Date.now() + 120_000) return value
      }
      const pending = fetchToken(scope)
      cache.set(scope, pending)
      pending.catch(() => cache.delete(scope))
      return pending
    },
  }
}

/** Turns @azure/identity failures into errors a user can act on. Never includes a token or secret. */
export function toAuthError(error: unknown, spec: Pick<CredentialSpec, 'method' | 'clientId' | 'tenantId'>, options: Pick<TokenSourceOptions, 'loginCommand'>): CcError {
  if (error instanceof CcError) return error
  const name = (error as Error)?.name
  const raw = (error as Error)?.message ?? String(error)
  const aad = /AADSTS(\d+)/.exec(raw)
  const first = readableAuthMessage(raw)
  if (name === 'CredentialUnavailableError') {
    const hint = spec.method === 'azure-cli' ? ['az login   (then run the command again)'] : spec.method === 'managed-identity' ? ['Run on an Azure machine with a managed identity, or use another --method.'] : []
    return new AuthRequiredError(`Cannot sign in with ${spec.method}: ${first}`, {code: 'AUTH_UNAVAILABLE', suggestions: [...hint, options.loginCommand]})
  }
  if (name === 'AuthenticationError' || aad) {
    const code = aad ? `AADSTS${aad[1]}` : undefined
    const expired = code && ['AADSTS700082', 'AADSTS70043', 'AADSTS50173', 'AADSTS700084', 'AADSTS50078', 'AADSTS50076'].includes(code)
    const wrongTenant = code && ['AADSTS90002', 'AADSTS700016', 'AADSTS50020'].includes(code)
    return new AuthRequiredError(expired ? `The sign-in expired: ${first}` : wrongTenant ? `Sign-in failed (wrong tenant or application): ${first}` : `Sign-in failed: ${first}`, {
      code: expired ? 'AUTH_EXPIRED' : wrongTenant ? 'AUTH_WRONG_TENANT' : 'AUTH_FAILED',
      suggestions: [options.loginCommand],
    })
  }
  if (name === 'AuthenticationRequiredError') {
    return new AuthRequiredError('The sign-in expired and cannot be refreshed silently.', {code: 'AUTH_EXPIRED', suggestions: [options.loginCommand]})
  }
  if (name === 'AbortError') return new CcError('Interrupted.', {code: 'INTERRUPTED', exitCode: 130})
  return new CcError(`Could not get a token (${spec.method}): ${first}`, {code: 'AUTH_ERROR', cause: error, suggestions: [options.loginCommand]})
}

/** Who a token source signs in as, from one token (for `cc whoami` and login results). */
export async function describeSignIn(source: TokenSource, scope: string): Promise<{kind: 'user' | 'app'; username?: string; objectId?: string; clientId?: string; displayName?: string; tenantId?: string; expiresOn: string}> {
  const token = await source.getToken(scope)
  const claims = decodeClaims(token.token)
  return {...principalOf(claims), ...(claims.tid ? {tenantId: claims.tid} : {}), expiresOn: new Date(token.expiresOn).toISOString()}
}

/** The useful part of an Entra or MSAL error text: `AADSTS…: description (trace id …)`, else its first line. */
export function readableAuthMessage(raw: string): string {
  const start = raw.search(/AADSTS\d+:/)
  if (start >= 0) {
    const rest = raw.slice(start)
    const end = rest.search(/\s+(Trace ID:|Correlation ID:|Timestamp:)|\s+-\s/)
    const text = (end < 0 ? rest : rest.slice(0, end)).trim()
    const trace = /Trace ID:\s*([0-9a-f-]{8,})/i.exec(raw)?.[1]
    return trace ? `${text} (trace id ${trace})` : text
  }
  return raw.split(/\r?\n/)[0]!.trim()
}
