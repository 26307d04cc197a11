import {cpSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import IdentityPrune from '../../src/commands/identity/prune.js'
import IdentitySync from '../../src/commands/identity/sync.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator} from '../helpers/sign-in-emulator.js'
import {tempDir} from '../helpers/temp-dir.js'
import {pushAll, transferContext} from '../helpers/transfer-fixtures.js'

describe('cc identity sync and cc identity prune', () => {
  it('sync shows its plan, sets up the credential and redirect URI, and prune finds nothing stale', async () => {
    const emulator = await startTestEmulator()
    const work = tempDir('identity-cmd-')
    cpSync(join(process.cwd(), 'connectors', 'azure-resource-manager'), join(work, 'arm'), {recursive: true})
    await pushAll([join(work, 'arm')], 'local:prod', transferContext(emulator.url, join(work, 'seed')))
    const env = commandEnv(emulator.url)

    const plan = await runCommand(IdentitySync, ['--env', 'local:prod', '--plan'], env)
    expect(plan.exitCode).toBe(0)
    expect(plan.stdout).toMatch(/^Identity fix-ups in prod:\n {2}Azure Resource Manager \(shared_[^)]+\): credential Azure-Resource-Manager-c1e4b7a2 on 5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c: create; redirect URI on 5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c: add\n2 changes to make\.\n$/)

    const refused = await runCommand(IdentitySync, ['--env', 'local:prod', '--json'], env)
    expect(refused).toMatchObject({exitCode: 2, json: {code: 'CONFIRMATION_REQUIRED'}})

    const synced = await runCommand(IdentitySync, ['--env', 'local:prod', '--yes'], env)
    expect(synced.exitCode).toBe(0)
    expect(synced.stdout).toBe('changed   Azure Resource Manager (credential Azure-Resource-Manager-c1e4b7a2 created, redirect URI added)\n1 changed, 0 unchanged, 0 failed.\n')

    const pruned = await runCommand(IdentityPrune, ['--env', 'local:prod', '--yes', '--json'], env)
    expect(pruned.exitCode).toBe(0)
    expect(pruned.json.result).toEqual({applied: false, removed: 0, apps: [expect.objectContaining({appId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c', credentials: 1, stale: []})]})
    const human = await runCommand(IdentityPrune, ['--env', 'local:prod', '--app', '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'], env)
    expect(human.stdout).toBe('5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c (Azure Resource Manager connector (cc sample)): 1 federated credential, 0 stale\nNothing to remove.\n')
  })
})
