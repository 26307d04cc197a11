import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {login} from '../../../src/core/auth/login.js'
import {listConnectors} from '../../../src/core/listing/listing.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {startTestEmulator, testContext, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf} from '../../helpers/solution-zip-fixtures.js'

describe('service failures during push and listing', () => {
  it('survives a dropped connection on a read (retried) and lists everything', async () => {
    const emulator = await startTestEmulator({faults: 'reset,route=powerapps.apis.list,first=1'})
    const ctx = testContext({emulatorUrl: emulator.url})
    writeSimpleConnector(join(ctx.cwd, 'inventory'))
    const result = await pushConnector({path: 'inventory', env: 'local', target: 'rp'}, ctx)
    expect(result.action).toBe('created')
    expect((await listConnectors({env: 'local'}, ctx)).connectors).toHaveLength(1)
  })

  it('reports 403 from Dataverse with the service message and request id, and writes nothing', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({
      emulatorUrl: emulator.url,
      env: {AZURE_TENANT_ID: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60', AZURE_CLIENT_ID: '7b6a5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d', AZURE_CLIENT_SECRET: 'emulator-limited-secret'},
    })
    const dir = join(ctx.cwd, 'inventory')
    writeSimpleConnector(dir)
    const error = await ccErrorOf(pushConnector({path: dir, env: 'local', target: 'dataverse'}, ctx))
    expect(error).toMatchObject({code: 'API_FORBIDDEN', status: 403, exitCode: 1})
    expect(error.message).toMatch(/^Dataverse answered 403 Forbidden while reading solution Default: 0x80072560: The user is not a member of the organization\..*request id [0-9a-f-]{36}\)$/)
    expect(existsSync(join(dir, 'settings.json'))).toBe(false)
  })

  it('turns a token from another tenant into exit 4 naming the login', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    await login({env: 'local', method: 'client-secret', clientId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', tenant: '2d4c6e8a-1b3f-4a5c-8e7d-9f0a1b2c3d4e', clientSecret: 'emulator-fabrikam-secret', clientSecretEnv: undefined}, ctx)
    writeSimpleConnector(join(ctx.cwd, 'inventory'))
    const error = await ccErrorOf(pushConnector({path: 'inventory', env: 'local', target: 'rp'}, ctx))
    expect(error).toMatchObject({code: 'AUTH_WRONG_TENANT', exitCode: 4, suggestions: ['cc login --env local']})
    expect(error.message).toMatch(/InvalidAuthenticationTokenTenant/)
  })
})
