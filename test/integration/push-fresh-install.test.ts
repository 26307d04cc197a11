import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {cleanEnv, writeSimpleConnector} from '../helpers/sign-in-emulator.js'
import {tempDir} from '../helpers/temp-dir.js'

describe('a fresh install: no tenant, no emulator running, no cc.yaml (built CLI)', () => {
  it('push, list, push again, pull: each command starts the embedded emulator on the same data and stops it', async () => {
    const configDir = tempDir('cc-fresh-config-')
    const work = tempDir('cc-fresh-work-')
    const env = cleanEnv({CC_CONFIG_DIR: configDir}) as Record<string, string>
    writeSimpleConnector(join(work, 'inventory'))

    const first = await runCli(['push', 'inventory'], {cwd: work, env})
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toMatch(/^Created Contoso Inventory in dev through Dataverse: [0-9a-f-]{36}\n/)
    expect(first.stderr).toContain('Starting the local emulator')

    const list = await runCli(['connector', 'list', '--json'], {cwd: work, env})
    expect(list.json.result.connectors.map((c: {displayName: string}) => c.displayName)).toEqual(['Contoso Inventory'])

    const again = await runCli(['push', 'inventory', '--json'], {cwd: work, env})
    expect(again.json.result).toMatchObject({action: 'updated', target: 'dataverse'})

    const pull = await runCli(['pull', '--connector', 'Contoso Inventory', '--json'], {cwd: work, env})
    expect(pull.exitCode).toBe(0)
    expect(JSON.parse(readFileSync(join(work, 'contoso-inventory', 'apiDefinition.swagger.json'), 'utf8')).host).toBe('inventory.contoso.com')
    // Nothing keeps running: the data stays, the discovery file is gone.
    expect(existsSync(join(configDir, 'emulator', 'emulator.json'))).toBe(false)
  })
})
