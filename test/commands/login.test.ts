import {describe, expect, it} from 'vitest'

import Login from '../../src/commands/login.js'
import Logout from '../../src/commands/logout.js'
import Whoami from '../../src/commands/whoami.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator} from '../helpers/sign-in-emulator.js'

const ciApp = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b'
const tenant = '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60'

describe('cc login / whoami / logout', () => {
  it('signs in to the emulator without ceremony and says who cc is', async () => {
    const emulator = await startTestEmulator()
    const env = commandEnv(emulator.url)
    const login = await runCommand(Login, ['--env', 'local'], env)
    expect(login.exitCode).toBe(0)
    expect(login.stdout).toBe(`Signed in to local as service principal ${ciApp}, tenant ${tenant} (emulator).\n`)

    const who = await runCommand(Whoami, ['--json'], env)
    expect(who.exitCode).toBe(0)
    expect(who.json.result).toMatchObject({origin: 'profile', method: 'emulator', kind: 'app', clientId: ciApp, tenantId: tenant, environment: {ref: 'local', cloud: 'local', source: 'default'}})
    expect(who.stdout).not.toMatch(/eyJ/)

    const out = await runCommand(Logout, ['--all', '--json'], env)
    expect(out.json.result).toEqual({removed: [{cloud: 'local', tenantId: tenant, method: 'emulator'}], cacheDeleted: true})
  })

  it('shows the device code on stderr and keeps stdout for the result', async () => {
    const emulator = await startTestEmulator({deviceCodeApprovalDelayMs: 50})
    const out = await runCommand(Login, ['--env', 'local', '--method', 'device-code'], commandEnv(emulator.url))
    expect(out.exitCode).toBe(0)
    expect(out.stderr).toMatch(/To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z0-9]+/)
    expect(out.stdout).toBe(`Signed in to local as avery@contoso.onmicrosoft.com (Avery Admin), tenant ${tenant} (device-code).\nTokens are refreshed silently from now on.\n`)
  })

  it('exits 4 with the login to run when the secret is wrong, and 2 when a service principal has no client id', async () => {
    const emulator = await startTestEmulator()
    const wrong = await runCommand(Login, ['--env', 'local', '--method', 'client-secret', '--client-id', ciApp, '--tenant', tenant, '--client-secret-env', 'CI_SECRET', '--json'], commandEnv(emulator.url, {CI_SECRET: 'wrong-one'}))
    expect(wrong.exitCode).toBe(4)
    expect(wrong.json).toMatchObject({status: 4, code: 'AUTH_FAILED', suggestions: ['cc login --env local --method client-secret']})
    expect(wrong.stdout).not.toContain('wrong-one')

    const noId = await runCommand(Login, ['--env', 'local', '--method', 'client-certificate'], commandEnv(emulator.url))
    expect(noId.exitCode).toBe(2)
    expect(noId.stderr).toContain('Error (AUTH_CLIENT_ID_MISSING): --method client-certificate needs --client-id')
  })

  it('refuses to start a device-code sign-in when nobody is at the terminal and no method is named', async () => {
    const out = await runCommand(Login, ['--env', 'Default-72f988bf-86f1-41af-91ab-2d7cd011db47'], commandEnv('http://127.0.0.1:9'))
    expect(out.exitCode).toBe(2)
    expect(out.stderr).toContain('Error (AUTH_METHOD_REQUIRED)')
    expect(out.stderr).toContain('cc login --env Default-72f988bf-86f1-41af-91ab-2d7cd011db47 --method github-oidc --client-id <app id> --tenant <tenant>')
  })

  it('whoami exits 4 and names the login when nobody is signed in to a real environment', async () => {
    const out = await runCommand(Whoami, ['--env', 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d', '--tenant', 'contoso.onmicrosoft.com', '--json'], commandEnv('http://127.0.0.1:9'))
    expect(out.exitCode).toBe(4)
    expect(out.json).toMatchObject({code: 'NOT_SIGNED_IN', suggestions: ['cc login --env c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d --tenant contoso.onmicrosoft.com', expect.stringContaining('AZURE_TENANT_ID')]})
  })
})
