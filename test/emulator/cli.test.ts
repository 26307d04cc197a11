import type {ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import EmulatorApprove from '../../src/commands/emulator/approve.js'
import EmulatorInfoCommand from '../../src/commands/emulator/info.js'
import EmulatorReset from '../../src/commands/emulator/reset.js'
import {runCli} from '../helpers/cli.js'
import {call, devEnv, scopes, startTestEmulator, userToken} from '../helpers/emulator.js'
import {runCommand} from '../helpers/run-command.js'
import {tempDir} from '../helpers/temp-dir.js'

/** Runs `cc emulator start` as a real process, calls `until` with its URL, then stops it with SIGINT. */
async function withRunningCli<T>(args: string[], until: (url: string) => Promise<T>): Promise<{value: T; exitCode: number | null; stderr: string}> {
  let child: ChildProcess | undefined
  let found: (url: string) => void = () => {}
  let early: (error: Error) => void = () => {}
  const listening = new Promise<string>((resolve, reject) => {
    found = resolve
    early = reject
  })
  const run = runCli(['emulator', 'start', ...args], {
    timeoutMs: 60_000,
    onSpawn: (spawned) => {
      child = spawned
      let buffer = ''
      spawned.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        const m = /listening on (http:\/\/\S+)/.exec(buffer)
        if (m) found(m[1]!)
      })
    },
  })
  void run.then((result) => early(new Error(`the emulator exited before listening (${result.exitCode}): ${result.stderr}`)))
  const url = await listening
  let value: T | undefined
  let failure: unknown
  try {
    value = await until(url)
  } catch (error) {
    failure = error
  } finally {
    child!.kill('SIGINT')
  }
  const result = await run
  if (failure) throw failure
  return {value: value as T, exitCode: result.exitCode, stderr: result.stderr}
}

describe('cc emulator (built CLI)', () => {
  it('starts in the foreground, is found by other processes, serves state they write, and stops on Ctrl-C', async () => {
    const data = tempDir()
    const {value, exitCode, stderr} = await withRunningCli(['--port', '0', '--data', data], async (url) => {
      const info = await runCli(['emulator', 'info', '--data', data, '--json'])
      expect(info.exitCode).toBe(0)
      expect(info.json.result).toMatchObject({running: true, url, foundBy: 'emulator.json'})
      // Another process (this test) writes through its own emulator on the same data folder...
      const other = await startTestEmulator({dataDir: data, discoveryFile: false})
      const token = (await userToken(other.url, scopes.powerApps)).accessToken
      const created = await call(`${other.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${devEnv.id}'`, {
        token,
        method: 'POST',
        body: {properties: {openApiDefinition: {swagger: '2.0', info: {title: 'Shared', version: '1'}, paths: {}}}},
      })
      await other.close()
      // ...and the CLI's emulator (another process, same signing key) serves it.
      const got = await call(`${url}/providers/Microsoft.PowerApps/apis/${created.body.name}?api-version=2016-11-01&$filter=environment eq '${devEnv.id}'`, {token})
      return {status: got.status, name: got.body.name, created: created.body.name}
    })
    expect(value.status).toBe(200)
    expect(value.name).toBe(value.created)
    expect(exitCode).toBe(0)
    expect(stderr).toContain('Emulator stopped.')
    expect(existsSync(join(data, 'emulator.json'))).toBe(false)
  })

  it('refuses a bad fault spec with exit code 2', async () => {
    const result = await runCli(['emulator', 'start', '--port', '0', '--data', tempDir(), '--faults', 'explode', '--json'])
    expect(result.exitCode).toBe(2)
    expect(result.json).toMatchObject({code: 'EMULATOR_BAD_FAULTS'})
  })
})

describe('cc emulator info | approve | reset (in-process)', () => {
  it('prints the seeded identities when no emulator runs', async () => {
    const out = await runCommand<{running: boolean}>(EmulatorInfoCommand, ['--data', tempDir(), '--json'], {CC_EMULATOR_URL: undefined})
    expect(out.exitCode).toBe(0)
    expect(out.json.result).toMatchObject({
      running: false,
      tenant: {id: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60', domain: 'contoso.onmicrosoft.com'},
      environments: [{alias: 'local:dev', name: devEnv.id, isDefault: true}, {alias: 'local:test'}, {alias: 'local:prod'}],
    })
    expect(out.json.result.credentials[0]).toMatchObject({clientId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', clientSecret: 'emulator-ci-secret'})
    const human = await runCommand(EmulatorInfoCommand, ['--data', tempDir()], {CC_EMULATOR_URL: undefined})
    expect(human.stdout).toContain('Emulator: not running')
    expect(human.stdout).toContain('local:prod')
  })

  it('approves a waiting device code, and explains an unknown one', async () => {
    const emulator = await startTestEmulator({deviceCodeApprovalDelayMs: null})
    try {
      const code = await call(`${emulator.url}/organizations/oauth2/v2.0/devicecode`, {method: 'POST', body: 'client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&scope=openid', headers: {'content-type': 'application/x-www-form-urlencoded'}})
      const approved = await runCommand(EmulatorApprove, [code.body.user_code, '--data', emulator.dataDir, '--user', 'dana@contoso.onmicrosoft.com'], {CC_EMULATOR_URL: undefined})
      expect(approved.exitCode).toBe(0)
      expect(approved.stdout).toContain(`Approved sign-in ${code.body.user_code} for Dana Developer`)
      const again = await runCommand(EmulatorApprove, [code.body.user_code, '--data', emulator.dataDir, '--json'], {CC_EMULATOR_URL: undefined})
      expect(again.exitCode).toBe(1)
      expect(again.json).toMatchObject({code: 'DEVICE_CODE_NOT_PENDING'})
      const unknown = await runCommand(EmulatorApprove, ['NOPE', '--data', emulator.dataDir], {CC_EMULATOR_URL: undefined})
      expect(unknown.exitCode).toBe(1)
      expect(unknown.stderr).toContain('Error (DEVICE_CODE_NOT_PENDING): No device code NOPE is waiting for sign-in.')
      expect(unknown.stderr).toContain('Try:')
    } finally {
      await emulator.dispose()
    }
  })

  it('resets a running emulator through its admin route', async () => {
    const emulator = await startTestEmulator()
    try {
      const out = await runCommand(EmulatorReset, ['--data', emulator.dataDir, '--json'], {CC_EMULATOR_URL: undefined})
      expect(out.exitCode).toBe(0)
      expect(out.json.result).toMatchObject({via: 'running emulator', url: emulator.url})
    } finally {
      await emulator.dispose()
    }
  })
})
