import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {listConnectors, listEnvironments} from '../../../src/core/listing/listing.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {startTestEmulator, testContext, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'

describe('listing against the emulator', () => {
  it('lists the environments with their Dataverse URLs and the cc.yaml aliases that name them', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    writeFileSync(join(ctx.cwd, 'cc.yaml'), 'environments:\n  sandbox:\n    cloud: local\n    environmentId: test\n  mine:\n    cloud: local\n')
    const result = await listEnvironments({}, ctx)
    expect(result.cloud).toBe('local')
    expect(result.via).toBe('local')
    const rows = result.environments.map((e) => [e.displayName, e.isDefault, e.aliases])
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['dev', true, ['mine']],
      ['prod', false, []],
      ['test', false, ['sandbox']],
    ])
    expect(result.environments.find((e) => e.displayName === 'test')!.dataverseUrl).toBe(`${emulator.url}/dataverse/3f6d2a1b-7c84-4e59-a0b3-6c2d1e0f9a87`)
  })

  it('lists only custom connectors and follows every page', async () => {
    const emulator = await startTestEmulator({pageSize: 2})
    const ctx = testContext({emulatorUrl: emulator.url})
    const titles = ['Echo One', 'Echo Two', 'Echo Three', 'Echo Four', 'Echo Five']
    for (const title of titles) {
      writeSimpleConnector(join(ctx.cwd, title), {title})
      await pushConnector({path: title, env: 'local', target: 'rp', remember: false}, ctx)
    }
    const result = await listConnectors({env: 'local'}, ctx)
    expect(result.source).toBe('rp')
    expect(result.connectors.map((c) => c.displayName)).toEqual([...titles].sort())
    expect(result.connectors.every((c) => c.name?.startsWith('shared_echo-20'))).toBe(true)
    expect(ctx.steps.filter((s) => s.startsWith('Listing connectors'))).toEqual(['Listing connectors (2 so far)', 'Listing connectors (4 so far)', 'Listing connectors (5 so far)'])
  })

  it('lists the rows of the Dataverse connector table, every page', async () => {
    const emulator = await startTestEmulator({pageSize: 2})
    const ctx = testContext({emulatorUrl: emulator.url})
    for (const title of ['Delta Feed', 'Alpha Feed', 'Gamma Feed']) {
      writeSimpleConnector(join(ctx.cwd, title), {title})
      await pushConnector({path: title, env: 'local', target: 'dataverse', remember: false}, ctx)
    }
    const result = await listConnectors({env: 'local', target: 'dataverse'}, ctx)
    expect(result.source).toBe('dataverse')
    expect(result.connectors.map((c) => [c.displayName, c.logicalName])).toEqual([
      ['Alpha Feed', 'new_alpha-20feed'],
      ['Delta Feed', 'new_delta-20feed'],
      ['Gamma Feed', 'new_gamma-20feed'],
    ])
    expect(result.connectors.every((c) => /^[0-9a-f-]{36}$/.test(c.dataverseId ?? '') && c.name?.startsWith('shared_'))).toBe(true)
  })
})
