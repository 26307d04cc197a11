import {resolve} from 'node:path'

import type {CoreContext} from '../context.js'
import {AuthRequiredError, UsageError} from '../errors.js'
import {BapClient} from '../clients/environments-api.js'
import {HttpClient} from '../clients/http.js'
import {type Cloud, type CloudName, clouds, dataverseAudience, defaultScope, localCloud} from '../environments/clouds.js'
import {connectEmulator, type EmulatorHandle} from '../environments/emulator.js'
import {chooseEnvironment, type EnvironmentChoice, type EnvironmentRequest, loginCommandFor} from '../environments/resolve.js'
import {decodeClaims, principalOf} from './claims.js'
import {createCredential, type CredentialSpec, type DeviceCodePrompt, isTenantId} from './credentials.js'
import {defaultPublicClientId, emulatorCiPrincipal, type LoginMethod, userMethods} from './methods.js'
import {profilesPath, saveProfile, sameTenant, type SignInProfile} from './profiles.js'
import {toAuthError} from './token-source.js'

export interface LoginOptions extends EnvironmentRequest {
  /** Default: `emulator` for local environments, `device-code` for a person at a terminal. */
  method?: LoginMethod
  /** Application (client) id: the service principal's, or a public client for people (default: Azure CLI's). */
  clientId?: string
  /** The client secret, read by the caller from stdin. Never stored. */
  clientSecret?: string
  /** Name of an environment variable that holds the client secret (remembered; the value is not). */
  clientSecretEnv?: string
  certificatePath?: string
  certificatePasswordEnv?: string
  federatedTokenFile?: string
  serviceConnectionId?: string
  managedIdentityClientId?: string
  /** Shows the device code (the CLI writes it to stderr). */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void
}

export interface LoginResult {
  environment: {ref: string; alias?: string; cloud: CloudName}
  cloud: CloudName
  method: LoginMethod
  kind: 'user' | 'app'
  tenantId: string
  clientId: string
  username?: string
  objectId?: string
  displayName?: string
  /** When the first access token expires (it is refreshed silently after that for people). */
  expiresOn: string
  /** Where the (secret-free) sign-in profile is kept. */
  profileFile: string
  /** For a service principal whose secret came from stdin: commands work until this time, then need a new login. */
  validUntil?: string
}

/**
 * Signs in for an environment's cloud and tenant with one of the methods, checks that a token for the Power
 * Apps service can be had, and remembers how to get the next one (never a secret). The token cache keeps the
 * tokens, so later commands run without asking.
 */
export async function login(options: LoginOptions, ctx: CoreContext): Promise<LoginResult> {
  const choice = await chooseEnvironment(options, ctx)
  let emulator: EmulatorHandle | undefined
  try {
    if (choice.cloud === 'local') emulator = await connectEmulator(ctx)
    const cloud: Cloud = emulator ? localCloud(emulator.url) : {...clouds[choice.cloud as Exclude<CloudName, 'local'>], ...choice.config?.services}
    const method = options.method ?? defaultMethod(choice, ctx)
    const spec = buildSpec(method, options, choice, ctx)
    const loginCommand = loginCommandFor(choice, method)
    const secret = method === 'client-secret' ? (options.clientSecret ?? (options.clientSecretEnv ? ctx.env[options.clientSecretEnv] : undefined)) : undefined
    if (method === 'client-secret' && !secret) {
      throw new UsageError(
        options.clientSecretEnv ? `The environment variable ${options.clientSecretEnv} is empty.` : 'A client-secret sign-in needs the secret: pipe it on stdin or name an environment variable.',
        {code: 'AUTH_SECRET_MISSING', suggestions: [`printenv AZURE_CLIENT_SECRET | ${loginCommand} --client-id ${spec.clientId} --tenant ${spec.tenantId}`, `${loginCommand} --client-id ${spec.clientId} --tenant ${spec.tenantId} --client-secret-env AZURE_CLIENT_SECRET`]},
      )
    }
    const credential = await createCredential(spec, {
      cloud,
      configDir: ctx.configDir,
      env: ctx.env,
      ...(emulator ? {emulatorUrl: emulator.url} : {}),
      ...(secret ? {secret} : {}),
      allowInteraction: true,
      ...(options.onDeviceCode ? {onDeviceCode: options.onDeviceCode} : {}),
    })
    const scope = defaultScope(cloud.audiences.powerApps)
    ctx.reporter.step(userMethods.has(method) ? 'Waiting for the sign-in to complete' : `Signing in (${method})`)
    let token
    try {
      if (userMethods.has(method)) {
        const authenticate = (credential as unknown as {authenticate(scopes: string[], options?: {abortSignal?: AbortSignal}): Promise<CredentialSpec['authenticationRecord']>}).authenticate
        const record = await authenticate.call(credential, [scope], ctx.signal ? {abortSignal: ctx.signal} : {})
        if (record) spec.authenticationRecord = record
      }
      token = await credential.getToken(scope, ctx.signal ? {abortSignal: ctx.signal} : {})
    } catch (error) {
      throw toAuthError(error, spec, {loginCommand})
    }
    if (!token) throw new AuthRequiredError('The sign-in returned no token.', {code: 'AUTH_FAILED', suggestions: [loginCommand]})
    const claims = decodeClaims(token.token)
    const tenantId = claims.tid ?? spec.authenticationRecord?.tenantId ?? spec.tenantId
    const expectedTenant = options.tenant ?? choice.tenant
    if (expectedTenant && /^[0-9a-f-]{36}$/i.test(expectedTenant) && !sameTenant(expectedTenant, tenantId)) {
      throw new AuthRequiredError(`Signed in to tenant ${tenantId}, but ${choice.ref} belongs to tenant ${expectedTenant}.`, {
        code: 'AUTH_WRONG_TENANT',
        suggestions: [`${loginCommand} --tenant ${expectedTenant}`],
      })
    }
    const who = principalOf(claims)
    const profile: SignInProfile = {
      ...spec,
      cloud: cloud.name,
      tenantId,
      ...(expectedTenant && !sameTenant(expectedTenant, tenantId) ? {tenantHint: expectedTenant} : {}),
      kind: who.kind,
      ...(who.username ? {username: who.username} : {}),
      ...(who.objectId ? {objectId: who.objectId} : {}),
      ...(who.displayName ? {displayName: who.displayName} : {}),
      signedInAt: new Date().toISOString(),
    }
    if (method === 'client-secret' && !options.clientSecretEnv) {
      // The secret is not kept: remember how long the cached tokens last, and get the usual ones now.
      profile.tokenExpiries = {[scope]: token.expiresOnTimestamp}
      const dataverseUrl = choice.config?.dataverseUrl ?? (await findDataverseUrl(choice, cloud, token.token, ctx))
      for (const extra of [defaultScope(cloud.audiences.flow), defaultScope(cloud.audiences.graph), ...(dataverseUrl ? [defaultScope(dataverseAudience(dataverseUrl))] : [])]) {
        const more = await credential.getToken(extra).catch(() => null)
        if (more) profile.tokenExpiries[extra] = more.expiresOnTimestamp
      }
    }
    await saveProfile(ctx.configDir, profile)
    return {
      environment: {ref: choice.ref, ...(choice.alias ? {alias: choice.alias} : {}), cloud: cloud.name},
      cloud: cloud.name,
      method,
      kind: who.kind,
      tenantId,
      clientId: spec.clientId || who.clientId || '',
      ...(who.username ? {username: who.username} : {}),
      ...(who.objectId ? {objectId: who.objectId} : {}),
      ...(who.displayName ? {displayName: who.displayName} : {}),
      expiresOn: new Date(token.expiresOnTimestamp).toISOString(),
      profileFile: profilesPath(ctx.configDir),
      ...(profile.tokenExpiries ? {validUntil: new Date(Math.min(...Object.values(profile.tokenExpiries))).toISOString()} : {}),
    }
  } finally {
    await emulator?.close()
  }
}

function defaultMethod(choice: EnvironmentChoice, ctx: CoreContext): LoginMethod {
  if (choice.cloud === 'local') return 'emulator'
  if (ctx.interactive) return 'device-code'
  throw new UsageError('cc login needs --method when nobody is at the terminal to complete a device-code sign-in.', {
    code: 'AUTH_METHOD_REQUIRED',
    suggestions: [
      `${loginCommandFor(choice, 'github-oidc')} --client-id <app id> --tenant <tenant>   (GitHub Actions, no secret)`,
      `${loginCommandFor(choice, 'client-secret')} --client-id <app id> --tenant <tenant> --client-secret-env AZURE_CLIENT_SECRET`,
      'or skip cc login in CI: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate or federated token file)',
    ],
  })
}

function buildSpec(method: LoginMethod, options: LoginOptions, choice: EnvironmentChoice, ctx: CoreContext): CredentialSpec {
  const local = choice.cloud === 'local'
  const tenant = options.tenant ?? choice.tenant ?? ctx.env.AZURE_TENANT_ID ?? (local ? emulatorCiPrincipal.tenantId : undefined)
  if (method === 'emulator') {
    if (!local) throw new UsageError('--method emulator signs in to the local emulator only.', {code: 'AUTH_METHOD_INVALID', suggestions: ['cc login --env local']})
    return {method, tenantId: emulatorCiPrincipal.tenantId, clientId: emulatorCiPrincipal.clientId}
  }
  if (userMethods.has(method) || method === 'azure-cli') {
    return {method, tenantId: tenant ?? 'organizations', clientId: method === 'azure-cli' ? '' : (options.clientId ?? defaultPublicClientId)}
  }
  if (method === 'managed-identity') {
    const id = options.managedIdentityClientId ?? options.clientId
    return {method, tenantId: tenant ?? 'organizations', clientId: id ?? '', ...(id ? {managedIdentityClientId: id} : {})}
  }
  const clientId = options.clientId ?? ctx.env.AZURE_CLIENT_ID
  if (!clientId) throw new UsageError(`--method ${method} needs --client-id (the application id of the service principal).`, {code: 'AUTH_CLIENT_ID_MISSING', suggestions: [`${loginCommandFor(choice, method)} --client-id <app id> --tenant <tenant id>`]})
  if (!isTenantId(tenant)) throw new UsageError(`--method ${method} needs --tenant (the tenant id or domain of the service principal).`, {code: 'AUTH_TENANT_MISSING', suggestions: [`${loginCommandFor(choice, method)} --client-id ${clientId} --tenant <tenant id>`]})
  const spec: CredentialSpec = {method, tenantId: tenant, clientId}
  if (method === 'client-secret' && options.clientSecretEnv) spec.secretEnv = options.clientSecretEnv
  if (method === 'client-certificate') {
    const path = options.certificatePath ?? ctx.env.AZURE_CLIENT_CERTIFICATE_PATH
    if (!path) throw new UsageError('--method client-certificate needs --certificate <pem file>.', {code: 'AUTH_CERTIFICATE_MISSING', suggestions: [`${loginCommandFor(choice, method)} --client-id ${clientId} --tenant ${tenant} --certificate ./ci.pem`]})
    spec.certificatePath = resolve(ctx.cwd, path)
    if (options.certificatePasswordEnv) spec.certificatePasswordEnv = options.certificatePasswordEnv
  }
  if (method === 'workload-identity') {
    const file = options.federatedTokenFile ?? ctx.env.AZURE_FEDERATED_TOKEN_FILE
    if (!file) throw new UsageError('--method workload-identity needs --federated-token-file (or AZURE_FEDERATED_TOKEN_FILE).', {code: 'AUTH_TOKEN_FILE_MISSING'})
    spec.tokenFilePath = resolve(ctx.cwd, file)
  }
  if (method === 'azure-pipelines' && options.serviceConnectionId) spec.serviceConnectionId = options.serviceConnectionId
  return spec
}

/**
 * The Dataverse URL of the environment being signed in for, looked up with the token just obtained (best effort:
 * a service principal may not read environments). Used to fetch a Dataverse token while a secret is at hand.
 */
async function findDataverseUrl(choice: EnvironmentChoice, cloud: Cloud, powerAppsToken: string, ctx: CoreContext): Promise<string | undefined> {
  const bap = new BapClient(new HttpClient({service: 'Power Platform (BAP)', baseUrl: cloud.bapUrl, token: async () => powerAppsToken, retries: 1, ...(ctx.signal ? {signal: ctx.signal} : {})}))
  try {
    if (choice.environmentId) return (await bap.getEnvironment(choice.environmentId))?.dataverseUrl
    if (choice.kind !== 'local' && choice.kind !== 'name') return undefined
    const wanted = (choice.kind === 'local' ? choice.localName : choice.displayName)?.toLowerCase()
    const all = await bap.listEnvironments()
    const found = wanted === undefined ? all.find((e) => e.isDefault) : all.find((e) => e.name.toLowerCase() === wanted || e.displayName.toLowerCase() === wanted)
    return found?.dataverseUrl
  } catch {
    return undefined
  }
}
