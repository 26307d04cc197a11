import {readFile} from 'node:fs/promises'

import type {AuthenticationRecord, TokenCredential} from '@azure/identity'

import {AuthRequiredError, UsageError} from '../errors.js'
import type {Cloud} from '../environments/clouds.js'
import {emulatorHttpClient} from './emulator-bridge.js'
import {defaultPublicClientId, emulatorCiPrincipal, type LoginMethod} from './methods.js'
import {persistenceOptions, registerFileTokenCache} from './token-cache.js'

/**
 * Builds @azure/identity credentials (loaded lazily: the library is heavy and most commands never sign in).
 * Every credential uses the cloud's authority, cc's file token cache, and for the local emulator the https→http
 * bridge with instance discovery off.
 */

/** What is remembered of a sign-in: never a secret. */
export interface CredentialSpec {
  method: LoginMethod
  /** Tenant id or domain (`organizations` for a person who did not name one). */
  tenantId: string
  clientId: string
  authenticationRecord?: AuthenticationRecord
  certificatePath?: string
  /** Name of the environment variable holding the certificate's password. */
  certificatePasswordEnv?: string
  /** Name of the environment variable holding the client secret. */
  secretEnv?: string
  tokenFilePath?: string
  serviceConnectionId?: string
  managedIdentityClientId?: string
}

export interface DeviceCodePrompt {
  message: string
  userCode: string
  verificationUri: string
}

export interface CredentialContext {
  cloud: Cloud
  configDir: string
  env: NodeJS.ProcessEnv
  /** The emulator's http URL when the cloud is `local`. */
  emulatorUrl?: string
  /** A client secret read at run time (stdin at login); never stored. */
  secret?: string
  /** Shows the device code to the person signing in. */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void
  /** False for token look-ups after login: a person is never asked to sign in in the middle of a command. */
  allowInteraction?: boolean
  fetch?: typeof fetch
}

export async function createCredential(spec: CredentialSpec, context: CredentialContext): Promise<TokenCredential> {
  const identity = await import('@azure/identity')
  await registerFileTokenCache()
  const {cloud} = context
  const local = cloud.name === 'local'
  if (local && !context.emulatorUrl) throw new Error('createCredential: the local cloud needs the emulator URL')
  const common = {
    authorityHost: cloud.authorityHost,
    ...(local ? {httpClient: emulatorHttpClient(context.emulatorUrl!, context.fetch), disableInstanceDiscovery: true} : {}),
    ...persistenceOptions(context.configDir),
  }
  switch (spec.method) {
    case 'device-code':
      return new identity.DeviceCodeCredential({
        ...common,
        tenantId: spec.tenantId,
        clientId: spec.clientId,
        ...(spec.authenticationRecord ? {authenticationRecord: spec.authenticationRecord} : {}),
        disableAutomaticAuthentication: context.allowInteraction !== true,
        userPromptCallback: (info) => context.onDeviceCode?.({message: info.message, userCode: info.userCode, verificationUri: info.verificationUri}),
      })
    case 'browser':
      return new identity.InteractiveBrowserCredential({
        ...common,
        tenantId: spec.tenantId,
        clientId: spec.clientId,
        redirectUri: 'http://localhost',
        ...(spec.authenticationRecord ? {authenticationRecord: spec.authenticationRecord, loginHint: spec.authenticationRecord.username} : {}),
        disableAutomaticAuthentication: context.allowInteraction !== true,
      })
    case 'azure-cli':
      return new identity.AzureCliCredential({...(isTenantId(spec.tenantId) ? {tenantId: spec.tenantId} : {}), processTimeoutInMs: 30_000})
    case 'client-secret':
    case 'emulator': {
      const secret = spec.method === 'emulator' ? emulatorCiPrincipal.secret : (context.secret ?? (spec.secretEnv ? context.env[spec.secretEnv] : undefined))
      if (!secret) throw new MissingSecretError(spec)
      return new identity.ClientSecretCredential(spec.tenantId, spec.clientId, secret, common)
    }
    case 'client-certificate': {
      if (!spec.certificatePath) throw new UsageError('A certificate sign-in needs the path of a PEM file with the certificate and its private key.', {code: 'AUTH_CERTIFICATE_MISSING', suggestions: ['cc login --method client-certificate --certificate ./ci.pem --client-id <app id> --tenant <tenant>']})
      const password = spec.certificatePasswordEnv ? context.env[spec.certificatePasswordEnv] : undefined
      const pem = await readCertificate(spec.certificatePath)
      return new identity.ClientCertificateCredential(spec.tenantId, spec.clientId, {certificate: pem, ...(password ? {certificatePassword: password} : {})}, {...common, sendCertificateChain: false})
    }
    case 'workload-identity': {
      const file = spec.tokenFilePath ?? context.env.AZURE_FEDERATED_TOKEN_FILE
      if (!file) throw new UsageError('Workload identity needs the federated token file.', {code: 'AUTH_TOKEN_FILE_MISSING', suggestions: ['cc login --method workload-identity --federated-token-file <path> --client-id <app id> --tenant <tenant>', 'or set AZURE_FEDERATED_TOKEN_FILE']})
      return new identity.ClientAssertionCredential(spec.tenantId, spec.clientId, () => readAssertionFile(file), common)
    }
    case 'github-oidc':
      return new identity.ClientAssertionCredential(spec.tenantId, spec.clientId, () => githubOidcToken(context.env, cloud.tokenExchangeAudience, context.fetch), common)
    case 'azure-pipelines': {
      const accessToken = context.env.SYSTEM_ACCESSTOKEN
      const connection = spec.serviceConnectionId ?? context.env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID
      if (!accessToken || !connection) {
        throw new AuthRequiredError('Azure Pipelines sign-in needs SYSTEM_ACCESSTOKEN and the service connection id.', {
          code: 'AUTH_PIPELINES_ENV_MISSING',
          suggestions: ['In the pipeline step: env: {SYSTEM_ACCESSTOKEN: $(System.AccessToken)}', 'cc login --method azure-pipelines --service-connection-id <id> --client-id <app id> --tenant <tenant>'],
        })
      }
      return new identity.AzurePipelinesCredential(spec.tenantId, spec.clientId, connection, accessToken, common)
    }
    case 'managed-identity':
      return spec.managedIdentityClientId ? new identity.ManagedIdentityCredential({clientId: spec.managedIdentityClientId}) : new identity.ManagedIdentityCredential()
  }
}

/** The client secret of a service-principal sign-in is not available in this run. */
export class MissingSecretError extends AuthRequiredError {
  constructor(spec: CredentialSpec) {
    super(
      spec.secretEnv
        ? `The client secret of ${spec.clientId} is not set: environment variable ${spec.secretEnv} is empty.`
        : `The sign-in of service principal ${spec.clientId} has no valid token for this service: cc does not keep client secrets, so a secret given on stdin covers only the services reached at login, for about an hour.`,
      {
        code: 'AUTH_SECRET_UNAVAILABLE',
        suggestions: [
          ...(spec.secretEnv ? [`export ${spec.secretEnv}=<secret>   (then run the command again)`] : []),
          `cc login --method client-secret --client-id ${spec.clientId} --tenant ${spec.tenantId} --client-secret-env AZURE_CLIENT_SECRET`,
        ],
      },
    )
  }
}

async function readCertificate(path: string): Promise<string> {
  let pem: string
  try {
    pem = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read the certificate file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {code: 'AUTH_CERTIFICATE_UNREADABLE', file: path})
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new UsageError(`${path} must be a PEM file holding both the certificate and its private key.`, {
      code: 'AUTH_CERTIFICATE_INVALID',
      file: path,
      suggestions: ['cat cert.pem key.pem > ci.pem', 'openssl pkcs12 -in ci.pfx -out ci.pem -nodes   (from a .pfx)'],
    })
  }
  return pem
}

async function readAssertionFile(path: string): Promise<string> {
  try {
    const token = (await readFile(path, 'utf8')).trim()
    if (token === '') throw new Error('the file is empty')
    return token
  } catch (error) {
    throw new AuthRequiredError(`Cannot read the federated token file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {code: 'AUTH_TOKEN_FILE_UNREADABLE', file: path})
  }
}

/**
 * The GitHub Actions OIDC token for Entra ID: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=… with
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN (the job needs `permissions: id-token: write`).
 */
export async function githubOidcToken(env: NodeJS.ProcessEnv, audience: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (!url || !requestToken) {
    throw new AuthRequiredError('GitHub Actions OIDC is not available: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.', {
      code: 'AUTH_GITHUB_OIDC_UNAVAILABLE',
      suggestions: ['Give the job `permissions: id-token: write` (and contents: read).', 'Outside GitHub Actions use another --method.'],
    })
  }
  const target = new URL(url)
  target.searchParams.set('audience', audience)
  const response = await fetchImpl(target, {headers: {authorization: `Bearer ${requestToken}`, accept: 'application/json'}, signal: AbortSignal.timeout(30_000)})
  const body = (await response.json().catch(() => ({}))) as {value?: string}
  if (!response.ok || typeof body.value !== 'string') {
    throw new AuthRequiredError(`GitHub did not hand out an OIDC token (HTTP ${response.status}).`, {code: 'AUTH_GITHUB_OIDC_FAILED', suggestions: ['Check `permissions: id-token: write` on the job.']})
  }
  return body.value
}

/** A tenant GUID or domain (as opposed to `common` / `organizations`). */
export function isTenantId(value: string | undefined): value is string {
  return value !== undefined && !['common', 'organizations', 'consumers'].includes(value.toLowerCase())
}

export {defaultPublicClientId}
