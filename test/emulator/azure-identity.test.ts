import {ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential} from '@azure/identity'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {approveDeviceCode} from '../../src/emulator/index.js'
import {
  authorityHostOf,
  call,
  ciApp,
  claimsOf,
  devEnv,
  identityHttpClient,
  scopes,
  startTestEmulator,
  tenant,
  type BridgedRequest,
  type TestEmulator,
} from '../helpers/emulator.js'

/**
 * @azure/identity 4.13.1's real token flows (MSAL inside) against the emulator, through the test-only
 * httpClient of the shared contract. Tokens are then used on the emulated APIs.
 */

let emulator: TestEmulator
beforeAll(async () => {
  emulator = await startTestEmulator({tokenLifetimeSeconds: 120})
})
afterAll(async () => emulator.dispose())

async function options(log: BridgedRequest[] = []) {
  return {authorityHost: authorityHostOf(emulator.url), disableInstanceDiscovery: true, httpClient: await identityHttpClient(emulator.url, log)}
}

const pathOf = (r: BridgedRequest) => new URL(r.url).pathname
const grantsOf = (log: BridgedRequest[]) => log.filter((r) => pathOf(r).endsWith('/token')).map((r) => new URLSearchParams(r.body).get('grant_type'))

describe('@azure/identity against the emulator', () => {
  it('ClientSecretCredential gets an app token the Power Apps RP accepts', async () => {
    const credential = new ClientSecretCredential(tenant.id, ciApp.appId, ciApp.secret!, await options())
    const token = await credential.getToken(scopes.powerApps)
    const claims = claimsOf(token.token)
    expect(claims).toMatchObject({aud: 'https://service.powerapps.com/', tid: tenant.id, appid: ciApp.appId, idtyp: 'app', iss: `${authorityHostOf(emulator.url)}/${tenant.id}/v2.0`})
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now())
    const envs = await call(`${emulator.url}/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01`, {token: token.token})
    expect(envs.status).toBe(200)
  })

  it('ClientSecretCredential with a wrong secret fails with the AADSTS error', async () => {
    const credential = new ClientSecretCredential(tenant.id, ciApp.appId, 'wrong', await options())
    await expect(credential.getToken(scopes.graph)).rejects.toThrow(/AADSTS7000215/)
  })

  it('ClientCertificateCredential signs a client assertion with the seeded CI certificate (PEM file)', async () => {
    const log: BridgedRequest[] = []
    const credential = new ClientCertificateCredential(tenant.id, ciApp.appId, join(emulator.dataDir, 'ci-certificate.pem'), await options(log))
    const token = await credential.getToken(scopes.graph)
    expect(claimsOf(token.token)).toMatchObject({aud: 'https://graph.microsoft.com', roles: ['Application.ReadWrite.All'], appid: ciApp.appId})
    const form = new URLSearchParams(log.find((r) => pathOf(r).endsWith('/token'))!.body)
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    expect(form.get('client_secret')).toBeNull()
  })

  it('DeviceCodeCredential signs in a user (auto-approved), returns an id token account, then refreshes silently', async () => {
    const log: BridgedRequest[] = []
    const prompts: string[] = []
    const credential = new DeviceCodeCredential({
      tenantId: tenant.id,
      clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      userPromptCallback: (info) => {
        prompts.push(info.message)
      },
      ...(await options(log)),
    })
    const record = await credential.authenticate(scopes.powerApps)
    expect(record).toMatchObject({username: 'avery@contoso.onmicrosoft.com', tenantId: tenant.id, clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46'})
    expect(prompts[0]).toContain(`${authorityHostOf(emulator.url)}/devicelogin`)
    const first = await credential.getToken(scopes.powerApps)
    expect(claimsOf(first.token)).toMatchObject({idtyp: 'user', upn: 'avery@contoso.onmicrosoft.com', scp: 'User'})
    // Another resource with the same sign-in: MSAL redeems the refresh token, no new device code.
    const dataverse = await credential.getToken(scopes.dataverse(emulator.url, devEnv.id))
    expect(claimsOf(dataverse.token).aud).toBe(`${emulator.url}/dataverse/${devEnv.id}`)
    // The 120 s tokens are inside MSAL's 5-minute refresh window, so asking again refreshes too.
    await credential.getToken(scopes.powerApps)
    expect(grantsOf(log).filter((g) => g === 'refresh_token').length).toBeGreaterThanOrEqual(2)
    expect(log.filter((r) => pathOf(r).endsWith('/devicecode'))).toHaveLength(1)
  })

  it('DeviceCodeCredential waits until the code is approved with approveDeviceCode (as `cc emulator approve`)', async () => {
    const manual = await startTestEmulator({deviceCodeApprovalDelayMs: null})
    try {
      const credential = new DeviceCodeCredential({
        tenantId: tenant.id,
        clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
        userPromptCallback: (info) => {
          setTimeout(() => void approveDeviceCode({dataDir: manual.dataDir, userCode: info.userCode, user: 'dana@contoso.onmicrosoft.com'}), 200)
        },
        authorityHost: authorityHostOf(manual.url),
        disableInstanceDiscovery: true,
        httpClient: await identityHttpClient(manual.url),
      })
      const token = await credential.getToken(scopes.graph)
      expect(claimsOf(token.token)).toMatchObject({upn: 'dana@contoso.onmicrosoft.com', aud: 'https://graph.microsoft.com'})
    } finally {
      await manual.dispose()
    }
  })
})

describe('federated credentials with ClientAssertionCredential', () => {
  it('exchanges another issuer\'s token (OIDC discovery + JWKS on loopback) for a matching federated credential', async () => {
    const {ClientAssertionCredential} = await import('@azure/identity')
    const {generateKeyPairSync, createSign} = await import('node:crypto')
    const {createServer} = await import('node:http')
    const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({issuer, jwks_uri: `${issuer}/keys`}))
      else if (req.url === '/keys') res.end(JSON.stringify({keys: [{...publicKey.export({format: 'jwk'}), kid: 'test-key', use: 'sig', alg: 'RS256'}]}))
      else res.writeHead(404).end('{}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const issuer = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`
    const sign = (claims: Record<string, unknown>) => {
      const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
      const input = `${encode({alg: 'RS256', typ: 'JWT', kid: 'test-key'})}.${encode(claims)}`
      return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`
    }
    try {
      const subject = 'repo:contoso/connectors:ref:refs/heads/main'
      const graphToken = (await new ClientSecretCredential(tenant.id, ciApp.appId, ciApp.secret!, await options()).getToken(scopes.graph)).token
      const created = await call(`${emulator.url}/v1.0/applications(appId='${ciApp.appId}')/federatedIdentityCredentials`, {
        token: graphToken,
        method: 'POST',
        body: {name: 'github-main', issuer, subject, audiences: ['api://AzureADTokenExchange']},
      })
      expect(created.status).toBe(201)
      const assertion = (sub: string) => async () => {
        const now = Math.floor(Date.now() / 1000)
        return sign({iss: issuer, sub, aud: 'api://AzureADTokenExchange', iat: now, nbf: now, exp: now + 300})
      }
      const credential = new ClientAssertionCredential(tenant.id, ciApp.appId, assertion(subject), await options())
      const token = await credential.getToken(scopes.powerApps)
      expect(claimsOf(token.token)).toMatchObject({appid: ciApp.appId, aud: 'https://service.powerapps.com/'})
      const wrong = new ClientAssertionCredential(tenant.id, ciApp.appId, assertion('repo:contoso/connectors:ref:refs/heads/other'), await options())
      await expect(wrong.getToken(scopes.powerApps)).rejects.toThrow(/AADSTS700213/)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('accepts a connector managed-identity token on the client app once cc added the federated credential', async () => {
    const {ClientAssertionCredential} = await import('@azure/identity')
    const {sampleConnectorApp} = await import('../../src/emulator/seed-identities.js')
    const powerApps = (await new ClientSecretCredential(tenant.id, ciApp.appId, ciApp.secret!, await options()).getToken(scopes.powerApps)).token
    const created = await call(`${emulator.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${devEnv.id}'`, {
      token: powerApps,
      method: 'POST',
      body: {
        properties: {
          environment: {name: devEnv.id},
          openApiDefinition: {swagger: '2.0', info: {title: 'ARM via MI', version: '1'}, host: 'management.azure.com', paths: {}},
          connectionParameters: {token: {type: 'oauthSetting', oAuthSettings: {identityProvider: 'aad', clientId: sampleConnectorApp.appId, properties: {UseManagedIdentity: 'True'}}}},
        },
      },
    })
    const mi = created.body.properties.managedIdentity
    const runtime = await call(`${emulator.url}/_emulator/connectors/${devEnv.id}/${created.body.name}/managed-identity-token`, {method: 'POST'})
    const bridged = async () => new ClientAssertionCredential(tenant.id, sampleConnectorApp.appId, async () => runtime.body.token, await options())
    await expect((await bridged()).getToken('https://management.azure.com//.default')).rejects.toThrow(/AADSTS700211/)
    const graphToken = (await new ClientSecretCredential(tenant.id, ciApp.appId, ciApp.secret!, await options()).getToken(scopes.graph)).token
    const fic = await call(`${emulator.url}/v1.0/applications(appId='${sampleConnectorApp.appId}')/federatedIdentityCredentials(name='arm-via-mi-dev')`, {
      token: graphToken,
      method: 'PATCH',
      headers: {prefer: 'create-if-missing'},
      body: {issuer: mi.issuer, subject: mi.subject, audiences: ['api://AzureADTokenExchange']},
    })
    expect(fic.status).toBe(201)
    const token = await (await bridged()).getToken('https://management.azure.com//.default')
    expect(claimsOf(token.token)).toMatchObject({appid: sampleConnectorApp.appId, aud: 'https://management.azure.com/'})
  })
})
