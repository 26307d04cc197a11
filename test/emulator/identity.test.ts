import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {call, ciApp, claimsOf, scopes, startTestEmulator, tenant, type TestEmulator} from '../helpers/emulator.js'

/** Entra ID endpoints at the HTTP level: shapes, grants and the AADSTS errors clients branch on. */

let emulator: TestEmulator
beforeAll(async () => {
  emulator = await startTestEmulator({deviceCodeApprovalDelayMs: null})
})
afterAll(async () => emulator.dispose())

const azureCli = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
const form = (url: string, body: Record<string, string>) => call(url, {method: 'POST', body: new URLSearchParams(body).toString(), headers: {'content-type': 'application/x-www-form-urlencoded'}})
const token = (body: Record<string, string>, segment: string = tenant.id) => form(`${emulator.url}/${segment}/oauth2/v2.0/token`, body)
const secretGrant = (scope: string, extra: Record<string, string> = {}) => token({grant_type: 'client_credentials', client_id: ciApp.appId, client_secret: ciApp.secret!, scope, ...extra})

function aadsts(response: {status: number; body: any}, status: number, error: string, code: number) {
  expect(response.status).toBe(status)
  expect(response.body).toMatchObject({error, error_codes: [code], trace_id: expect.any(String), correlation_id: expect.any(String)})
  expect(response.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `))
}

describe('OpenID metadata and keys', () => {
  it('serves v2 metadata per tenant and with the {tenantid} issuer for organizations', async () => {
    const byDomain = await call(`${emulator.url}/${tenant.domain}/v2.0/.well-known/openid-configuration`)
    expect(byDomain.body).toMatchObject({issuer: `${emulator.url}/${tenant.id}/v2.0`, device_authorization_endpoint: `${emulator.url}/${tenant.domain}/oauth2/v2.0/devicecode`})
    const organizations = await call(`${emulator.url}/organizations/v2.0/.well-known/openid-configuration`)
    expect(organizations.body.issuer).toBe(`${emulator.url}/{tenantid}/v2.0`)
    const keys = await call(`${emulator.url}/${tenant.id}/discovery/v2.0/keys`)
    expect(keys.body.keys[0]).toMatchObject({kty: 'RSA', use: 'sig', kid: expect.any(String), n: expect.any(String), e: 'AQAB'})
    const unknown = await call(`${emulator.url}/nowhere.example/v2.0/.well-known/openid-configuration`)
    aadsts(unknown, 400, 'invalid_request', 90002)
  })
})

describe('client credentials', () => {
  it('issues app tokens on v2 (scope) and v1 (resource), with client_secret in the form or HTTP Basic', async () => {
    const v2 = await secretGrant(scopes.flow)
    expect(v2.status).toBe(200)
    expect(v2.body).toMatchObject({token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String)})
    expect(v2.headers.get('cache-control')).toContain('no-store')
    expect(claimsOf(v2.body.access_token)).toMatchObject({aud: 'https://service.flow.microsoft.com/', ver: '2.0', idtyp: 'app'})
    const v1 = await form(`${emulator.url}/${tenant.id}/oauth2/token`, {grant_type: 'client_credentials', client_id: ciApp.appId, client_secret: ciApp.secret!, resource: 'https://service.powerapps.com/'})
    expect(v1.body).toMatchObject({token_type: 'Bearer', expires_in: '3600', resource: 'https://service.powerapps.com/'})
    expect(claimsOf(v1.body.access_token)).toMatchObject({ver: '1.0', iss: `${emulator.url}/${tenant.id}/`})
    const basic = await call(`${emulator.url}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({grant_type: 'client_credentials', scope: scopes.graph}).toString(),
      headers: {'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${ciApp.appId}:${ciApp.secret}`).toString('base64')}`},
    })
    expect(basic.status).toBe(200)
  })

  it('gives the AADSTS errors for unknown apps, resources, scopes and grants', async () => {
    aadsts(await token({grant_type: 'client_credentials', client_id: '00000000-0000-4000-8000-000000000001', client_secret: 'x', scope: scopes.graph}), 400, 'unauthorized_client', 700016)
    aadsts(await secretGrant('https://nowhere.example/.default'), 400, 'invalid_resource', 500011)
    aadsts(await secretGrant('https://graph.microsoft.com/User.Read'), 400, 'invalid_scope', 1002012)
    aadsts(await token({grant_type: 'client_credentials', client_id: ciApp.appId, scope: scopes.graph}), 401, 'invalid_client', 7000218)
    aadsts(await token({grant_type: 'password', client_id: ciApp.appId, scope: scopes.graph}), 400, 'unsupported_grant_type', 70003)
    aadsts(await token({grant_type: 'client_credentials', client_id: ciApp.appId, client_secret: ciApp.secret!, scope: scopes.graph}, 'fabrikam.onmicrosoft.com'), 400, 'unauthorized_client', 700016)
  })
})

describe('device code and refresh tokens', () => {
  const start = (scope = `${scopes.powerApps} openid profile offline_access`, clientId = azureCli) => form(`${emulator.url}/organizations/oauth2/v2.0/devicecode`, {client_id: clientId, scope})
  const poll = (deviceCode: string, clientId = azureCli) => token({grant_type: 'device_code', client_id: clientId, device_code: deviceCode}, 'organizations')

  it('is pending until approved, then returns access, refresh and id tokens and client_info; a code is redeemed once', async () => {
    const code = await start()
    expect(code.body).toMatchObject({user_code: expect.stringMatching(/^[A-Z2-9]{9}$/), device_code: expect.any(String), verification_uri: `${emulator.url}/devicelogin`, expires_in: 900, interval: 1})
    aadsts(await poll(code.body.device_code), 400, 'authorization_pending', 70016)
    const page = await call(`${emulator.url}/devicelogin`)
    expect(page.headers.get('content-type')).toContain('text/html')
    const approve = await form(`${emulator.url}/devicelogin`, {code: code.body.user_code, user: 'avery@contoso.onmicrosoft.com'})
    expect(approve.text).toContain('Signed in as Avery Admin')
    const tokens = await poll(code.body.device_code)
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({token_type: 'Bearer', scope: `${scopes.powerApps} openid profile offline_access`, refresh_token: expect.any(String), id_token: expect.any(String), client_info: expect.any(String)})
    expect(JSON.parse(Buffer.from(tokens.body.client_info, 'base64url').toString())).toEqual({uid: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', utid: tenant.id})
    expect(claimsOf(tokens.body.id_token)).toMatchObject({aud: azureCli, oid: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', preferred_username: 'avery@contoso.onmicrosoft.com', tid: tenant.id})
    aadsts(await poll(code.body.device_code), 400, 'invalid_grant', 54005)

    const refreshed = await token({grant_type: 'refresh_token', client_id: azureCli, refresh_token: tokens.body.refresh_token, scope: `${scopes.graph} offline_access`}, 'organizations')
    expect(refreshed.status).toBe(200)
    expect(claimsOf(refreshed.body.access_token)).toMatchObject({aud: 'https://graph.microsoft.com', scp: 'Application.ReadWrite.All User.Read', upn: 'avery@contoso.onmicrosoft.com'})
    aadsts(await token({grant_type: 'refresh_token', client_id: ciApp.appId, refresh_token: tokens.body.refresh_token, scope: scopes.graph}, 'organizations'), 400, 'invalid_grant', 70000)
    aadsts(await token({grant_type: 'refresh_token', client_id: azureCli, refresh_token: 'made-up', scope: scopes.graph}, 'organizations'), 400, 'invalid_grant', 9002313)
  })

  it('declines, expires, and refuses clients that are not public', async () => {
    const declined = await start()
    await call(`${emulator.url}/_emulator/devicecodes/approve`, {method: 'POST', body: {userCode: declined.body.user_code, deny: true}})
    aadsts(await poll(declined.body.device_code), 400, 'authorization_declined', 70000)
    const late = await start()
    emulator.clock.advance(901_000)
    try {
      aadsts(await poll(late.body.device_code), 400, 'expired_token', 70019)
    } finally {
      emulator.clock.advance(-901_000)
    }
    aadsts(await start(scopes.graph, ciApp.appId), 401, 'invalid_client', 7000218)
    aadsts(await start(`${scopes.graph} ${scopes.powerApps}`), 400, 'invalid_scope', 28000)
  })

  it('speaks paconn\'s v1 device-code dialect: strings for numbers, verification_url, code=', async () => {
    const code = await form(`${emulator.url}/common/oauth2/devicecode?api-version=1.0`, {client_id: azureCli, resource: 'https://service.powerapps.com/'})
    expect(code.body).toMatchObject({verification_url: `${emulator.url}/devicelogin`, expires_in: '900', interval: '1'})
    expect(code.body.message).toBe(`To sign in, use a web browser to open the page ${emulator.url}/devicelogin and enter the code ${code.body.user_code} to authenticate.`)
    const pending = await form(`${emulator.url}/common/oauth2/token`, {grant_type: 'device_code', client_id: azureCli, resource: 'https://service.powerapps.com/', code: code.body.device_code})
    aadsts(pending, 400, 'authorization_pending', 70016)
  })
})
