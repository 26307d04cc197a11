import {describe, expect, it} from 'vitest'

import EnvList from '../../src/commands/env/list.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator} from '../helpers/sign-in-emulator.js'

describe('cc env list', () => {
  it("lists the emulator's environments, one per line, with their Dataverse URLs", async () => {
    const emulator = await startTestEmulator()
    const out = await runCommand(EnvList, [], commandEnv(emulator.url))
    expect(out.stderr).toBe('Listing environments…\n')
    expect(out.exitCode).toBe(0)
    const lines = out.stdout.trim().split('\n')
    expect(lines[0]).toBe('3 environments in local (tenant 8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60):')
    expect(lines).toContain(`Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60  dev  (default, Default)  ${emulator.url}/dataverse/Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60`)
    const json = await runCommand(EnvList, ['--json'], commandEnv(emulator.url))
    expect(json.json.result.environments).toHaveLength(3)
  })
})
