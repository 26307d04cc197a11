import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import Pull from '../../src/commands/pull.js'
import Push from '../../src/commands/push.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator, writeSimpleConnector} from '../helpers/sign-in-emulator.js'
import {tempDir} from '../helpers/temp-dir.js'

describe('cc pull', () => {
  it('downloads a pushed connector into --out and reports unchanged files on a second pull', async () => {
    const emulator = await startTestEmulator()
    const root = tempDir()
    writeSimpleConnector(join(root, 'src'))
    const env = commandEnv(emulator.url)
    expect((await runCommand(Push, [join(root, 'src'), '--target', 'rp'], env)).exitCode).toBe(0)
    const out = join(root, 'copy')
    const pulled = await runCommand(Pull, ['--connector', 'Contoso Inventory', '--out', out], env)
    expect(pulled.exitCode).toBe(0)
    expect(pulled.stdout).toMatch(/^Pulled Contoso Inventory \(shared_contoso-20inventory-5f[0-9a-f-]+\) from dev into /)
    expect(JSON.parse(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(root, 'src', 'apiDefinition.swagger.json'), 'utf8')))
    const again = await runCommand(Pull, ['--connector', 'Contoso Inventory', '--out', out, '--json'], env)
    expect(again.json.result.written).toEqual([])
    expect(again.json.result.unchanged.sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'settings.json'])
  })

  it('exits 1 with CONNECTOR_NOT_FOUND and writes nothing for an unknown connector', async () => {
    const emulator = await startTestEmulator()
    const out = join(tempDir(), 'nothing')
    const result = await runCommand(Pull, ['--connector', 'shared_nope', '--out', out, '--json'], commandEnv(emulator.url))
    expect(result.exitCode).toBe(1)
    expect(result.json.code).toBe('CONNECTOR_NOT_FOUND')
    expect(existsSync(out)).toBe(false)
  })
})
