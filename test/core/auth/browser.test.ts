import {createHash} from 'node:crypto'
import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {decodeClaims} from '../../../src/core/auth/claims.js'
import {login} from '../../../src/core/auth/login.js'
import {emulatorCiPrincipal} from '../../../src/core/auth/methods.js'
import {readProfiles} from '../../../src/core/auth/profiles.js'
import {defaultScope} from '../../../src/core/environments/clouds.js'
import {withSession} from '../../../src/core/environments/session.js'
import {startTestEmulator, testContext} from '../../helpers/sign-in-emulator.js'
import {tempDir} from '../../helpers/temp-dir.js'

/**
 * The browser sign-in for real: @azure/identity's InteractiveBrowserCredential starts MSAL's loopback server and
 * opens the system browser through `open` (xdg-open, which runs $BROWSER where no desktop is detected). The
 * "browser" here is a small script that does what a browser already signed in to Entra ID does: it follows the
 * emulator's authorize page to the loopback redirect URI. PKCE, the code redemption and the token cache are
 * MSAL's and the emulator's own.
 */

const saved: Record<string, string | undefined> = {}
function setProcessEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (!(key in saved)) saved[key] = process.env[key]
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
}
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
    delete saved[key]
  }
})

/** A stand-in browser: logs the URL it was given, sends the authorize request to the emulator and follows its redirect. */
function fakeBrowser(emulatorUrl: string): {command: string; log: string} {
  const dir = tempDir('cc-fake-browser-')
  const log = join(dir, 'visited.log')
  const command = join(dir, 'browser.mjs')
  writeFileSync(
    command,
    `#!${process.execPath}
import {appendFileSync} from 'node:fs'
const url = new URL(process.argv[2])
appendFileSync(${JSON.stringify(log)}, url.toString() + '\\n')
// The local cloud's authority is https on the emulator's host; the emulator itself speaks http (the same bridge cc uses).
const emulator = new URL(${JSON.stringify(emulatorUrl)})
const headers = {'x-forwarded-proto': url.protocol.replace(':', ''), 'x-forwarded-host': url.host}
url.protocol = emulator.protocol
const answer = await fetch(url, {headers, redirect: 'manual'})
const location = answer.headers.get('location')
appendFileSync(${JSON.stringify(log)}, answer.status + ' ' + (location ?? (await answer.text())) + '\\n')
if (location) await fetch(location)
`,
  )
  chmodSync(command, 0o755)
  return {command, log}
}

describe('browser sign-in against the emulator', () => {
  it('signs a person in through the system browser (authorization code with PKCE) and gets later tokens silently', async () => {
    const emulator = await startTestEmulator()
    const browser = fakeBrowser(emulator.url)
    setProcessEnv({BROWSER: browser.command, DISPLAY: undefined, WAYLAND_DISPLAY: undefined, XDG_CURRENT_DESKTOP: undefined, KDE_FULL_SESSION: undefined, GNOME_DESKTOP_SESSION_ID: undefined, DESKTOP_SESSION: undefined})
    const ctx = testContext({emulatorUrl: emulator.url})
    const result = await login({env: 'local', method: 'browser'}, ctx)
    expect(result).toMatchObject({method: 'browser', kind: 'user', username: 'avery@contoso.onmicrosoft.com', tenantId: emulatorCiPrincipal.tenantId, cloud: 'local'})

    const visited = readFileSync(browser.log, 'utf8').trim().split('\n')
    const authorize = new URL(visited[0]!)
    expect(authorize.pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+/)
    expect(visited[1]).toMatch(/^302 http:\/\/localhost:\d+\/?\?code=/)
    const [profile] = await readProfiles(ctx.configDir)
    expect(profile).toMatchObject({method: 'browser'})

    // A later command: no browser, the cached refresh token gets a token for another service.
    const before = readFileSync(browser.log, 'utf8')
    const claims = await withSession({env: 'local'}, ctx, async (session) => decodeClaims((await session.tokens.getToken(defaultScope('https://service.flow.microsoft.com/'))).token))
    expect(claims).toMatchObject({upn: 'avery@contoso.onmicrosoft.com', aud: 'https://service.flow.microsoft.com/', idtyp: 'user'})
    expect(readFileSync(browser.log, 'utf8')).toBe(before)
  }, 30_000)

  it('refuses an authorization code redeemed twice and a wrong PKCE verifier, as Entra ID does', async () => {
    const emulator = await startTestEmulator()
    const base = `${emulator.url}/${emulatorCiPrincipal.tenantId}/oauth2/v2.0`
    const redirect = 'http://localhost:51234'
    const verifier = 'a'.repeat(43)
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const clientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
    const authorizeUrl = `${base}/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(redirect)}&scope=${encodeURIComponent(`${defaultScope('https://service.powerapps.com/')} offline_access`)}&code_challenge=${challenge}&code_challenge_method=S256&state=s1`
    const code = async () => {
      const answer = await fetch(authorizeUrl, {redirect: 'manual'})
      expect(answer.status).toBe(302)
      const location = new URL(answer.headers.get('location')!)
      expect(location.searchParams.get('state')).toBe('s1')
      return location.searchParams.get('code')!
    }
    const redeem = (value: string, codeVerifier: string) =>
      fetch(`${base}/token`, {method: 'POST', body: new URLSearchParams({grant_type: 'authorization_code', client_id: clientId, code: value, redirect_uri: redirect, code_verifier: codeVerifier, scope: defaultScope('https://service.powerapps.com/')})})

    const wrong = await redeem(await code(), 'b'.repeat(43))
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({error: 'invalid_grant', error_codes: [501481]})

    const good = await code()
    const first = await redeem(good, verifier)
    expect(first.status).toBe(200)
    expect(decodeClaims(((await first.json()) as {access_token: string}).access_token)).toMatchObject({upn: 'avery@contoso.onmicrosoft.com'})
    const again = await redeem(good, verifier)
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({error: 'invalid_grant', error_codes: [54005]})

    const elsewhere = await fetch(authorizeUrl.replace(encodeURIComponent(redirect), encodeURIComponent('https://evil.example/cb')), {redirect: 'manual'})
    expect(elsewhere.status).toBe(400)
    expect(await elsewhere.json()).toMatchObject({error: 'invalid_request', error_codes: [50011]})
  })
})
