import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {CoreContext} from '../../src/core/context.js'
import {pushConnector} from '../../src/core/push/push.js'
import type {RequestLogEntry} from '../../src/emulator/index.js'
import {appToken, call, scopes, tenant} from './emulator.js'
import {cleanEnv} from './sign-in-emulator.js'
import {tinyPng} from './solution-zip-fixtures.js'

/**
 * Area F (export, import, migrate, identity fix-ups): generated connectors of every auth kind that matters for
 * moving between environments, client apps made through the emulator's Graph, and a log of the writes an
 * emulator served (to prove that a plan or a second run changes nothing).
 */

export type GeneratedKind = 'none' | 'api-key' | 'oauth' | 'managed-identity'

export interface GeneratedConnector {
  folder: string
  title: string
  kind: GeneratedKind
  /** Client app of OAuth and managed-identity connectors. */
  appId?: string
}

/**
 * The plan of the generated connectors: of every ten, four without auth, two with an API key, two OAuth with a
 * client secret (redirect URIs on one shared app) and two with managed identity. Graph allows 20 federated
 * credentials per app and every managed-identity connector needs one per environment, so managed-identity
 * connectors are spread over `miApps` (two per app: six credentials over dev, test and prod).
 */
export function generatedPlan(count: number, apps: {oauthApp: string; miApps: string[]}): GeneratedConnector[] {
  const out: GeneratedConnector[] = []
  let mi = 0
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(2, '0')
    const slot = i % 10
    const kind: GeneratedKind = slot < 4 ? 'none' : slot < 6 ? 'api-key' : slot < 8 ? 'oauth' : 'managed-identity'
    const title = `Generated ${kind === 'managed-identity' ? 'MI' : kind} ${n}`
    const appId = kind === 'oauth' ? apps.oauthApp : kind === 'managed-identity' ? apps.miApps[Math.floor(mi++ / 2) % apps.miApps.length] : undefined
    out.push({folder: `generated-${n}`, title, kind, ...(appId ? {appId} : {})})
  }
  return out
}

export function writeGeneratedConnector(parent: string, c: GeneratedConnector): string {
  const dir = join(parent, c.folder)
  mkdirSync(dir, {recursive: true})
  const swagger: Record<string, unknown> = {
    swagger: '2.0',
    info: {title: c.title, description: `${c.title}: a generated connector for transfer tests.`, version: '1.0'},
    host: `${c.folder}.contoso.com`,
    basePath: '/api',
    schemes: ['https'],
    consumes: [],
    produces: ['application/json'],
    paths: {'/items': {get: {operationId: 'ListItems', summary: 'List items', description: 'Lists items.', responses: {'200': {description: 'OK'}}}}},
    definitions: {},
    parameters: {},
    responses: {},
    securityDefinitions: {},
    security: [],
    tags: [],
  }
  let connectionParameters: Record<string, unknown> = {}
  if (c.kind === 'api-key') {
    swagger.securityDefinitions = {api_key: {type: 'apiKey', in: 'header', name: 'X-API-Key'}}
    swagger.security = [{api_key: []}]
    connectionParameters = {api_key: {type: 'securestring', uiDefinition: {displayName: 'API Key', description: 'The API key', tooltip: 'The API key', constraints: {tabIndex: 2, clearText: false, required: 'true'}}}}
  } else if (c.kind === 'oauth' || c.kind === 'managed-identity') {
    connectionParameters = {
      token: {
        type: 'oauthSetting',
        oAuthSettings: {
          identityProvider: 'aad',
          clientId: c.appId,
          scopes: [],
          redirectMode: 'GlobalPerConnector',
          redirectUrl: 'https://global.consent.azure-apim.net/redirect',
          properties: {IsFirstParty: 'False', AzureActiveDirectoryResourceId: `https://${c.folder}.contoso.com`, IsOnbehalfofLoginSupported: false, ...(c.kind === 'managed-identity' ? {UseManagedIdentity: 'True'} : {})},
          customParameters: {loginUri: {value: 'https://login.windows.net'}, tenantId: {value: tenant.id}, resourceUri: {value: `https://${c.folder}.contoso.com`}, enableOnbehalfOfLogin: {value: 'false'}},
        },
      },
    }
  }
  writeFileSync(join(dir, 'apiDefinition.swagger.json'), JSON.stringify(swagger, null, 2) + '\n')
  writeFileSync(join(dir, 'apiProperties.json'), JSON.stringify({properties: {connectionParameters, iconBrandColor: '#107c10', capabilities: [], publisher: 'Contoso'}}, null, 2) + '\n')
  writeFileSync(join(dir, 'icon.png'), tinyPng)
  return dir
}

/** Registers an application through the emulator's Graph (as the seeded CI principal) and returns its app id. */
export async function createApp(emulatorUrl: string, displayName: string): Promise<string> {
  const token = await appToken(emulatorUrl, {scope: scopes.graph})
  const response = await call(`${emulatorUrl}/v1.0/applications`, {method: 'POST', token, body: {displayName, signInAudience: 'AzureADMyOrg'}})
  if (response.status !== 201) throw new Error(`creating app ${displayName}: ${response.status} ${response.text}`)
  return response.body.appId as string
}

/** The application as Graph shows it, with its federated credentials. */
export async function appWithCredentials(emulatorUrl: string, appId: string): Promise<{redirectUris: string[]; credentials: Array<{name: string; issuer: string; subject: string; audiences: string[]; description: string | null}>}> {
  const token = await appToken(emulatorUrl, {scope: scopes.graph})
  const app = await call(`${emulatorUrl}/v1.0/applications(appId='${appId}')`, {token})
  const fics = await call(`${emulatorUrl}/v1.0/applications(appId='${appId}')/federatedIdentityCredentials`, {token})
  if (app.status !== 200 || fics.status !== 200) throw new Error(`reading app ${appId}: ${app.status} ${fics.status}`)
  return {redirectUris: app.body.web.redirectUris, credentials: fics.body.value}
}

/** Adds a federated credential directly (as an admin would in the portal). */
export async function addCredential(emulatorUrl: string, appId: string, credential: {name: string; issuer: string; subject: string; description?: string}): Promise<void> {
  const token = await appToken(emulatorUrl, {scope: scopes.graph})
  const response = await call(`${emulatorUrl}/v1.0/applications(appId='${appId}')/federatedIdentityCredentials`, {method: 'POST', token, body: {...credential, audiences: ['api://AzureADTokenExchange']}})
  if (response.status !== 201) throw new Error(`adding credential ${credential.name}: ${response.status} ${response.text}`)
}

/** Counts the writes (anything but GET and the identity and admin routes) an emulator serves, by route. */
export class WriteLog {
  readonly entries: RequestLogEntry[] = []
  /** Requests answered by an injected fault (any method). */
  faults = 0
  readonly onRequest = (entry: RequestLogEntry): void => {
    if (entry.fault === 'status' || entry.fault === 'reset') this.faults++
    if (entry.method !== 'GET' && entry.method !== 'HEAD' && !entry.route.startsWith('identity') && !entry.route.startsWith('admin')) this.entries.push(entry)
  }

  /** The writes logged since the last call (and forgets them). */
  take(): RequestLogEntry[] {
    return this.entries.splice(0, this.entries.length)
  }
}

/**
 * A CoreContext for a whole test file (beforeAll): its own config folder and working folder under `root`, the
 * emulator, no Azure credentials from the outer shell; warnings are collected.
 */
export function transferContext(emulatorUrl: string, root: string, extraEnv: Record<string, string> = {}): CoreContext & {warnings: string[]} {
  const warnings: string[] = []
  const configDir = join(root, 'config')
  const cwd = join(root, 'work')
  mkdirSync(configDir, {recursive: true})
  mkdirSync(cwd, {recursive: true})
  return {
    configDir,
    cwd,
    env: cleanEnv({CC_EMULATOR_URL: emulatorUrl, ...extraEnv}),
    interactive: false,
    warnings,
    reporter: {step() {}, progress() {}, debug() {}, warn: (message: string) => warnings.push(message)},
  }
}

/** A scratch folder for a whole test file (removed by the caller in afterAll). */
export function fileScratch(prefix: string): string {
  return mkdtempSync(join(process.env.CC_TEST_ROOT ?? tmpdir(), prefix))
}

/** Pushes connector folders to an environment, a few at a time (the way a team fills dev). */
export async function pushAll(dirs: string[], env: string, ctx: CoreContext, secret?: string): Promise<void> {
  const queue = [...dirs]
  await Promise.all(
    Array.from({length: 6}, async () => {
      for (let dir = queue.shift(); dir; dir = queue.shift()) {
        const needsSecret = /"clientId"/.test(readFileSync(join(dir, 'apiProperties.json'), 'utf8')) && !/UseManagedIdentity/.test(readFileSync(join(dir, 'apiProperties.json'), 'utf8'))
        await pushConnector({path: dir, env, remember: false, validate: false, ...(needsSecret && secret ? {clientSecret: secret} : {})}, ctx)
      }
    }),
  )
}

/** A publisher with its own prefix and an unmanaged solution of it, through an environment's Dataverse Web API. */
export async function createSolution(emulatorUrl: string, environmentId: string, uniqueName: string, prefix: string): Promise<void> {
  const token = await appToken(emulatorUrl, {scope: scopes.dataverse(emulatorUrl, environmentId)})
  const api = `${emulatorUrl}/dataverse/${environmentId}/api/data/v9.2`
  const publisherid = uuidFor(`${environmentId}/${prefix}`)
  const publisher = await call(`${api}/publishers`, {method: 'POST', token, body: {publisherid, uniquename: `${prefix}publisher`, friendlyname: prefix, customizationprefix: prefix, customizationoptionvalueprefix: 12345}})
  const solution = await call(`${api}/solutions`, {method: 'POST', token, body: {uniquename: uniqueName, friendlyname: uniqueName, version: '1.0.0.0', 'publisherid@odata.bind': `/publishers(${publisherid})`}})
  if (publisher.status >= 300 || solution.status >= 300) throw new Error(`creating solution ${uniqueName}: ${publisher.status} ${solution.status} ${solution.text}`)
}

function uuidFor(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
