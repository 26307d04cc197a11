import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {cleanEnv, secretMatches, startTestEmulator} from '../helpers/sign-in-emulator.js'
import {writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {tempDir} from '../helpers/temp-dir.js'

const devSecret = 'dev-Secret-4b1e9c07-never-shown'
const testSecret = 'test-Secret-83d2aa51-never-shown'

function everyFile(dir: string): Array<{path: string; text: string}> {
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile())
    .map((e) => ({path: join(e.parentPath, e.name), text: readFileSync(join(e.parentPath, e.name), 'latin1')}))
}

/** The built CLI: an OAuth secret given on stdin to cc import reaches the connector and nothing else (DEBUG=cc on). */
describe('OAuth secrets in an export and import (built CLI)', () => {
  it('never exports a secret, sends the one from stdin, and shows it nowhere', async () => {
    const emulator = await startTestEmulator()
    const work = tempDir('transfer-secrets-')
    const configDir = tempDir('transfer-secrets-config-')
    const env = {...cleanEnv({CC_EMULATOR_URL: emulator.url, CC_CONFIG_DIR: configDir}), DEBUG: 'cc'} as Record<string, string>
    const outputs: string[] = []
    const run = async (args: string[], input?: string) => {
      const result = await runCli(args, {cwd: work, env, ...(input === undefined ? {} : {input})})
      outputs.push(result.stdout, result.stderr)
      return result
    }
    writeSampleConnector(join(work, 'payments'), {clientSecret: null})
    expect((await run(['push', 'payments', '--env', 'local:dev', '--client-secret-stdin'], devSecret)).exitCode).toBe(0)
    expect((await run(['export', '--env', 'local:dev', '--all', '--out', 'exports/dev'])).exitCode).toBe(0)

    const imported = await run(['import', 'exports/dev', '--env', 'local:test', '--yes', '--client-secret-stdin', '--json'], `${testSecret}\n`)
    expect(imported.exitCode, imported.stderr).toBe(0)
    const connector = imported.json.result.connectors[0]
    expect(connector).toMatchObject({status: 'created', secret: 'sent'})
    expect(await secretMatches(emulator.url, '3f6d2a1b-7c84-4e59-a0b3-6c2d1e0f9a87', connector.target.name, testSecret)).toBe(true)
    // DEBUG logged the traffic, with the secret redacted.
    expect(imported.stderr).toMatch(/"clientSecret":"\[redacted\]"/)

    for (const text of outputs) {
      expect(text).not.toContain(devSecret)
      expect(text).not.toContain(testSecret)
    }
    for (const file of [...everyFile(work), ...everyFile(configDir)]) {
      expect(file.text, file.path).not.toContain(devSecret)
      expect(file.text, file.path).not.toContain(testSecret)
    }
  })
})
