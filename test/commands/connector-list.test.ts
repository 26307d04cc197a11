import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import ConnectorList from '../../src/commands/connector/list.js'
import Push from '../../src/commands/push.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator, writeSimpleConnector} from '../helpers/sign-in-emulator.js'
import {tempDir} from '../helpers/temp-dir.js'

describe('cc connector list', () => {
  it('lists custom connectors only, and says so when there are none', async () => {
    const emulator = await startTestEmulator({pageSize: 1})
    const env = commandEnv(emulator.url)
    const empty = await runCommand(ConnectorList, ['--env', 'local:test'], env)
    expect(empty.stdout).toBe('No custom connectors in test (Power Apps).\n')

    const root = tempDir()
    for (const title of ['Beta Stock', 'Alpha Stock']) {
      writeSimpleConnector(join(root, title), {title})
      expect((await runCommand(Push, [join(root, title), '--env', 'local:test', '--target', 'rp'], env)).exitCode).toBe(0)
    }
    const out = await runCommand(ConnectorList, ['--env', 'local:test', '--json'], env)
    expect(out.json.result.connectors.map((c: {displayName: string}) => c.displayName)).toEqual(['Alpha Stock', 'Beta Stock'])
    const human = await runCommand(ConnectorList, ['--env', 'local:test'], env)
    expect(human.stdout.split('\n')[0]).toBe('2 custom connectors in test (Power Apps):')
    expect(human.stdout).toMatch(/shared_alpha-20stock-5f\S+ {2}Alpha Stock {2}\(by cc CI \(emulator\)\)/)
  })
})
