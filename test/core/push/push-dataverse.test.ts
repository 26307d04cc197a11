import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {withSession} from '../../../src/core/environments/session.js'
import {connectorLogicalName, deterministicConnectorId} from '../../../src/core/naming/connector-names.js'
import {pullConnector} from '../../../src/core/pull/pull.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {passThroughScript, seeded, secretMatches, startTestEmulator, testContext, type TestContext, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf, tinyPng, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'

async function rows(ctx: TestContext, env = 'local') {
  return withSession({env}, ctx, async (s) => (await s.dataverse()).listConnectors())
}

/** A publisher with its own prefix and an unmanaged solution of it, made through the Web API. */
async function createSolution(ctx: TestContext, uniqueName: string, prefix: string): Promise<void> {
  await withSession({env: 'local'}, ctx, async (s) => {
    const dataverse = await s.dataverse()
    const publisherid = 'b7d4c2a1-1111-4a2b-9c3d-4e5f6a7b8c9d'
    await dataverse.http.request({method: 'POST', path: 'api/data/v9.2/publishers', json: {publisherid, uniquename: 'contoso', friendlyname: 'Contoso', customizationprefix: prefix, customizationoptionvalueprefix: 12345}})
    await dataverse.http.request({method: 'POST', path: 'api/data/v9.2/solutions', json: {uniquename: uniqueName, friendlyname: uniqueName, version: '1.0.0.0', 'publisherid@odata.bind': `/publishers(${publisherid})`}})
  })
}

describe('cc push --target dataverse against the emulator', () => {
  it('is the default where the environment has Dataverse: a row with the deterministic id, found again on the next push', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    writeSimpleConnector(join(ctx.cwd, 'inventory'))
    const logicalName = connectorLogicalName('new', 'Contoso Inventory')
    const first = await pushConnector({path: 'inventory', env: 'local'}, ctx)
    expect(first).toMatchObject({action: 'created', target: 'dataverse', connector: {logicalName, dataverseId: deterministicConnectorId(logicalName)}, icon: 'uploaded'})
    expect(first.connector.name).toMatch(/^shared_/)

    const second = await pushConnector({path: 'inventory', env: 'local'}, ctx)
    expect(second).toMatchObject({action: 'updated', foundBy: 'deterministic id', connector: {dataverseId: first.connector.dataverseId, name: first.connector.name}})
    expect((await rows(ctx)).map((r) => r.name)).toEqual([logicalName])
    // settings.json keeps paconn's meaning: the runtime (RP) name.
    expect(JSON.parse(readFileSync(join(ctx.cwd, 'inventory', 'settings.json'), 'utf8')).connectorId).toBe(first.connector.name)
  })

  it('writes into a solution with the solution publisher prefix, not new_', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    await createSolution(ctx, 'ContosoConnectors', 'cts')
    writeSimpleConnector(join(ctx.cwd, 'inventory'))
    const result = await pushConnector({path: 'inventory', env: 'local', target: 'dataverse', solution: 'ContosoConnectors'}, ctx)
    expect(result.connector).toMatchObject({logicalName: 'cts_contoso-20inventory', solution: 'ContosoConnectors', dataverseId: deterministicConnectorId('cts_contoso-20inventory')})
    const components = await withSession({env: 'local'}, ctx, async (s) => {
      const dataverse = await s.dataverse()
      return (await dataverse.http.get<{value: Array<{objectid: string; componenttype: number}>}>('api/data/v9.2/solutioncomponents', {$filter: `objectid eq ${result.connector.dataverseId}`})).value
    })
    expect(components.some((c) => c.componenttype === 372)).toBe(true)

    const missing = await ccErrorOf(pushConnector({path: 'inventory', env: 'local', target: 'dataverse', solution: 'NoSuchSolution'}, ctx))
    expect(missing).toMatchObject({code: 'SOLUTION_NOT_FOUND', exitCode: 2})
  })

  it('sets the OAuth secret on the runtime connector (Dataverse never stores it) and returns the redirect URL', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'payments')
    writeSampleConnector(dir, {clientSecret: null})
    const result = await pushConnector({path: dir, env: 'local', target: 'dataverse', clientSecret: 'dataverse-route-secret'}, ctx)
    expect(result).toMatchObject({action: 'created', secret: 'sent', script: 'uploaded'})
    expect(result.redirectUrl).toBe(`https://global.consent.azure-apim.net/redirect/${result.connector.name!.replace(/^shared_/, '')}`)
    expect(await secretMatches(emulator.url, seeded.devEnvironment, result.connector.name!, 'dataverse-route-secret')).toBe(true)
  })

  it('keeps custom code on an update without a script and removes it with removeScript', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'coded')
    writeSimpleConnector(dir, {title: 'Coded Connector', script: passThroughScript})
    const created = await pushConnector({path: dir, env: 'local', target: 'dataverse'}, ctx)
    const code = async () => withSession({env: 'local'}, ctx, async (s) => (await (await s.dataverse()).getConnector(created.connector.dataverseId!, ['customcodeblobcontent']))?.customcodeblobcontent)
    expect(await code()).toBe(passThroughScript)
    rmSync(join(dir, 'script.csx'))
    expect((await pushConnector({path: dir, env: 'local', target: 'dataverse'}, ctx)).script).toBe('kept')
    expect(await code()).toBe(passThroughScript)
    expect((await pushConnector({path: dir, env: 'local', target: 'dataverse', removeScript: true}, ctx)).script).toBe('removed')
    expect(await code()).toBeNull()
  })

  it('gives the same connector the same connectorid in two environments, with its own runtime name and redirect URL in each', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'payments')
    writeSampleConnector(dir, {clientSecret: null, script: false})
    const dev = await pushConnector({path: dir, env: 'local:dev', target: 'dataverse', clientSecret: 's1', remember: false}, ctx)
    const test = await pushConnector({path: dir, env: 'local:test', target: 'dataverse', clientSecret: 's2', remember: false}, ctx)
    expect(test.connector.dataverseId).toBe(dev.connector.dataverseId)
    expect(test.connector.name).not.toBe(dev.connector.name)
    expect(test.redirectUrl).not.toBe(dev.redirectUrl)
  })

  it('pulls a connector back from the Dataverse table', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'coded')
    writeSimpleConnector(dir, {title: 'Coded Connector', script: passThroughScript})
    const pushed = await pushConnector({path: dir, env: 'local', target: 'dataverse'}, ctx)
    const pulled = await pullConnector({env: 'local', connector: pushed.connector.dataverseId!, out: 'back'}, ctx)
    expect(pulled).toMatchObject({source: 'dataverse', connector: {dataverseId: pushed.connector.dataverseId, name: pushed.connector.name}})
    const out = join(ctx.cwd, 'back')
    expect(JSON.parse(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8')))
    expect(readFileSync(join(out, 'script.csx'), 'utf8')).toBe(passThroughScript)
    expect(readFileSync(join(out, 'icon.png'))).toEqual(tinyPng)
    const props = JSON.parse(readFileSync(join(out, 'apiProperties.json'), 'utf8')).properties
    expect(props).toEqual({connectionParameters: {}, iconBrandColor: '#107c10', scriptOperations: ['ListItems'], policyTemplateInstances: []})
  })
})
