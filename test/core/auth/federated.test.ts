import {createSign, generateKeyPairSync} from 'node:crypto'
import {chmodSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {decodeClaims} from '../../../src/core/auth/claims.js'
import {login} from '../../../src/core/auth/login.js'
import {emulatorCiPrincipal} from '../../../src/core/auth/methods.js'
import {whoami} from '../../../src/core/auth/whoami.js'
import {defaultScope} from '../../../src/core/environments/clouds.js'
import {withSession} from '../../../src/core/environments/session.js'
import {startTestEmulator, testContext} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'

/**
 * Federated sign-in for CI, for real: a small OpenID issuer on loopback (as GitHub Actions or Azure Pipelines
 * would be), a federated identity credential for it on the emulator's CI app (written through Graph with cc's
 * Graph client), and tokens exchanged at the emulator's token endpoint, which fetches the issuer's keys.
 */

const servers: Server[] = []
afterEach(async () => {
  while (servers.length > 0) await new Promise((done) => servers.pop()!.close(() => done(undefined)))
})

interface Issuer {
  url: string
  sign(claims: Record<string, unknown>): string
  /** Audiences the GitHub-style token endpoint was asked for. */
  requested: string[]
}

async function startIssuer(): Promise<Issuer> {
  const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  const jwk = {...publicKey.export({format: 'jwk'}), kid: 'ci-key-1', alg: 'RS256', use: 'sig'}
  const requested: string[] = []
  let url = ''
  const sign = (claims: Record<string, unknown>) => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const input = `${part({alg: 'RS256', typ: 'JWT', kid: 'ci-key-1'})}.${part(claims)}`
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x')
    res.setHeader('content-type', 'application/json')
    if (path.pathname === '/.well-known/openid-configuration') return res.end(JSON.stringify({issuer: url, jwks_uri: `${url}/keys`}))
    if (path.pathname === '/keys') return res.end(JSON.stringify({keys: [jwk]}))
    if (path.pathname === '/github-token' && req.headers.authorization === 'Bearer actions-request-token') {
      const audience = path.searchParams.get('audience') ?? ''
      requested.push(audience)
      const now = Math.floor(Date.now() / 1000)
      return res.end(JSON.stringify({value: sign({iss: url, sub: 'repo:contoso/connectors:environment:prod', aud: audience, iat: now, nbf: now, exp: now + 300})}))
    }
    // Azure Pipelines: POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=… with the job's access token.
    if (path.pathname === '/pipelines-oidc' && req.method === 'POST' && req.headers.authorization === 'Bearer pipeline-access-token') {
      requested.push(`service connection ${path.searchParams.get('serviceConnectionId')}`)
      const now = Math.floor(Date.now() / 1000)
      return res.end(JSON.stringify({oidcToken: sign({iss: url, sub: 'sc://contoso/connectors/prod-connection', aud: 'api://AzureADTokenExchange', iat: now, nbf: now, exp: now + 300})}))
    }
    res.statusCode = 404
    res.end('{}')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  servers.push(server)
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {url, sign, requested}
}

async function trustIssuer(emulatorUrl: string, issuer: string, subject: string): Promise<void> {
  const ctx = testContext({emulatorUrl})
  const outcome = await withSession({env: 'local'}, ctx, (s) => s.graph.upsertFederatedCredential(emulatorCiPrincipal.clientId, {name: 'github-prod', issuer, subject, audiences: ['api://AzureADTokenExchange']}))
  expect(outcome).toBe('created')
}

describe('federated and borrowed sign-in against the emulator', () => {
  it('signs in with a federated token file (workload identity)', async () => {
    const emulator = await startTestEmulator()
    const issuer = await startIssuer()
    await trustIssuer(emulator.url, issuer.url, 'system:serviceaccount:ci:cc')
    const now = Math.floor(Date.now() / 1000)
    const file = join(tempDir(), 'token')
    writeFileSync(file, issuer.sign({iss: issuer.url, sub: 'system:serviceaccount:ci:cc', aud: 'api://AzureADTokenExchange', iat: now, nbf: now, exp: now + 600}))
    const ctx = testContext({emulatorUrl: emulator.url})
    const result = await login({env: 'local', method: 'workload-identity', clientId: emulatorCiPrincipal.clientId, tenant: emulatorCiPrincipal.tenantId, federatedTokenFile: file}, ctx)
    expect(result).toMatchObject({kind: 'app', method: 'workload-identity', clientId: emulatorCiPrincipal.clientId})
    const who = await whoami({env: 'local'}, ctx)
    expect(who).toMatchObject({origin: 'profile', method: 'workload-identity'})
  })

  it('signs in with GitHub Actions OIDC from the environment, without cc login and without a secret', async () => {
    const emulator = await startTestEmulator()
    const issuer = await startIssuer()
    await trustIssuer(emulator.url, issuer.url, 'repo:contoso/connectors:environment:prod')
    const ctx = testContext({
      emulatorUrl: emulator.url,
      env: {
        AZURE_CLIENT_ID: emulatorCiPrincipal.clientId,
        AZURE_TENANT_ID: emulatorCiPrincipal.tenantId,
        ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer.url}/github-token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'actions-request-token',
      },
    })
    const who = await whoami({env: 'local'}, ctx)
    expect(who).toMatchObject({origin: 'environment variables', method: 'github-oidc', kind: 'app', clientId: emulatorCiPrincipal.clientId})
    expect(issuer.requested.length).toBeGreaterThan(0)
    expect(new Set(issuer.requested)).toEqual(new Set(['api://AzureADTokenExchange']))
  })

  it('signs in through an Azure Pipelines service connection (workload identity federation) from the environment', async () => {
    const emulator = await startTestEmulator()
    const issuer = await startIssuer()
    await trustIssuer(emulator.url, issuer.url, 'sc://contoso/connectors/prod-connection')
    // AzurePipelinesCredential reads SYSTEM_OIDCREQUESTURI from the process itself, as it does in a pipeline.
    const before = process.env.SYSTEM_OIDCREQUESTURI
    process.env.SYSTEM_OIDCREQUESTURI = `${issuer.url}/pipelines-oidc`
    try {
      const ctx = testContext({
        emulatorUrl: emulator.url,
        env: {
          AZURE_CLIENT_ID: emulatorCiPrincipal.clientId,
          AZURE_TENANT_ID: emulatorCiPrincipal.tenantId,
          AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: '4c1f0b7e-2d3a-4e5f-8a9b-0c1d2e3f4a5b',
          SYSTEM_ACCESSTOKEN: 'pipeline-access-token',
          SYSTEM_OIDCREQUESTURI: `${issuer.url}/pipelines-oidc`,
        },
      })
      const who = await whoami({env: 'local'}, ctx)
      expect(who).toMatchObject({origin: 'environment variables', method: 'azure-pipelines', kind: 'app', clientId: emulatorCiPrincipal.clientId})
      expect(issuer.requested).toContain('service connection 4c1f0b7e-2d3a-4e5f-8a9b-0c1d2e3f4a5b')
      expect(JSON.stringify(who)).not.toContain('pipeline-access-token')
    } finally {
      if (before === undefined) delete process.env.SYSTEM_OIDCREQUESTURI
      else process.env.SYSTEM_OIDCREQUESTURI = before
    }
  })

  it('reports a federated credential that does not match the token (AADSTS700213) as exit 4', async () => {
    const emulator = await startTestEmulator()
    const issuer = await startIssuer()
    await trustIssuer(emulator.url, issuer.url, 'repo:contoso/connectors:ref:refs/heads/main')
    const ctx = testContext({emulatorUrl: emulator.url, env: {ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer.url}/github-token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'actions-request-token'}})
    const error = await ccErrorOf(login({env: 'local', method: 'github-oidc', clientId: emulatorCiPrincipal.clientId, tenant: emulatorCiPrincipal.tenantId}, ctx))
    expect(error).toMatchObject({code: 'AUTH_FAILED', exitCode: 4})
    expect(error.message).toMatch(/AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:contoso\/connectors:environment:prod'/)
  })

  it('borrows the Azure CLI sign-in (az account get-access-token)', async () => {
    const emulator = await startTestEmulator()
    // A stand-in `az` that gets its tokens from the emulator, as the real one gets them from Entra ID.
    const bin = tempDir('cc-fake-az-')
    const script = join(bin, 'az-token.mjs')
    writeFileSync(
      script,
      [
        "const resource = process.argv[process.argv.indexOf('--resource') + 1]",
        `const body = new URLSearchParams({grant_type: 'client_credentials', client_id: '${emulatorCiPrincipal.clientId}', client_secret: '${emulatorCiPrincipal.secret}', scope: resource + '/.default'})`,
        `const response = await fetch('${emulator.url}/${emulatorCiPrincipal.tenantId}/oauth2/v2.0/token', {method: 'POST', body})`,
        'const token = await response.json()',
        "console.log(JSON.stringify({accessToken: token.access_token, expiresOn: new Date(Date.now() + token.expires_in * 1000).toISOString(), expires_on: Math.floor(Date.now() / 1000) + token.expires_in, tokenType: 'Bearer', tenant: '" + emulatorCiPrincipal.tenantId + "'}))",
      ].join('\n'),
    )
    writeFileSync(join(bin, 'az'), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`)
    chmodSync(join(bin, 'az'), 0o755)
    const path = process.env.PATH
    process.env.PATH = `${bin}:${path}`
    try {
      const ctx = testContext({emulatorUrl: emulator.url})
      const result = await login({env: 'local', method: 'azure-cli'}, ctx)
      expect(result).toMatchObject({method: 'azure-cli', kind: 'app', tenantId: emulatorCiPrincipal.tenantId})
      const token = await withSession({env: 'local'}, ctx, async (s) => (await s.tokens.getToken(defaultScope(s.cloud.audiences.flow))).token)
      expect(decodeClaims(token).aud).toBe('https://service.flow.microsoft.com/')
    } finally {
      process.env.PATH = path
    }
  })

  it('signs in with the managed identity of the machine (App Service identity endpoint)', async () => {
    const emulator = await startTestEmulator()
    // The platform's identity endpoint, standing in for App Service: it hands out the CI principal's tokens.
    const asked: string[] = []
    const server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (req.headers['x-identity-header'] !== 'platform-secret') {
        res.statusCode = 401
        return res.end('{}')
      }
      const resource = url.searchParams.get('resource') ?? ''
      asked.push(resource)
      const body = new URLSearchParams({grant_type: 'client_credentials', client_id: emulatorCiPrincipal.clientId, client_secret: emulatorCiPrincipal.secret, scope: `${resource}/.default`})
      const token = (await (await fetch(`${emulator.url}/${emulatorCiPrincipal.tenantId}/oauth2/v2.0/token`, {method: 'POST', body})).json()) as {access_token: string; expires_in: number}
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({access_token: token.access_token, expires_on: String(Math.floor(Date.now() / 1000) + token.expires_in), resource, token_type: 'Bearer', client_id: emulatorCiPrincipal.clientId}))
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    servers.push(server)
    const saved = {endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER}
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`
    process.env.IDENTITY_HEADER = 'platform-secret'
    try {
      const ctx = testContext({emulatorUrl: emulator.url, env: {CC_AUTH: 'managed-identity'}})
      const who = await whoami({env: 'local'}, ctx)
      expect(who).toMatchObject({origin: 'environment variables', method: 'managed-identity', kind: 'app', clientId: emulatorCiPrincipal.clientId})
      expect(asked).toEqual(['https://service.powerapps.com/'])
    } finally {
      for (const [key, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })
})
