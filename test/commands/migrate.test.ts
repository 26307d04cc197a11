import {cpSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import Migrate from '../../src/commands/migrate.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator} from '../helpers/sign-in-emulator.js'
import {tempDir} from '../helpers/temp-dir.js'
import {pushAll, transferContext} from '../helpers/transfer-fixtures.js'

describe('cc migrate', () => {
  it('exports and imports with the fix-ups, prints both summaries, and a second run changes nothing', async () => {
    const emulator = await startTestEmulator()
    const work = tempDir('migrate-cmd-')
    cpSync(join(process.cwd(), 'connectors'), join(work, 'connectors'), {recursive: true})
    await pushAll([join(work, 'connectors', 'azure-resource-manager'), join(work, 'connectors', 'open-meteo-weather')], 'local:dev', transferContext(emulator.url, join(work, 'seed')))
    const env = commandEnv(emulator.url)
    const out = join(work, 'dev-to-test')

    const first = await runCommand(Migrate, ['--from', 'local:dev', '--to', 'local:test', '--all', '--yes', '--out', out], env)
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toContain('Exported 2 connectors of dev to')
    expect(first.stdout).toMatch(/created {3}Azure Resource Manager [0-9a-f-]{36} \(credential Azure-Resource-Manager-3f6d2a1b created, redirect URI added\)/)
    expect(first.stdout).toContain('Imported into test: 2 created, 0 updated, 0 unchanged, 0 failed; credentials 1 created, 0 updated; 1 redirect URI added.')

    const second = await runCommand(Migrate, ['--from', 'local:dev', '--to', 'local:test', '--all', '--yes', '--out', out, '--json'], env)
    expect(second.exitCode).toBe(0)
    expect(second.json.result.export.counts).toEqual({exported: 0, unchanged: 2, failed: 0})
    expect(second.json.result.import).toMatchObject({counts: {created: 0, updated: 0, unchanged: 2, failed: 0}, plan: {changes: 0}})
  })

  it('keeps the export in the config folder by default, and refuses the same environment twice (exit 2)', async () => {
    const emulator = await startTestEmulator()
    const env = commandEnv(emulator.url)
    const plan = await runCommand(Migrate, ['--from', 'local:dev', '--to', 'local:prod', '--all', '--plan', '--json'], env)
    expect(plan.exitCode).toBe(0)
    expect(plan.json.result.out).toBe(join(env.CC_CONFIG_DIR!, 'migrations', 'local-dev--local-prod'))
    expect(plan.json.result.import.applied).toBe(false)
    const same = await runCommand(Migrate, ['--from', 'local:dev', '--to', 'LOCAL:DEV', '--all'], env)
    expect(same.exitCode).toBe(2)
    expect(same.stderr).toContain('--from and --to name the same environment.')
    const nothing = await runCommand(Migrate, ['--from', 'local:dev', '--to', 'local:test', '--json'], env)
    expect(nothing.exitCode).toBe(2)
    expect(nothing.json.code).toBe('EXPORT_NOTHING_SELECTED')
  })
})
