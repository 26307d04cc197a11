import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {appToken, call, ciApp, devEnv, foreignApp, oauthConnectionParameters, prodEnv, sampleSwagger, scopes, startTestEmulator, testEnv, type TestEmulator, userToken} from '../helpers/emulator.js'

let emulator: TestEmulator
let token: string
let oid: string
const v = 'api-version=2016-11-01'

beforeAll(async () => {
  emulator = await startTestEmulator({pageSize: 2})
  const user = await userToken(emulator.url, scopes.powerApps)
  token = user.accessToken
  oid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).oid
})
afterAll(async () => emulator.dispose())

const apis = (env: string, extra = '') => `${emulator.url}/providers/Microsoft.PowerApps/apis?${v}&$filter=${encodeURIComponent(`environment eq '${env}'${extra}`)}`
const api = (name: string, env: string) => `${emulator.url}/providers/Microsoft.PowerApps/apis/${name}?${v}&$filter=${encodeURIComponent(`environment eq '${env}'`)}`

const swagger = sampleSwagger
const oauthParameters = (managed = false) => oauthConnectionParameters({managed, ...(managed ? {} : {secret: 'super-secret-value'})})

async function createConnector(env: string, title: string, extra: Record<string, unknown> = {}) {
  return call(`${emulator.url}/providers/Microsoft.PowerApps/apis?${v}&$filter=${encodeURIComponent(`environment eq '${env}'`)}`, {
    method: 'POST',
    token,
    headers: {'x-ms-origin': 'paconn-cli'},
    body: {properties: {openApiDefinition: swagger(title), displayName: title, description: `${title} API`, environment: {name: env}, backendService: {serviceUrl: 'https://api.contoso.com/v1'}, iconBrandColor: '#da3b01', capabilities: [], ...extra}},
  })
}

describe('Flow, BAP and Power Apps environment listings', () => {
  it('lists the three seeded environments in the Flow RP shape and pages past the page size', async () => {
    const first = await call(`${emulator.url}/providers/Microsoft.ProcessSimple/environments?${v}`, {token})
    expect(first.status).toBe(200)
    expect(first.body.value).toHaveLength(2)
    expect(first.body.value[0]).toMatchObject({name: devEnv.id, type: 'Microsoft.ProcessSimple/environments', id: `/providers/Microsoft.ProcessSimple/environments/${devEnv.id}`, properties: {displayName: 'dev', isDefault: true, provisioningState: 'Succeeded'}})
    expect(first.body.nextLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/providers\/Microsoft\.ProcessSimple\/environments\?api-version=2016-11-01&%24skiptoken=/)
    const second = await call(first.body.nextLink, {token})
    expect(first.body.value[1].name).toBe(prodEnv.id)
    expect(second.body.value.map((e: {name: string}) => e.name)).toEqual([testEnv.id])
    expect(second.body.nextLink).toBeUndefined()
  })

  it('gives BAP environments with their Dataverse instance URL', async () => {
    const env = await call(`${emulator.url}/providers/Microsoft.BusinessAppPlatform/environments/${testEnv.id}?api-version=2020-10-01`, {token})
    expect(env.status).toBe(200)
    expect(env.body.properties.linkedEnvironmentMetadata.instanceUrl).toBe(`${emulator.url}/dataverse/${testEnv.id}/`)
    const missing = await call(`${emulator.url}/providers/Microsoft.BusinessAppPlatform/environments/nope?api-version=2020-10-01`, {token})
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('EnvironmentNotFound')
  })

  it('requires api-version', async () => {
    const response = await call(`${emulator.url}/providers/Microsoft.ProcessSimple/environments`, {token})
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('MissingApiVersionParameter')
  })
})

describe('token checks on the resource providers', () => {
  it('answers 401 AuthenticationFailed without a token, with a WWW-Authenticate challenge', async () => {
    const response = await call(apis(devEnv.id))
    expect(response.status).toBe(401)
    expect(response.body.error.code).toBe('AuthenticationFailed')
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri="/)
  })

  it('answers 401 for a token for another audience, another tenant, a forged signature, or an expired one', async () => {
    const graph = await appToken(emulator.url, {scope: scopes.graph})
    const wrongAudience = await call(apis(devEnv.id), {token: graph})
    expect(wrongAudience.status).toBe(401)
    expect(wrongAudience.body.error.code).toBe('InvalidAuthenticationTokenAudience')

    const foreign = await appToken(emulator.url, {scope: scopes.powerApps, clientId: foreignApp.appId, secret: foreignApp.secret, tenant: foreignApp.tenantId})
    const wrongTenant = await call(apis(devEnv.id), {token: foreign})
    expect(wrongTenant.status).toBe(401)
    expect(wrongTenant.body.error.code).toBe('InvalidAuthenticationTokenTenant')

    const [h, p] = token.split('.')
    const forged = await call(apis(devEnv.id), {token: `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`})
    expect(forged.status).toBe(401)
    expect(forged.body.error.code).toBe('InvalidAuthenticationToken')

    const app = await appToken(emulator.url, {scope: scopes.powerApps})
    emulator.clock.advance(3601_000)
    try {
      const expired = await call(apis(devEnv.id), {token: app})
      expect(expired.status).toBe(401)
      expect(expired.body.error.code).toBe('ExpiredAuthenticationToken')
    } finally {
      emulator.clock.advance(-3601_000)
    }
  })

  it('accepts the Power Apps token on the Flow RP, as paconn relies on', async () => {
    expect((await call(`${emulator.url}/providers/Microsoft.ProcessSimple/environments?${v}`, {token})).status).toBe(200)
  })
})

describe('custom connectors on the Power Apps RP', () => {
  it('creates a connector with a minted name, hides the secret and gives a per-connector redirect URL', async () => {
    const created = await createConnector(devEnv.id, 'Contoso Items', {connectionParameters: oauthParameters()})
    expect(created.status).toBe(201)
    const name: string = created.body.name
    expect(name).toMatch(/^shared_contoso-20items-5f[0-9a-f]{16}-5f[0-9a-f]{16}$/)
    expect(created.body).toMatchObject({id: `/providers/Microsoft.PowerApps/apis/${name}`, type: 'Microsoft.PowerApps/apis'})
    expect(created.text).not.toContain('super-secret-value')
    const got = await call(api(name, devEnv.id), {token})
    expect(got.status).toBe(200)
    const oauth = got.body.properties.connectionParameters.token.oAuthSettings
    expect(oauth.redirectUrl).toBe(`https://global.consent.azure-apim.net/redirect/${name.slice('shared_'.length)}`)
    expect(oauth.clientSecret).toBeUndefined()
    expect(got.text).not.toContain('super-secret-value')
    expect(got.body.properties).toMatchObject({displayName: 'Contoso Items', isCustomApi: true, iconBrandColor: '#da3b01', environment: {name: devEnv.id}, createdBy: {id: oid, type: 'User'}})
    expect(got.body.properties.swagger.basePath).toBe(`/apim/${name.slice(7)}`)
    expect(got.body.properties.managedIdentity).toBeUndefined()
  })

  it('gives managed-identity connectors an issuer and subject that differ per environment and per creation', async () => {
    const dev = await createConnector(devEnv.id, 'MI Connector', {connectionParameters: oauthParameters(true)})
    const prod = await createConnector(prodEnv.id, 'MI Connector', {connectionParameters: oauthParameters(true)})
    expect(dev.status).toBe(201)
    const devMi = dev.body.properties.managedIdentity
    const prodMi = prod.body.properties.managedIdentity
    expect(devMi.issuer).toBe('https://login.microsoftonline.com/8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60/v2.0')
    expect(devMi.subject).toMatch(new RegExp(`^/eid1/c/pub/t/[A-Za-z0-9_-]{22}/a/[A-Za-z0-9_-]{22}/n/connector/e/${devEnv.id}/i/[A-Za-z0-9_-]{43}$`))
    expect(prodMi.subject).not.toBe(devMi.subject)
    const again = await call(api(dev.body.name, devEnv.id), {token})
    expect(again.body.properties.managedIdentity).toEqual(devMi)
    await call(api(dev.body.name, devEnv.id), {token, method: 'DELETE'})
    const recreated = await createConnector(devEnv.id, 'MI Connector', {connectionParameters: oauthParameters(true)})
    expect(recreated.body.properties.managedIdentity.subject).not.toBe(devMi.subject)
  })

  it('refuses bodies the real service refuses', async () => {
    const noFilter = await call(`${emulator.url}/providers/Microsoft.PowerApps/apis?${v}`, {token, method: 'POST', body: {properties: {openApiDefinition: swagger('X')}}})
    expect(noFilter.status).toBe(400)
    expect(noFilter.body.error.code).toBe('MissingEnvironmentFilter')
    const unknownEnv = await createConnector('00000000-0000-0000-0000-000000000000', 'X')
    expect(unknownEnv.status).toBe(404)
    expect(unknownEnv.body.error.code).toBe('EnvironmentNotFound')
    const member = await createConnector(devEnv.id, 'X', {bogus: 1})
    expect(member.status).toBe(400)
    expect(member.body.error.message).toContain("Could not find member 'bogus'")
    const oauthWithoutSecret = oauthParameters()
    delete (oauthWithoutSecret.token.oAuthSettings as {clientSecret?: string}).clientSecret
    const secret = await createConnector(devEnv.id, 'X', {connectionParameters: oauthWithoutSecret})
    expect(secret.status).toBe(400)
    expect(secret.body.error.message).toContain('client secret')
    const broken = await call(apis(devEnv.id), {token, method: 'POST', body: '{"properties": '})
    expect(broken.status).toBe(400)
    expect(broken.body.error.code).toBe('InvalidRequestContent')
    const notSwagger = await createConnector(devEnv.id, 'X', {openApiDefinition: {openapi: '3.0.0'}})
    expect(notSwagger.status).toBe(400)
    expect(notSwagger.body.error.code).toBe('InvalidApiDefinition')
  })

  it('lists custom and Microsoft APIs, narrows with IsCustomApi, and pages with nextLink', async () => {
    await createConnector(testEnv.id, 'Alpha')
    await createConnector(testEnv.id, 'Beta')
    await createConnector(testEnv.id, 'Gamma')
    const names: string[] = []
    let url: string | undefined = apis(testEnv.id, " and IsCustomApi eq 'True'")
    while (url) {
      const page = await call(url, {token})
      expect(page.status).toBe(200)
      expect(page.body.value.length).toBeLessThanOrEqual(2)
      names.push(...page.body.value.map((a: {properties: {displayName: string}}) => a.properties.displayName))
      url = page.body.nextLink
    }
    expect(names.sort()).toEqual(['Alpha', 'Beta', 'Gamma'])
    const all: Array<{properties: {isCustomApi: boolean}}> = []
    url = apis(testEnv.id)
    while (url) {
      const page = await call(url, {token})
      all.push(...page.body.value)
      url = page.body.nextLink
    }
    expect(all.filter((a) => !a.properties.isCustomApi).length).toBeGreaterThan(0)
    expect(all.filter((a) => a.properties.isCustomApi)).toHaveLength(3)
  })

  it('updates with PATCH, keeping the secret and fields not sent, and deletes', async () => {
    const created = await createConnector(devEnv.id, 'Patch Me', {connectionParameters: oauthParameters()})
    const name = created.body.name
    const params = oauthParameters()
    delete (params.token.oAuthSettings as {clientSecret?: string}).clientSecret
    const patched = await call(api(name, devEnv.id), {token, method: 'PATCH', body: {properties: {openApiDefinition: swagger('Patch Me', {basePath: '/v2'}), description: 'changed', connectionParameters: params, environment: {name: devEnv.id}}}})
    expect(patched.status).toBe(200)
    expect(patched.body.properties).toMatchObject({description: 'changed', displayName: 'Patch Me', iconBrandColor: '#da3b01'})
    const verify = await call(`${emulator.url}/_emulator/connectors/${devEnv.id}/${name}/verify-secret`, {method: 'POST', body: {secret: 'super-secret-value'}})
    expect(verify.body).toEqual({pointer: '/connectionParameters/token/oAuthSettings/clientSecret', matches: true})
    const deleted = await call(api(name, devEnv.id), {token, method: 'DELETE'})
    expect(deleted.status).toBe(200)
    const gone = await call(api(name, devEnv.id), {token})
    expect(gone.status).toBe(404)
    expect(gone.body.error.code).toBe('ApiNotFound')
  })

  it('lets the CI service principal create connectors too', async () => {
    const app = await appToken(emulator.url, {scope: scopes.powerApps})
    const created = await call(apis(prodEnv.id), {token: app, method: 'POST', body: {properties: {openApiDefinition: swagger('From CI'), environment: {name: prodEnv.id}}}})
    expect(created.status).toBe(201)
    expect(created.body.properties.createdBy).toMatchObject({type: 'ServicePrincipal', displayName: ciApp.displayName})
  })
})

describe('validateApiSwagger, generateResourceStorage and blobs', () => {
  it('returns a JSON string: empty when clean, findings with certification rules', async () => {
    const clean = await call(`${emulator.url}/providers/Microsoft.PowerApps/objectIds/${oid}/validateApiSwagger?${v}`, {token, method: 'POST', body: swagger('Clean')})
    expect(clean.status).toBe(200)
    expect(clean.body).toBe('')
    const noSummary = swagger('Cert')
    delete (noSummary.paths['/items'].get as {summary?: string}).summary
    const cert = await call(`${emulator.url}/providers/Microsoft.PowerApps/objectIds/${oid}/validateApiSwagger?${v}&enableConnectorCertificationRules=true`, {token, method: 'POST', body: noSummary})
    expect(cert.status).toBe(200)
    expect(typeof cert.body).toBe('string')
    expect(cert.body).toContain("Error: The 'summary' property is required. ValuePath: /paths/~1items/get")
    const otherUser = await call(`${emulator.url}/providers/Microsoft.PowerApps/objectIds/00000000-0000-0000-0000-000000000001/validateApiSwagger?${v}`, {token, method: 'POST', body: swagger('X')})
    expect(otherUser.status).toBe(403)
  })

  it('hands out a container SAS that accepts block blob uploads and serves them back', async () => {
    const storage = await call(`${emulator.url}/providers/Microsoft.PowerApps/objectIds/${oid}/generateResourceStorage?${v}`, {token, method: 'POST', body: {environment: {name: devEnv.id}}})
    expect(storage.status).toBe(200)
    const sas = new URL(storage.body.sharedAccessSignature)
    expect(sas.searchParams.get('sr')).toBe('c')
    const blob = new URL(sas)
    blob.pathname += '/icon.png'
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
    const noType = await fetch(blob, {method: 'PUT', body: png})
    expect(noType.status).toBe(400)
    expect(noType.headers.get('x-ms-error-code')).toBe('MissingRequiredHeader')
    const put = await fetch(blob, {method: 'PUT', body: png, headers: {'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2019-02-02', 'x-ms-blob-content-type': 'image/png'}})
    expect(put.status).toBe(201)
    expect(put.headers.get('etag')).toBeTruthy()
    const back = await fetch(blob)
    expect(Buffer.from(await back.arrayBuffer())).toEqual(png)
    expect(back.headers.get('content-type')).toBe('image/png')
    const tampered = new URL(blob)
    tampered.searchParams.set('sp', 'rwd')
    const denied = await fetch(tampered)
    expect(denied.status).toBe(403)
    expect(denied.headers.get('x-ms-error-code')).toBe('AuthenticationFailed')
    const created = await createConnector(devEnv.id, 'With Icon', {iconUri: blob.toString()})
    const icon = await fetch(created.body.properties.iconUri)
    expect(Buffer.from(await icon.arrayBuffer())).toEqual(png)
  })
})
