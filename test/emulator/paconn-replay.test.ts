import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {corpusDir} from '../helpers/corpus.js'
import {devEnv, startTestEmulator, type TestEmulator} from '../helpers/emulator.js'

/**
 * Replays paconn's own request sequences (powerapps-api.md 2.11) with its bodies (2.9) and headers (2.2), the way
 * paconn 0.0.21 sends them, and checks every response field paconn reads. A real published connector with OAuth,
 * an icon and custom code is used.
 */

const connectorDir = join(corpusDir, 'custom-connectors', 'Snowflake')
const secret = 'paconn-replay-secret'
const pythonUserAgent = 'python-requests/2.31.0'

let emulator: TestEmulator
let session: {accessToken: string; oid: string}

/** Python's json.dumps defaults: ", " and ": " separators, non-ASCII escaped as \uXXXX. */
function pythonJson(value: unknown): string {
  const text = JSON.stringify(value, null, 1)
    .replace(/\n\s*/g, ' ')
    .replace(/\[ /g, '[')
    .replace(/ \]/g, ']')
    .replace(/\{ /g, '{')
    .replace(/ \}/g, '}')
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** paconn's query building: api-version first, then `%24filter=environment%20eq%20%27…%27`. */
function rpUrl(path: string, extra: Record<string, string> = {}): string {
  const query = [`api-version=2016-11-01`, ...Object.entries(extra).map(([k, v]) => `${encodeURIComponent(k).replace('$', '%24')}=${encodeURIComponent(v).replaceAll("'", '%27')}`)]
  return `${emulator.url}/providers/Microsoft.PowerApps/${path}?${query.join('&')}`
}

function headers(withOrigin = true, json = false): Record<string, string> {
  return {
    authorization: `Bearer ${session.accessToken}`,
    'user-agent': pythonUserAgent,
    ...(withOrigin ? {'x-ms-origin': 'paconn-cli'} : {}),
    ...(json ? {'content-type': 'application/json'} : {}),
  }
}

/** A response whose JSON is read loosely (the test checks the fields paconn reads). */
type Loose = Omit<Response, 'json'> & {json(): Promise<any>}

async function ok(response: Response, what: string): Promise<Loose> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`)
  return response as Loose
}

/** `paconn login`: ADAL's v1 device-code flow against /common with the Azure CLI client. */
async function paconnLogin(): Promise<{accessToken: string; oid: string}> {
  const form = {'content-type': 'application/x-www-form-urlencoded'}
  const code = await (
    await ok(
      await fetch(`${emulator.url}/common/oauth2/devicecode?api-version=1.0`, {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', resource: 'https://service.powerapps.com/'}),
      }),
      'devicecode',
    )
  ).json()
  expect(code).toMatchObject({user_code: expect.any(String), device_code: expect.any(String), verification_url: `${emulator.url}/devicelogin`, expires_in: '900'})
  expect(code.message).toContain(code.user_code)
  const token = await (
    await ok(
      await fetch(`${emulator.url}/common/oauth2/token`, {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({grant_type: 'device_code', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', resource: 'https://service.powerapps.com/', code: code.device_code}),
      }),
      'token',
    )
  ).json()
  // What paconn writes into accessTokens.json: expires_on as epoch seconds, oid from the id_token.
  expect(token).toMatchObject({token_type: 'Bearer', resource: 'https://service.powerapps.com/', access_token: expect.any(String), refresh_token: expect.any(String)})
  expect(Number(token.expires_on)).toBeGreaterThan(Date.now() / 1000 + 600)
  const idToken = JSON.parse(Buffer.from(token.id_token.split('.')[1], 'base64url').toString())
  expect(idToken.oid).toMatch(/^[0-9a-f-]{36}$/)
  return {accessToken: token.access_token, oid: idToken.oid}
}

/** E1 + the environment prompt: paconn picks by display name. */
async function selectEnvironment(displayName: string): Promise<string> {
  const list = await (await ok(await fetch(`${emulator.url}/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01`, {headers: {authorization: `Bearer ${session.accessToken}`, 'user-agent': pythonUserAgent}}), 'E1')).json()
  const env = list.value.find((e: {properties: {displayName: string}}) => e.properties.displayName === displayName)
  expect(env.name).toBeTypeOf('string')
  return env.name
}

/** E6 + E7 + E8: validate (no certification rules), storage SAS, and the blob uploads; returns the blob URLs. */
async function preflightAndUpload(swagger: unknown, environment: string, files: {icon?: string; script?: string}): Promise<{iconUri?: string; scriptDefinitionUrl: string}> {
  const validated = await ok(await fetch(rpUrl(`objectIds/${session.oid}/validateApiSwagger`), {method: 'POST', headers: headers(true, true), body: pythonJson(swagger)}), 'E6')
  expect(typeof (await validated.json())).toBe('string')
  const storage = await (await ok(await fetch(rpUrl(`objectIds/${session.oid}/generateResourceStorage`), {method: 'POST', headers: headers(false, true), body: pythonJson({environment: {name: environment}})}), 'E7')).json()
  const sas = new URL(storage.sharedAccessSignature)
  const upload = async (path: string, contentType?: string) => {
    const url = new URL(sas)
    url.pathname = `${url.pathname}/${basename(path)}`
    await ok(
      await fetch(url, {
        method: 'PUT',
        headers: {'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2019-02-02', 'user-agent': 'Azure-Storage/2.1.0', ...(contentType ? {'x-ms-blob-content-type': contentType} : {})},
        body: readFileSync(path),
      }),
      `E8 ${basename(path)}`,
    )
    return url.toString()
  }
  return {
    ...(files.icon ? {iconUri: await upload(files.icon, 'image/png')} : {}),
    scriptDefinitionUrl: files.script ? await upload(files.script) : '',
  }
}

/** The create/update body of operations/upsert.py. */
function upsertBody(apiProperties: {properties: Record<string, any>}, swagger: any, environment: string, urls: {iconUri?: string; scriptDefinitionUrl: string}, create: boolean, withSecret: boolean) {
  const body = structuredClone(apiProperties)
  const props = body.properties
  if (withSecret) props.connectionParameters.token.oAuthSettings.clientSecret = secret
  props.openApiDefinition = swagger
  const basePath = swagger.basePath.startsWith('/') ? swagger.basePath : `/${swagger.basePath}`
  props.backendService = {serviceUrl: `${swagger.schemes?.[0] ?? ''}://${swagger.host}${basePath}`}
  props.environment = {name: environment}
  if (create) props.displayName = swagger.info.title
  props.description = swagger.info.description
  if (urls.iconUri) props.iconUri = urls.iconUri
  props.scriptDefinitionUrl = urls.scriptDefinitionUrl
  return body
}

beforeAll(async () => {
  emulator = await startTestEmulator()
  session = await paconnLogin()
})
afterAll(async () => emulator.dispose())

describe('paconn request sequences against the emulator', () => {
  const apiProperties = JSON.parse(readFileSync(join(connectorDir, 'apiProperties.json'), 'utf8'))
  const swaggerText = readFileSync(join(connectorDir, 'apiDefinition.swagger.json'), 'utf8').replace(/^\uFEFF/, '')
  const swagger = JSON.parse(swaggerText)
  const icon = join(connectorDir, 'icon.png')
  const script = join(connectorDir, 'script.csx')
  let connectorId: string

  it('create: E1 → E6 → E7 → E8 icon → E8 script → E4, then reads `name`', async () => {
    const environment = await selectEnvironment('dev')
    expect(environment).toBe(devEnv.id)
    const urls = await preflightAndUpload(swagger, environment, {icon, script})
    const created = await ok(
      await fetch(rpUrl('apis', {$filter: `environment eq '${environment}'`}), {method: 'POST', headers: headers(true, true), body: pythonJson(upsertBody(apiProperties, swagger, environment, urls, true, true))}),
      'E4',
    )
    const body = await created.json()
    connectorId = body.name
    expect(connectorId).toMatch(/^shared_snowflake-20rest-5f[0-9a-f]{16}-5f[0-9a-f]{16}$/)
  })

  it('download: E1 → E2 → E3 → E9 swagger, icon, script give back what was created', async () => {
    const environment = await selectEnvironment('dev')
    const list = await (await ok(await fetch(rpUrl('apis', {$filter: `environment eq '${environment}'`}), {headers: headers()}), 'E2')).json()
    const choices = list.value.filter((a: any) => a.properties.isCustomApi).map((a: any) => ({id: a.name, label: `${a.properties.displayName} - ${a.properties.createdBy.displayName}`}))
    expect(choices).toContainEqual({id: connectorId, label: 'Snowflake REST - Avery Admin'})
    const got = await (await ok(await fetch(rpUrl(`apis/${connectorId}`, {$filter: `environment eq '${environment}'`}), {headers: headers()}), 'E3')).json()
    expect(got.properties).toBeDefined()
    // paconn's apiProperties split: these keys, in this order, when present.
    const keys = ['connectionParameters', 'connectionParameterSets', 'iconBrandColor', 'scriptOperations', 'capabilities', 'policyTemplateInstances', 'publisher', 'stackOwner'].filter((k) => k in got.properties)
    expect(keys).toEqual(['connectionParameters', 'iconBrandColor', 'scriptOperations', 'capabilities', 'policyTemplateInstances', 'publisher'])
    expect(got.properties.connectionParameters.token.oAuthSettings.clientSecret).toBeUndefined()
    expect(JSON.stringify(got)).not.toContain(secret)
    expect(got.properties.scriptOperations).toEqual(apiProperties.properties.scriptOperations)
    expect(got.properties.policyTemplateInstances).toEqual(apiProperties.properties.policyTemplateInstances)
    const downloadedSwagger = await (await ok(await fetch(got.properties.apiDefinitions.originalSwaggerUrl), 'E9 swagger')).text()
    expect(JSON.stringify(JSON.parse(downloadedSwagger))).toBe(JSON.stringify(swagger))
    const downloadedIcon = Buffer.from(await (await ok(await fetch(got.properties.iconUri), 'E9 icon')).arrayBuffer())
    expect(downloadedIcon.equals(readFileSync(icon))).toBe(true)
    const downloadedScript = Buffer.from(await (await ok(await fetch(got.properties.scriptDefinitionUrl), 'E9 script')).arrayBuffer())
    expect(downloadedScript.toString('utf8')).toBe(readFileSync(script, 'utf8').replace(/^\uFEFF/, ''))
  })

  it('update: E1 → E2 → E6 → E7 → E8 → E5; without --script the custom code is cleared, the secret is kept', async () => {
    const environment = await selectEnvironment('dev')
    await ok(await fetch(rpUrl('apis', {$filter: `environment eq '${environment}'`}), {headers: headers()}), 'E2')
    const changed = {...swagger, info: {...swagger.info, description: 'Updated by the paconn replay'}}
    const urls = await preflightAndUpload(changed, environment, {icon})
    const body = upsertBody(apiProperties, changed, environment, urls, false, false)
    expect(body.properties.displayName).toBeUndefined()
    await ok(await fetch(rpUrl(`apis/${connectorId}`, {$filter: `environment eq '${environment}'`}), {method: 'PATCH', headers: headers(true, true), body: pythonJson(body)}), 'E5')
    const got = await (await ok(await fetch(rpUrl(`apis/${connectorId}`, {$filter: `environment eq '${environment}'`}), {headers: headers()}), 'E3')).json()
    expect(got.properties).toMatchObject({displayName: 'Snowflake REST', description: 'Updated by the paconn replay'})
    expect(got.properties.scriptDefinitionUrl).toBeUndefined()
    const check = await (await ok(await fetch(`${emulator.url}/_emulator/connectors/${environment}/${connectorId}/verify-secret`, {method: 'POST', body: JSON.stringify({secret})}), 'verify')).json()
    expect(check.matches).toBe(true)
  })

  it('validate: E6 with certification rules returns text paconn prints', async () => {
    const response = await ok(await fetch(rpUrl(`objectIds/${session.oid}/validateApiSwagger`, {enableConnectorCertificationRules: 'true'}), {method: 'POST', headers: headers(true, true), body: pythonJson(swagger)}), 'E6')
    const raw = await response.text()
    expect(raw.startsWith('"') && raw.endsWith('"')).toBe(true)
    const printed = JSON.parse(raw) as string
    expect(printed === 'Swagger certification succeeded' || /^(Error|Warning): /.test(printed)).toBe(true)
  })
})
