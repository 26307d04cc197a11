import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import EntraAppCreate from '../../src/commands/entra/app/create.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator} from '../helpers/sign-in-emulator.js'
import {tempDir} from '../helpers/temp-dir.js'
import {writeGeneratedConnector} from '../helpers/transfer-fixtures.js'

describe('cc entra app create', () => {
  it('shows the client secret once in human output, and never under --json', async () => {
    const emulator = await startTestEmulator()
    const env = commandEnv(emulator.url)
    const dir = writeGeneratedConnector(tempDir('entra-cmd-'), {folder: 'contoso', title: 'Contoso Orders', kind: 'oauth', appId: '00000000-0000-0000-0000-000000000000'})

    const human = await runCommand(EntraAppCreate, ['--connector', dir, '--env', 'local:dev'], env)
    expect(human.exitCode).toBe(0)
    const shown = /^Client secret \(shown once, stored nowhere; keep it now\): (\S+)$/m.exec(human.stdout)
    expect(shown).not.toBeNull()
    const appId = JSON.parse(readFileSync(join(dir, 'apiProperties.json'), 'utf8')).properties.connectionParameters.token.oAuthSettings.clientId
    expect(human.stdout).toContain(`Registered Contoso Orders (custom connector): application (client) id ${appId}, single tenant (8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60).`)
    expect(human.stdout).toContain(`client secret ${shown![1]!.slice(0, 3)}…`)
    expect(human.stdout.split(shown![1]!)).toHaveLength(2)
    expect(human.stderr).toContain('Next:\n  cc push ')
    expect(human.stderr).toContain(' --client-secret-stdin')

    const json = await runCommand(EntraAppCreate, ['--connector', dir, '--env', 'local:dev', '--force', '--json'], env)
    expect(json.exitCode).toBe(0)
    expect(json.json.result.clientSecret).toEqual({created: false, reason: expect.stringContaining('never in --json output')})
    expect(json.stdout).not.toMatch(/secretText|Client secret \(shown once/)

    const again = await runCommand(EntraAppCreate, ['--connector', dir, '--env', 'local:dev', '--json'], env)
    expect(again.exitCode).toBe(1)
    expect(again.json).toMatchObject({code: 'APP_EXISTS', file: join(dir, 'apiProperties.json')})
  })
})
