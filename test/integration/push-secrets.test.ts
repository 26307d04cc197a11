import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {cleanEnv, startTestEmulator, writeSimpleConnector} from '../helpers/sign-in-emulator.js'
import {writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {tempDir} from '../helpers/temp-dir.js'

/**
 * The built CLI as real processes against the emulator: sign in with a secret on stdin, push with an OAuth
 * secret on stdin and DEBUG=cc on, pull, whoami; then look for the secrets and tokens everywhere they must not be.
 */

const spSecret = 'emulator-ci-secret'
const oauthSecret = 'oauth-Secret-9f2c7d1e-never-shown'

function everyFile(dir: string): Array<{path: string; text: string}> {
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile())
    .map((e) => ({path: join(e.parentPath, e.name), text: readFileSync(join(e.parentPath, e.name), 'latin1')}))
}

describe('secrets never leak (built CLI, real processes)', () => {
  it('keeps client secrets out of the config folder, settings.json, DEBUG logs and --json; tokens out of logs and output', async () => {
    const emulator = await startTestEmulator()
    const configDir = tempDir('cc-secrets-config-')
    const work = tempDir('cc-secrets-work-')
    const env = {...cleanEnv({CC_EMULATOR_URL: emulator.url, CC_CONFIG_DIR: configDir}), DEBUG: 'cc'}
    const outputs: string[] = []
    const run = async (args: string[], input?: string) => {
      const result = await runCli(args, {cwd: work, env: env as Record<string, string>, ...(input === undefined ? {} : {input})})
      outputs.push(result.stdout, result.stderr)
      return result
    }

    const login = await run(['login', '--env', 'local', '--method', 'client-secret', '--client-id', '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', '--tenant', '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60', '--client-secret-stdin', '--json'], `${spSecret}\n`)
    expect(login.exitCode).toBe(0)
    expect(login.json.result).toMatchObject({method: 'client-secret', kind: 'app'})

    writeSampleConnector(join(work, 'payments'), {clientSecret: null})
    const push = await run(['push', 'payments', '--target', 'rp', '--client-secret-stdin', '--json'], oauthSecret)
    expect(push.exitCode).toBe(0)
    expect(push.json.result).toMatchObject({action: 'created', secret: 'sent'})
    // DEBUG=cc logged the HTTP traffic, with the secrets and tokens redacted.
    expect(push.stderr).toMatch(/cc: http: → POST http:\/\/127\.0\.0\.1:\d+\/providers\/Microsoft\.PowerApps\/apis/)
    expect(push.stderr).toContain('"authorization":"Bearer [redacted]"')
    expect(push.stderr).toMatch(/"clientSecret":"\[redacted\]"/)
    expect(push.stderr).toMatch(/sig=%5Bredacted%5D|sig=\[redacted\]/)

    const dataverse = await run(['push', 'payments', '--target', 'dataverse', '--client-secret-stdin', '--json'], oauthSecret)
    expect(dataverse.exitCode).toBe(0)
    expect(dataverse.json.result.secret).toBe('sent')

    writeSimpleConnector(join(work, 'inventory'))
    expect((await run(['push', 'inventory', '--target', 'rp'])).exitCode).toBe(0)
    const pull = await run(['pull', '--connector', 'Contoso Payments API', '--out', 'pulled', '--json'])
    expect(pull.exitCode).toBe(0)
    const who = await run(['whoami', '--json'])
    expect(who.exitCode).toBe(0)

    const files = [...everyFile(configDir), ...everyFile(work)]
    for (const file of files) {
      expect(file.text, file.path).not.toContain(spSecret)
      expect(file.text, file.path).not.toContain(oauthSecret)
    }
    // Tokens are only in the token cache (0600).
    const withTokens = files.filter((f) => /eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(f.text)).map((f) => f.path)
    expect(withTokens).toEqual([join(configDir, 'auth', 'msal-cache.json')])
    for (const text of outputs) {
      expect(text).not.toContain(spSecret)
      expect(text).not.toContain(oauthSecret)
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/)
      expect(text).not.toMatch(/refresh_token"?\s*[:=]\s*"?[A-Za-z0-9]/)
    }
  })

  it('exits 4 with the exact cc login when a real environment has no sign-in', async () => {
    const work = tempDir('cc-secrets-work-')
    const result = await runCli(['push', '.', '--env', 'Default-72f988bf-86f1-41af-91ab-2d7cd011db47', '--no-validate'], {
      cwd: work,
      env: cleanEnv({CC_CONFIG_DIR: tempDir('cc-secrets-config-')}) as Record<string, string>,
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Error (CONNECTOR_INCOMPLETE)')
    writeSimpleConnector(join(work, 'c'))
    const again = await runCli(['push', 'c', '--env', 'Default-72f988bf-86f1-41af-91ab-2d7cd011db47'], {cwd: work, env: cleanEnv({CC_CONFIG_DIR: tempDir('cc-secrets-config-')}) as Record<string, string>})
    expect(again.exitCode).toBe(4)
    expect(again.stderr).toContain('Error (NOT_SIGNED_IN): Not signed in to Microsoft public cloud.')
    expect(again.stderr).toContain('cc login --env Default-72f988bf-86f1-41af-91ab-2d7cd011db47')
  })
})
