import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {appToken, call, ciApp, limitedApp, scopes, startTestEmulator, type TestEmulator, userToken} from '../helpers/emulator.js'
import {sampleConnectorApp} from '../../src/emulator/seed-identities.js'

let emulator: TestEmulator
let admin: string
let ci: string
let dana: string

beforeAll(async () => {
  emulator = await startTestEmulator({pageSize: 2})
  admin = (await userToken(emulator.url, scopes.graph)).accessToken
  ci = await appToken(emulator.url, {scope: scopes.graph})
})
afterAll(async () => emulator.dispose())

const graph = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${emulator.url}/v1.0${path}`, {token: admin, ...init})
const ficBase = `/applications/${sampleConnectorApp.objectId}/federatedIdentityCredentials`

function fic(name: string, subject: string, extra: Record<string, unknown> = {}) {
  return {name, issuer: 'https://login.microsoftonline.com/8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60/v2.0', subject, audiences: ['api://AzureADTokenExchange'], description: 'test', ...extra}
}

describe('Graph applications and service principals', () => {
  it('lists applications with paging and filters, and gets one by id and by appId', async () => {
    const first = await graph('/applications')
    expect(first.status).toBe(200)
    expect(first.body.value).toHaveLength(2)
    expect(first.body['@odata.nextLink']).toContain('/v1.0/applications?')
    const second = await call(first.body['@odata.nextLink'], {token: admin})
    expect(second.body.value).toHaveLength(1)
    const filtered = await graph(`/applications?$filter=${encodeURIComponent(`appId eq '${sampleConnectorApp.appId}'`)}&$select=id,displayName`)
    expect(filtered.body.value).toEqual([{id: sampleConnectorApp.objectId, displayName: sampleConnectorApp.displayName}])
    const byId = await graph(`/applications/${sampleConnectorApp.objectId}`)
    const byAppId = await graph(`/applications(appId='${sampleConnectorApp.appId}')`)
    expect(byId.body).toEqual(byAppId.body)
    expect(byId.body.web.redirectUris).toEqual(['https://global.consent.azure-apim.net/redirect'])
    const ciApplication = await graph(`/applications(appId='${ciApp.appId}')`)
    expect(ciApplication.body.passwordCredentials[0]).toMatchObject({hint: 'emu', secretText: null})
    expect(ciApplication.text).not.toContain(ciApp.secret)
    const missing = await graph('/applications/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    expect(missing.body.error).toMatchObject({code: 'Request_ResourceNotFound', innerError: {'request-id': expect.any(String)}})
  })

  it('replaces web.redirectUris with PATCH and validates them', async () => {
    const uris = ['https://global.consent.azure-apim.net/redirect', 'https://global.consent.azure-apim.net/redirect/new-5fconnector-5f0011223344556677']
    const patched = await graph(`/applications(appId='${sampleConnectorApp.appId}')`, {method: 'PATCH', body: {web: {redirectUris: uris}}})
    expect(patched.status).toBe(204)
    const got = await graph(`/applications/${sampleConnectorApp.objectId}?$select=web`)
    expect(got.body.web.redirectUris).toEqual(uris)
    expect(got.body.web.implicitGrantSettings).toEqual({enableAccessTokenIssuance: false, enableIdTokenIssuance: false})
    const bad = await graph(`/applications/${sampleConnectorApp.objectId}`, {method: 'PATCH', body: {web: {redirectUris: ['http://example.com/callback']}}})
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain("Invalid value specified for property 'redirectUris'")
    const readOnly = await graph(`/applications/${sampleConnectorApp.objectId}`, {method: 'PATCH', body: {appId: 'x'}})
    expect(readOnly.status).toBe(400)
  })

  it('creates applications, adds passwords that are shown once, and service principals', async () => {
    const created = await graph('/applications', {method: 'POST', body: {displayName: 'Created by test', web: {redirectUris: ['https://localhost/cb']}}})
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({displayName: 'Created by test', appId: expect.stringMatching(/^[0-9a-f-]{36}$/), publisherDomain: 'contoso.onmicrosoft.com'})
    const password = await graph(`/applications/${created.body.id}/addPassword`, {method: 'POST', body: {passwordCredential: {displayName: 'ci'}}})
    expect(password.status).toBe(200)
    expect(password.body.secretText).toMatch(/^.{3}8Q~/)
    const token = await appToken(emulator.url, {scope: scopes.graph, clientId: created.body.appId, secret: password.body.secretText})
    expect(token).toBeTypeOf('string')
    const again = await graph(`/applications/${created.body.id}`)
    expect(again.text).not.toContain(password.body.secretText)
    const sp = await graph('/servicePrincipals', {method: 'POST', body: {appId: created.body.appId}})
    expect(sp.status).toBe(201)
    expect((await graph(`/servicePrincipals(appId='${created.body.appId}')`)).body.id).toBe(sp.body.id)
    expect((await graph('/servicePrincipals', {method: 'POST', body: {appId: created.body.appId}})).status).toBe(409)
  })

  it('lists service principals and tells who is signed in', async () => {
    const sps = await graph(`/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'Microsoft Graph'")}`)
    expect(sps.body.value).toEqual([expect.objectContaining({appId: '00000003-0000-0000-c000-000000000000', servicePrincipalType: 'Application'})])
    expect((await graph(`/servicePrincipals(appId='${ciApp.appId}')`)).body.displayName).toBe(ciApp.displayName)
    expect((await graph('/me')).body).toMatchObject({userPrincipalName: 'avery@contoso.onmicrosoft.com', displayName: 'Avery Admin'})
    expect((await graph('/me', {token: ci})).status).toBe(400)
    expect((await graph('/organization')).body.value[0]).toMatchObject({id: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60', verifiedDomains: [expect.objectContaining({name: 'contoso.onmicrosoft.com'})]})
  })

  it('finds a resource by identifier URI with any() and shows the delegated scopes it exposes', async () => {
    const filter = encodeURIComponent("servicePrincipalNames/any(n:n eq 'https://management.core.windows.net/')")
    const asm = await graph(`/servicePrincipals?$filter=${filter}&$select=appId,displayName,oauth2PermissionScopes`)
    expect(asm.status).toBe(200)
    expect(asm.body.value).toEqual([
      {
        appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
        displayName: 'Windows Azure Service Management API',
        oauth2PermissionScopes: [expect.objectContaining({id: '41094075-9dad-400e-a0bd-54e686782033', value: 'user_impersonation', type: 'User', isEnabled: true})],
      },
    ])
    const graphScopes = (await graph(`/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')`)).body.oauth2PermissionScopes
    expect(graphScopes.find((s: {value: string}) => s.value === 'User.Read').id).toBe('e1fe6dd8-ba31-4d61-89e7-88639da4683d')
    // all(), any() without a condition, and a lambda over objects.
    expect((await graph(`/servicePrincipals?$filter=${encodeURIComponent("servicePrincipalNames/any(n:startswith(n, 'https://service.powerapps'))")}`)).body.value.map((sp: {appId: string}) => sp.appId)).toEqual(['475226c6-020e-4fb2-8a90-7a972cbfc1d4'])
    const withScopes = await graph(`/servicePrincipals?$filter=${encodeURIComponent("oauth2PermissionScopes/any(s:s/value eq 'user_impersonation')")}&$select=appId`)
    expect(withScopes.body.value.map((sp: {appId: string}) => sp.appId).sort()).toEqual(['797f4846-ba00-4fd7-ba43-dac1f8f63013', '8578e004-a5c6-46e7-913e-12f58912df43'])
    expect((await graph(`/servicePrincipals?$filter=${encodeURIComponent("oauth2PermissionScopes/any() and displayName eq 'Microsoft Graph'")}&$select=appId`)).body.value).toHaveLength(1)
    expect((await graph(`/servicePrincipals?$filter=${encodeURIComponent(`not oauth2PermissionScopes/any() and appId eq '${ciApp.appId}'`)}&$select=appId`)).body.value).toHaveLength(1)
    expect((await graph(`/servicePrincipals?$filter=${encodeURIComponent("servicePrincipalNames/all(n:n ne 'x') and displayName eq 'Microsoft Graph'")}`)).body.value).toHaveLength(1)
    expect((await graph(`/servicePrincipals?$filter=${encodeURIComponent('servicePrincipalNames/any(n n)')}`)).status).toBe(400)
  })

  it('answers 401 with InvalidAuthenticationToken and 403 for callers without permission', async () => {
    const none = await call(`${emulator.url}/v1.0/applications`)
    expect(none.status).toBe(401)
    expect(none.body.error).toMatchObject({code: 'InvalidAuthenticationToken', message: 'Access token is empty.'})
    const powerApps = await appToken(emulator.url, {scope: scopes.powerApps})
    expect((await call(`${emulator.url}/v1.0/applications`, {token: powerApps})).body.error.message).toContain('Invalid audience')
    const limited = await appToken(emulator.url, {scope: scopes.graph, clientId: limitedApp.appId, secret: limitedApp.secret})
    const denied = await call(`${emulator.url}/v1.0/applications`, {token: limited})
    expect(denied.status).toBe(403)
    expect(denied.body.error).toMatchObject({code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.'})
    // Dana has no directory role and does not own the sample app: she may read it but not change it.
    const {accessToken} = await (async () => {
      const code = await call(`${emulator.url}/organizations/oauth2/v2.0/devicecode`, {method: 'POST', body: `client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&scope=${encodeURIComponent(scopes.graph)}`, headers: {'content-type': 'application/x-www-form-urlencoded'}})
      await call(`${emulator.url}/_emulator/devicecodes/approve`, {method: 'POST', body: {userCode: code.body.user_code, user: 'dana@contoso.onmicrosoft.com'}})
      const token = await call(`${emulator.url}/organizations/oauth2/v2.0/token`, {method: 'POST', body: `grant_type=device_code&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&device_code=${code.body.device_code}`, headers: {'content-type': 'application/x-www-form-urlencoded'}})
      return {accessToken: token.body.access_token as string}
    })()
    dana = accessToken
    expect((await call(`${emulator.url}/v1.0/applications/${sampleConnectorApp.objectId}`, {token: dana})).status).toBe(200)
    expect((await call(`${emulator.url}/v1.0${ficBase}`, {token: dana, method: 'POST', body: fic('dana-try', 'x')})).status).toBe(403)
    const own = await call(`${emulator.url}/v1.0/applications`, {token: dana, method: 'POST', body: {displayName: 'Dana app'}})
    expect(own.status).toBe(201)
    expect((await call(`${emulator.url}/v1.0/applications/${own.body.id}`, {token: dana, method: 'PATCH', body: {notes: 'mine'}})).status).toBe(204)
  })
})

describe('federated identity credentials', () => {
  it('creates, lists, gets by id and name, updates and deletes', async () => {
    const created = await graph(ficBase, {token: ci, method: 'POST', body: fic('contoso-dev', '/eid1/c/pub/t/abc/a/def/n/connector/e/dev/i/1')})
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({name: 'contoso-dev', audiences: ['api://AzureADTokenExchange'], id: expect.stringMatching(/^[0-9a-f-]{36}$/)})
    const byName = await graph(`${ficBase}/contoso-dev`)
    const byId = await graph(`${ficBase}/${created.body.id}`)
    const byKey = await graph(`/applications(appId='${sampleConnectorApp.appId}')/federatedIdentityCredentials(name='contoso-dev')`)
    expect(byName.body.id).toBe(created.body.id)
    expect(byId.body.id).toBe(created.body.id)
    expect(byKey.body.id).toBe(created.body.id)
    const listed = await graph(`${ficBase}?$filter=${encodeURIComponent("subject eq '/eid1/c/pub/t/abc/a/def/n/connector/e/dev/i/1'")}`)
    expect(listed.body.value.map((f: {name: string}) => f.name)).toEqual(['contoso-dev'])
    expect((await graph(`${ficBase}/contoso-dev`, {method: 'PATCH', body: {description: 'changed'}})).status).toBe(204)
    expect((await graph(`${ficBase}/contoso-dev`)).body.description).toBe('changed')
    expect((await graph(`${ficBase}/contoso-dev`, {method: 'DELETE'})).status).toBe(204)
    expect((await graph(`${ficBase}/contoso-dev`)).status).toBe(404)
  })

  it('upserts with PATCH (name=…) and Prefer: create-if-missing: 201 then 204; without the header a missing one is 404', async () => {
    const path = `/applications(appId='${sampleConnectorApp.appId}')/federatedIdentityCredentials(name='upserted-fic')`
    const plain = await graph(path, {method: 'PATCH', body: fic('upserted-fic', 'subject-u')})
    expect(plain.status).toBe(404)
    const created = await graph(path, {method: 'PATCH', body: fic('upserted-fic', 'subject-u'), headers: {prefer: 'create-if-missing'}})
    expect(created.status).toBe(201)
    expect(created.body.name).toBe('upserted-fic')
    const updated = await graph(path, {method: 'PATCH', body: {subject: 'subject-u2', issuer: fic('x', 'y').issuer, audiences: ['api://AzureADTokenExchange']}, headers: {prefer: 'create-if-missing'}})
    expect(updated.status).toBe(204)
    expect((await graph(path)).body.subject).toBe('subject-u2')
    const rename = await graph(path, {method: 'PATCH', body: {name: 'other-name'}})
    expect(rename.status).toBe(400)
    expect(rename.body.error.message).toContain("'name' is read-only")
  })

  it('enforces the documented rules with the real error bodies', async () => {
    await graph(ficBase, {method: 'POST', body: fic('rules-base', 'subject-r')})
    const sameName = await graph(ficBase, {method: 'POST', body: fic('rules-base', 'subject-other')})
    expect(sameName.status).toBe(409)
    expect(sameName.body.error).toMatchObject({code: 'Request_MultipleObjectsWithSameKeyValue', message: 'FederatedIdentityCredential with name rules-base already exists.'})
    const samePair = await graph(ficBase, {method: 'POST', body: fic('rules-other', 'subject-r')})
    expect(samePair.status).toBe(400)
    expect(samePair.body.error.code).toBe('InvalidFederatedIdentityCredentialValue')
    for (const name of ['ab', '-starts-with-dash', 'has space', 'x'.repeat(121)]) {
      const invalid = await graph(ficBase, {method: 'POST', body: fic(name, `s-${name.length}-${name.slice(0, 3)}`)})
      expect(invalid.status, name).toBe(400)
      expect(invalid.body.error.message).toContain('is invalid')
    }
    const twoAudiences = await graph(ficBase, {method: 'POST', body: fic('two-aud', 's2', {audiences: ['a', 'b']})})
    expect(twoAudiences.body.error.message).toBe('FederatedIdentityCredential must have exactly one audience.')
    const longSubject = await graph(ficBase, {method: 'POST', body: fic('long-subject', 's'.repeat(601))})
    expect(longSubject.status).toBe(400)
  })

  it('allows at most 20 per application', async () => {
    const app = await graph('/applications', {method: 'POST', body: {displayName: 'Twenty'}})
    const base = `/applications/${app.body.id}/federatedIdentityCredentials`
    for (let i = 0; i < 20; i++) expect((await graph(base, {method: 'POST', body: fic(`fic-${i}`, `subject-${i}`)})).status).toBe(201)
    const over = await graph(base, {method: 'POST', body: fic('fic-20', 'subject-20')})
    expect(over.status).toBe(400)
    expect(over.body.error.code).toBe('Directory_QuotaExceeded')
    const listed: string[] = []
    let url: string | undefined = `${emulator.url}/v1.0${base}`
    while (url) {
      const page = await call(url, {token: admin})
      listed.push(...page.body.value.map((f: {name: string}) => f.name))
      url = page.body['@odata.nextLink']
    }
    expect(listed).toHaveLength(20)
  })
})
