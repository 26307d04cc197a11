import type {ChildProcess} from 'node:child_process'
import {cpSync, existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {listConnectors} from '../../src/core/listing/listing.js'
import {runCli} from '../helpers/cli.js'
import {appToken, call, scopes, startTestEmulator, type TestEmulator, testEnv} from '../helpers/emulator.js'
import {cleanEnv} from '../helpers/sign-in-emulator.js'
import {appWithCredentials, createApp, fileScratch, generatedPlan, pushAll, transferContext, writeGeneratedConnector, WriteLog} from '../helpers/transfer-fixtures.js'

/**
 * The built CLI as a real process: `cc migrate` is killed with SIGKILL halfway through the import (no chance
 * to clean up), then started again. The second run resumes from the journal: same end state as an
 * uninterrupted run, no connector or credential twice, none lost.
 */
describe('cc migrate killed halfway (SIGKILL) and started again', () => {
  let emulator: TestEmulator
  let root: string
  const writes = new WriteLog()
  const titles: string[] = []
  const managed: Array<{title: string; appId: string}> = []

  beforeAll(async () => {
    emulator = await startTestEmulator({onRequest: writes.onRequest})
    root = fileScratch('transfer-kill-')
    const ctx = transferContext(emulator.url, root)
    const miApps = await Promise.all([1, 2, 3].map((n) => createApp(emulator.url, `Kill test MI ${n}`)))
    const plan = generatedPlan(30, {oauthApp: miApps[0]!, miApps}).filter((c) => c.kind !== 'oauth')
    const dirs = plan.map((c) => writeGeneratedConnector(join(root, 'source'), c))
    cpSync(join(process.cwd(), 'connectors', 'azure-resource-manager'), join(root, 'source', 'azure-resource-manager'), {recursive: true})
    dirs.push(join(root, 'source', 'azure-resource-manager'))
    await pushAll(dirs, 'local:dev', ctx)
    titles.push(...plan.map((c) => c.title), 'Azure Resource Manager')
    managed.push(...plan.filter((c) => c.kind === 'managed-identity').map((c) => ({title: c.title, appId: c.appId!})), {title: 'Azure Resource Manager', appId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'})
  }, 120_000)

  afterAll(async () => {
    await emulator?.dispose()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  it('resumes without duplicates and reaches the same end state', async () => {
    const configDir = join(root, 'cli-config')
    const env = cleanEnv({CC_EMULATOR_URL: emulator.url, CC_CONFIG_DIR: configDir}) as Record<string, string>
    const journal = join(configDir, 'migrations', 'local-dev--local-test', '.journal', `import-${testEnv.id}.json`)
    const args = ['migrate', '--from', 'local:dev', '--to', 'local:test', '--all', '--yes', '--json', '--concurrency', '2']
    // Slow every request down so that the kill lands in the middle of the import.
    await emulator.setFaults('latency=25ms')
    let killedAt = 0
    const killed = await runCli(args, {
      env,
      cwd: root,
      timeoutMs: 120_000,
      onSpawn: (child: ChildProcess) => {
        const timer = setInterval(() => {
          if (!existsSync(journal)) return
          try {
            const done = Object.values(JSON.parse(readFileSync(journal, 'utf8')).entries as Record<string, {action: string}>).filter((e) => e.action === 'created').length
            if (done >= 8) {
              killedAt = done
              clearInterval(timer)
              child.kill('SIGKILL')
            }
          } catch {
            // being replaced at this very moment: next tick
          }
        }, 10)
        child.on('exit', () => clearInterval(timer))
      },
    })
    expect(killed.signal).toBe('SIGKILL')
    expect(killedAt).toBeGreaterThanOrEqual(8)
    const partial = (await listConnectors({env: 'local:test'}, transferContext(emulator.url, join(root, 'probe')))).connectors
    expect(partial.length).toBeGreaterThanOrEqual(8)
    expect(partial.length).toBeLessThan(titles.length)

    await emulator.setFaults(undefined)
    const resumed = await runCli(args, {env, cwd: root, timeoutMs: 120_000})
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    const result = resumed.json.result
    expect(result.import.counts.failed).toBe(0)
    expect(result.import.counts.created + result.import.counts.unchanged + result.import.counts.updated).toBe(titles.length)
    expect(result.import.connectors.filter((c: {resumed?: boolean}) => c.resumed).length).toBeGreaterThanOrEqual(8)

    // Each connector exactly once; each managed identity on its app exactly once; every redirect URI there.
    const listed = (await listConnectors({env: 'local:test'}, transferContext(emulator.url, join(root, 'probe2')))).connectors
    expect(listed.map((c) => c.displayName).sort()).toEqual([...titles].sort())
    const rp = await call(`${emulator.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${testEnv.id}'`, {token: await appToken(emulator.url, {scope: scopes.powerApps})})
    for (const m of managed) {
      const api = rp.body.value.find((a: {properties: {displayName: string}}) => a.properties.displayName === m.title)
      const app = await appWithCredentials(emulator.url, m.appId)
      const {issuer, subject} = api.properties.managedIdentity
      expect(app.credentials.filter((c) => c.issuer === issuer && c.subject === subject), m.title).toHaveLength(1)
      expect(app.credentials.filter((c) => c.name.startsWith(m.title.replaceAll(' ', '-'))), m.title).toHaveLength(1)
      expect(app.redirectUris).toContain(api.properties.connectionParameters.token.oAuthSettings.redirectUrl)
    }

    // And a third run changes nothing at all.
    writes.take()
    const again = await runCli(args, {env, cwd: root, timeoutMs: 120_000})
    expect(again.exitCode).toBe(0)
    expect(again.json.result.import.counts).toEqual({created: 0, updated: 0, unchanged: titles.length, failed: 0})
    expect(writes.take()).toEqual([])
  }, 180_000)
})
