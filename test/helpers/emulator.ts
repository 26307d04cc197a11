import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startEmulator, type RunningEmulator, type StartEmulatorOptions} from '../../src/emulator/index.js'
import {ciApp, environments, limitedApp, foreignApp, tenant} from '../../src/emulator/seed-identities.js'

/** Helpers for tests that talk to the emulator over real HTTP on loopback. */

export {ciApp, environments, foreignApp, limitedApp, tenant}
export const devEnv = environments[0]!
export const testEnv = environments[1]!
export const prodEnv = environments[2]!

export interface TestEmulator extends RunningEmulator {
  clock: TestClock
  /** Closes the emulator and removes its data folder. */
  dispose(): Promise<void>
}

/** A clock the test can move forward (token expiry, device-code approval). */
export class TestClock {
  offsetMs = 0
  now = (): number => Date.now() + this.offsetMs
  advance(ms: number): void {
    this.offsetMs += ms
  }
}

/** Starts an emulator on a free port with a fresh data folder (unless one is given). */
export async function startTestEmulator(options: Partial<StartEmulatorOptions> = {}): Promise<TestEmulator> {
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(process.env.CC_TEST_ROOT ?? tmpdir(), 'emu-'))
  const clock = new TestClock()
  const emulator = await startEmulator({port: 0, deviceCodeApprovalDelayMs: 0, clock: clock.now, ...options, dataDir})
  return Object.assign(emulator, {
    clock,
    async dispose() {
      await emulator.close()
      if (ownDir) rmSync(dataDir, {recursive: true, force: true})
    },
  })
}

export interface TokenOptions {
  scope: string
  clientId?: string
  secret?: string
  tenant?: string
}

/** An app-only token by client credentials (plain fetch, as any client would). Defaults: the seeded CI app. */
export async function appToken(url: string, options: TokenOptions): Promise<string> {
  const response = await fetch(`${url}/${options.tenant ?? tenant.id}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({grant_type: 'client_credentials', client_id: options.clientId ?? ciApp.appId, client_secret: options.secret ?? ciApp.secret!, scope: options.scope}),
  })
  const body = (await response.json()) as {access_token?: string}
  if (!response.ok || !body.access_token) throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`)
  return body.access_token
}

/** A user token by the device-code flow (auto-approved when the emulator's delay is 0), as the Azure CLI client. */
export async function userToken(url: string, scope: string, clientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'): Promise<{accessToken: string; refreshToken: string; idToken: string}> {
  const code = (await (await fetch(`${url}/organizations/oauth2/v2.0/devicecode`, {method: 'POST', body: new URLSearchParams({client_id: clientId, scope: `${scope} openid profile offline_access`})})).json()) as {
    device_code: string
  }
  const response = await fetch(`${url}/organizations/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: clientId, device_code: code.device_code}),
  })
  const body = (await response.json()) as {access_token: string; refresh_token: string; id_token: string}
  if (!response.ok) throw new Error(`device code token failed: ${response.status} ${JSON.stringify(body)}`)
  return {accessToken: body.access_token, refreshToken: body.refresh_token, idToken: body.id_token}
}

export const scopes = {
  powerApps: 'https://service.powerapps.com//.default',
  flow: 'https://service.flow.microsoft.com//.default',
  graph: 'https://graph.microsoft.com/.default',
  dataverse: (url: string, environmentId: string) => `${url}/dataverse/${environmentId}/.default`,
}

/** fetch with a bearer token and JSON body; returns status, headers and the parsed body (or text). */
export async function call(
  url: string,
  init: {method?: string; token?: string; body?: unknown; headers?: Record<string, string>} = {},
): Promise<{status: number; headers: Headers; body: any; text: string}> {
  const headers: Record<string, string> = {...init.headers}
  if (init.token) headers.authorization = `Bearer ${init.token}`
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await fetch(url, {method: init.method ?? 'GET', headers, ...(body === undefined ? {} : {body})})
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = text
  }
  return {status: response.status, headers: response.headers, body: parsed, text}
}

/** Decodes the payload of a JWT (no verification). */
export function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))
}

/** One request the identity bridge sent (for assertions on grant types). */
export interface BridgedRequest {
  method: string
  url: string
  body: string
}

/**
 * The test-only `httpClient` of the shared contract: @azure/identity insists on https authorities, so the
 * credentials use `https://<emulator host>` and this client sends their requests to the emulator's http origin
 * with X-Forwarded-Proto: https and X-Forwarded-Host, so that every URL the emulator returns stays https.
 */
export async function identityHttpClient(emulatorUrl: string, log: BridgedRequest[] = []) {
  const {createHttpHeaders} = await import('@azure/core-rest-pipeline')
  const target = new URL(emulatorUrl)
  return {
    async sendRequest(request: import('@azure/core-rest-pipeline').PipelineRequest) {
      const url = new URL(request.url)
      if (url.host !== target.host) throw new Error(`the identity bridge only talks to the emulator, not ${url.host}`)
      const forwardedProto = url.protocol.replace(':', '')
      url.protocol = 'http:'
      const headers: Record<string, string> = {...request.headers.toJSON(), 'x-forwarded-proto': forwardedProto, 'x-forwarded-host': target.host}
      const body = typeof request.body === 'string' ? request.body : request.body === undefined || request.body === null ? undefined : String(request.body)
      log.push({method: request.method, url: request.url, body: body ?? ''})
      const response = await fetch(url, {method: request.method, headers, ...(body === undefined ? {} : {body})})
      const responseHeaders: Record<string, string> = {}
      response.headers.forEach((value, key) => (responseHeaders[key] = value))
      return {request, status: response.status, headers: createHttpHeaders(responseHeaders), bodyAsText: await response.text()}
    },
  }
}

/** The https authority host the identity credentials use for an emulator. */
export function authorityHostOf(emulatorUrl: string): string {
  return new URL(emulatorUrl).origin.replace(/^http:/, 'https:')
}

/** A small valid OpenAPI 2.0 document for connector tests. */
export function sampleSwagger(title: string, extra: Record<string, unknown> = {}) {
  return {
    swagger: '2.0',
    info: {title, description: `${title} API`, version: '1.0'},
    host: 'api.contoso.com',
    basePath: '/v1',
    schemes: ['https'],
    paths: {'/items': {get: {operationId: 'ListItems', summary: 'List items', responses: {200: {description: 'OK'}}}}},
    ...extra,
  }
}

/** `connectionParameters` with an Entra ID OAuth `token` (GlobalPerConnector), managed identity or a secret. */
export function oauthConnectionParameters(options: {managed?: boolean; secret?: string} = {}) {
  return {
    token: {
      type: 'oauthSetting',
      oAuthSettings: {
        identityProvider: 'aad',
        clientId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c',
        scopes: [] as string[],
        redirectMode: 'GlobalPerConnector',
        redirectUrl: 'https://global.consent.azure-apim.net/redirect',
        properties: {IsFirstParty: 'False', AzureActiveDirectoryResourceId: 'https://management.azure.com/', IsOnbehalfofLoginSupported: false, ...(options.managed ? {UseManagedIdentity: 'True'} : {})},
        customParameters: {loginUri: {value: 'https://login.windows.net'}, tenantId: {value: tenant.id}},
        ...(options.secret ? {clientSecret: options.secret} : {}),
      } as Record<string, unknown>,
    },
  }
}
