import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {decodeClaims} from '../../../src/core/auth/claims.js'
import {login} from '../../../src/core/auth/login.js'
import {logout} from '../../../src/core/auth/logout.js'
import {emulatorCiPrincipal} from '../../../src/core/auth/methods.js'
import {profilesPath, readProfiles} from '../../../src/core/auth/profiles.js'
import {tokenCachePath} from '../../../src/core/auth/token-cache.js'
import {whoami} from '../../../src/core/auth/whoami.js'
import {defaultScope} from '../../../src/core/environments/clouds.js'
import {withSession} from '../../../src/core/environments/session.js'
import {seeded, startTestEmulator, testContext} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf} from '../../helpers/solution-zip-fixtures.js'

const powerApps = defaultScope('https://service.powerapps.com/')
const flow = defaultScope('https://service.flow.microsoft.com/')

function allFilesText(dir: string): string {
  let text = ''
  for (const entry of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (entry.isFile()) text += readFileSync(join(entry.parentPath, entry.name), 'utf8')
  }
  return text
}

describe('sign-in against the emulator', () => {
  it('uses the seeded CI service principal for --env local without any login', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const claims = await withSession({env: 'local'}, ctx, async (session) => {
      expect(session.tokens.origin).toBe('emulator default')
      return decodeClaims((await session.tokens.getToken(powerApps)).token)
    })
    expect(claims.tid).toBe(emulatorCiPrincipal.tenantId)
    expect(claims.appid).toBe(emulatorCiPrincipal.clientId)
    expect(claims.aud).toBe('https://service.powerapps.com/')
    expect(await readProfiles(ctx.configDir)).toEqual([])
  })

  it('signs a person in with a device code, keeps a 0600 token cache, and gets other tokens silently in a later run', async () => {
    const emulator = await startTestEmulator({deviceCodeApprovalDelayMs: 50})
    const ctx = testContext({emulatorUrl: emulator.url})
    const prompts: string[] = []
    const result = await login({env: 'local', method: 'device-code', onDeviceCode: (p) => prompts.push(p.message)}, ctx)
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toMatch(/https:\/\/127\.0\.0\.1:\d+\/devicelogin/)
    expect(result).toMatchObject({method: 'device-code', kind: 'user', username: 'avery@contoso.onmicrosoft.com', tenantId: emulatorCiPrincipal.tenantId, cloud: 'local'})
    expect(statSync(tokenCachePath(ctx.configDir)).mode & 0o777).toBe(0o600)
    expect(statSync(profilesPath(ctx.configDir)).mode & 0o777).toBe(0o600)
    const [profile] = await readProfiles(ctx.configDir)
    expect(profile!.authenticationRecord?.username).toBe('avery@contoso.onmicrosoft.com')

    // A later command: new credential objects, only the files on disk; a new scope needs the refresh token.
    const claims = await withSession({env: 'local'}, ctx, async (session) => {
      expect(session.tokens.origin).toBe('profile')
      return decodeClaims((await session.tokens.getToken(flow)).token)
    })
    expect(claims).toMatchObject({upn: 'avery@contoso.onmicrosoft.com', aud: 'https://service.flow.microsoft.com/', idtyp: 'user'})
  })

  it('refreshes an expired access token silently with the cached refresh token', async () => {
    // Tokens shorter than MSAL's 5-minute renewal margin count as expired at once: every run must refresh.
    const emulator = await startTestEmulator({deviceCodeApprovalDelayMs: 0, tokenLifetimeSeconds: 120})
    const ctx = testContext({emulatorUrl: emulator.url})
    await login({env: 'local', method: 'device-code'}, ctx)
    const first = await withSession({env: 'local'}, ctx, async (s) => (await s.tokens.getToken(powerApps)).token)
    const second = await withSession({env: 'local'}, ctx, async (s) => (await s.tokens.getToken(powerApps)).token)
    expect(second).not.toBe(first)
    expect(decodeClaims(second).upn).toBe('avery@contoso.onmicrosoft.com')
  })

  it('signs a service principal in with a secret from stdin without keeping the secret, and asks for a new login once the cached token expires', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const result = await login({env: 'local', method: 'client-secret', clientId: emulatorCiPrincipal.clientId, tenant: emulatorCiPrincipal.tenantId, clientSecret: 'emulator-ci-secret'}, ctx)
    expect(result).toMatchObject({kind: 'app', method: 'client-secret', clientId: emulatorCiPrincipal.clientId})
    expect(result.validUntil).toBeDefined()
    expect(allFilesText(ctx.configDir)).not.toContain('emulator-ci-secret')

    const token = await withSession({env: 'local'}, ctx, async (s) => (await s.tokens.getToken(powerApps)).token)
    expect(decodeClaims(token).appid).toBe(emulatorCiPrincipal.clientId)

    const path = profilesPath(ctx.configDir)
    const stored = JSON.parse(readFileSync(path, 'utf8'))
    for (const scope of Object.keys(stored.profiles[0].tokenExpiries)) stored.profiles[0].tokenExpiries[scope] = Date.now() - 1000
    writeFileSync(path, JSON.stringify(stored))
    // ...and the cached tokens themselves run out.
    const cachePath = tokenCachePath(ctx.configDir)
    const cache = JSON.parse(readFileSync(cachePath, 'utf8'))
    for (const entry of Object.values(cache.AccessToken) as Array<Record<string, string>>) entry.expires_on = String(Math.floor(Date.now() / 1000) - 60)
    writeFileSync(cachePath, JSON.stringify(cache))
    const error = await ccErrorOf(withSession({env: 'local'}, ctx, (s) => s.tokens.getToken(powerApps)))
    expect(error).toMatchObject({code: 'AUTH_SECRET_UNAVAILABLE', exitCode: 4})
    expect(error.suggestions.join('\n')).toContain('cc login --method client-secret --client-id 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b')
  })

  it('signs a service principal in with a certificate', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const result = await login({env: 'local', method: 'client-certificate', clientId: emulatorCiPrincipal.clientId, tenant: emulatorCiPrincipal.tenantId, certificatePath: join(emulator.dataDir, 'ci-certificate.pem')}, ctx)
    expect(result).toMatchObject({kind: 'app', method: 'client-certificate'})
    const who = await whoami({env: 'local'}, ctx)
    expect(who).toMatchObject({origin: 'profile', method: 'client-certificate', kind: 'app', clientId: emulatorCiPrincipal.clientId, tenantId: emulatorCiPrincipal.tenantId})
  })

  it('uses AZURE_* environment variables in CI without cc login', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({
      emulatorUrl: emulator.url,
      env: {AZURE_TENANT_ID: emulatorCiPrincipal.tenantId, AZURE_CLIENT_ID: emulatorCiPrincipal.clientId, AZURE_CLIENT_SECRET: 'emulator-ci-secret'},
    })
    const who = await whoami({env: 'local'}, ctx)
    expect(who).toMatchObject({origin: 'environment variables', method: 'client-secret', clientId: emulatorCiPrincipal.clientId})
  })

  it('reports a wrong secret and a wrong tenant as exit 4 with the login to run', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const wrongSecret = await ccErrorOf(login({env: 'local', method: 'client-secret', clientId: emulatorCiPrincipal.clientId, tenant: emulatorCiPrincipal.tenantId, clientSecret: 'not-the-secret'}, ctx))
    expect(wrongSecret).toMatchObject({code: 'AUTH_FAILED', exitCode: 4})
    expect(wrongSecret.message).toMatch(/AADSTS7000215/)
    expect(wrongSecret.message).not.toContain('not-the-secret')
    expect(wrongSecret.suggestions[0]).toBe('cc login --env local --method client-secret')

    const wrongTenant = await ccErrorOf(login({env: 'local', method: 'client-secret', clientId: emulatorCiPrincipal.clientId, tenant: seeded.otherTenantId, clientSecret: 'emulator-ci-secret'}, ctx))
    expect(wrongTenant).toMatchObject({code: 'AUTH_WRONG_TENANT', exitCode: 4})
  })

  it('says exactly which login to run when nobody is signed in to a real cloud', async () => {
    const ctx = testContext()
    writeFileSync(join(ctx.cwd, 'cc.yaml'), 'environments:\n  prod:\n    environmentId: c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d\n    tenant: contoso.onmicrosoft.com\n')
    const error = await ccErrorOf(withSession({env: 'prod'}, ctx, async () => undefined))
    expect(error).toMatchObject({code: 'NOT_SIGNED_IN', exitCode: 4})
    expect(error.suggestions[0]).toBe('cc login --env prod')
  })

  it('logs out: the profile and its tokens are gone, and the next run needs a login again', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    await login({env: 'local', method: 'device-code'}, ctx)
    expect(readFileSync(tokenCachePath(ctx.configDir), 'utf8')).toContain('RefreshToken')
    const out = await logout({env: 'local'}, ctx)
    expect(out.removed).toEqual([{cloud: 'local', tenantId: emulatorCiPrincipal.tenantId, method: 'device-code', username: 'avery@contoso.onmicrosoft.com'}])
    expect(await readProfiles(ctx.configDir)).toEqual([])
    const cache = JSON.parse(readFileSync(tokenCachePath(ctx.configDir), 'utf8'))
    expect(Object.keys(cache.RefreshToken ?? {})).toEqual([])
    expect(Object.keys(cache.AccessToken ?? {})).toEqual([])
  })

  it('takes a fresh cached token straight from the cache file: a later run sends nothing to the identity service', async () => {
    const routes: string[] = []
    const emulator = await startTestEmulator({deviceCodeApprovalDelayMs: 0, onRequest: (entry) => routes.push(entry.route)})
    const ctx = testContext({emulatorUrl: emulator.url})
    await login({env: 'local', method: 'device-code'}, ctx)
    expect(routes.some((r) => r.startsWith('identity.'))).toBe(true)
    routes.length = 0
    const who = await whoami({env: 'local'}, ctx)
    expect(who.username).toBe('avery@contoso.onmicrosoft.com')
    expect(routes.filter((r) => r.startsWith('identity.'))).toEqual([])
    expect(routes).toEqual(['admin.health'])
  })
})
