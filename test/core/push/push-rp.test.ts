import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {withSession} from '../../../src/core/environments/session.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {cleanEnv, passThroughScript, seeded, secretMatches, startTestEmulator, testContext, type TestContext, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'

async function customConnectors(ctx: TestContext, env = 'local') {
  return withSession({env}, ctx, async (s) => s.powerApps.listConnectors((await s.environment()).environmentId, {customOnly: true}))
}

async function rpConnector(ctx: TestContext, name: string, env = 'local') {
  return withSession({env}, ctx, async (s) => s.powerApps.getConnector((await s.environment()).environmentId, name))
}

describe('cc push --target rp against the emulator', () => {
  it('creates a connector, remembers its id in settings.json, and updates it in place on the next push', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'inventory')
    writeSimpleConnector(dir)

    const first = await pushConnector({path: 'inventory', env: 'local', target: 'rp'}, ctx)
    expect(first).toMatchObject({action: 'created', target: 'rp', icon: 'uploaded', script: 'none', secret: 'not needed', environment: {id: seeded.devEnvironment, displayName: 'dev', cloud: 'local'}})
    expect(first.connector.name).toMatch(/^shared_contoso-20inventory-5f[0-9a-f]+-5f[0-9a-f]+$/)
    expect(first.portalUrl).toBe(`${emulator.url}/make/environments/${seeded.devEnvironment}/customconnectors`)
    const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))
    expect(Object.keys(settings)).toEqual(['connectorId', 'environment', 'apiProperties', 'apiDefinition', 'icon', 'powerAppsApiVersion'])
    expect(settings).toMatchObject({connectorId: first.connector.name, environment: seeded.devEnvironment, icon: 'icon.png'})

    const second = await pushConnector({path: 'inventory', env: 'local', target: 'rp'}, ctx)
    expect(second).toMatchObject({action: 'updated', foundBy: 'settings.json', connector: {name: first.connector.name}})
    expect(second.remembered).toEqual([])

    // Without settings.json the connector is found by its display name: still no duplicate.
    rmSync(join(dir, 'settings.json'))
    const third = await pushConnector({path: 'inventory', env: 'local', target: 'rp'}, ctx)
    expect(third).toMatchObject({action: 'updated', foundBy: 'display name', connector: {name: first.connector.name}})
    expect((await customConnectors(ctx)).map((c) => c.name)).toEqual([first.connector.name])
  })

  it('keeps existing custom code when updating without a script, and removes it only with removeScript', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'coded')
    writeSimpleConnector(dir, {title: 'Coded Connector', script: passThroughScript})
    const created = await pushConnector({path: dir, env: 'local', target: 'rp'}, ctx)
    expect(created.script).toBe('uploaded')
    const name = created.connector.name!
    const withCode = await rpConnector(ctx, name)
    const scriptUrl = withCode!.properties!.scriptDefinitionUrl!
    expect(await (await fetch(scriptUrl)).text()).toBe(passThroughScript)

    rmSync(join(dir, 'script.csx'))
    const kept = await pushConnector({path: dir, env: 'local', target: 'rp'}, ctx)
    expect(kept.script).toBe('kept')
    expect((await rpConnector(ctx, name))!.properties!.scriptDefinitionUrl).toBeDefined()

    const removed = await pushConnector({path: dir, env: 'local', target: 'rp', removeScript: true}, ctx)
    expect(removed.script).toBe('removed')
    expect((await rpConnector(ctx, name))!.properties!.scriptDefinitionUrl).toBeUndefined()
  })

  it('needs the OAuth client secret on create, takes it from an environment variable, and keeps it on later updates', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url, env: {PAYMENTS_SECRET: 'oauth-secret-from-env'}})
    const dir = join(ctx.cwd, 'payments')
    writeSampleConnector(dir, {clientSecret: null})

    const missing = await ccErrorOf(pushConnector({path: dir, env: 'local', target: 'rp'}, ctx))
    expect(missing).toMatchObject({code: 'OAUTH_SECRET_REQUIRED', exitCode: 2})

    const created = await pushConnector({path: dir, env: 'local', target: 'rp', clientSecretEnv: 'PAYMENTS_SECRET'}, ctx)
    expect(created).toMatchObject({action: 'created', secret: 'sent', script: 'uploaded'})
    expect(created.redirectUrl).toBe(`https://global.consent.azure-apim.net/redirect/${created.connector.name!.replace(/^shared_/, '')}`)
    expect(await secretMatches(emulator.url, seeded.devEnvironment, created.connector.name!, 'oauth-secret-from-env')).toBe(true)

    const updated = await pushConnector({path: dir, env: 'local', target: 'rp'}, ctx)
    expect(updated).toMatchObject({action: 'updated', secret: 'kept by the service'})
    expect(await secretMatches(emulator.url, seeded.devEnvironment, created.connector.name!, 'oauth-secret-from-env')).toBe(true)

    const rotated = await pushConnector({path: dir, env: 'local', target: 'rp', clientSecret: 'rotated-secret-from-stdin'}, ctx)
    expect(rotated.secret).toBe('sent')
    expect(await secretMatches(emulator.url, seeded.devEnvironment, created.connector.name!, 'rotated-secret-from-stdin')).toBe(true)
    expect(JSON.stringify(rotated)).not.toContain('rotated-secret-from-stdin')
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain('secret-from')
  })

  it('applies the environment parameters of cc.yaml and writes the id back into cc.yaml, keeping comments', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    writeFileSync(
      join(ctx.cwd, 'cc.yaml'),
      [
        '# Contoso connectors',
        'environments:',
        '  # the test environment of the emulator',
        '  staging:',
        '    cloud: local',
        '    environmentId: test',
        '    parameters:',
        '      host: inventory-staging.contoso.com   # staging backend',
        '    connectors:',
        '      inventory:',
        '        parameters: {basePath: /v2}',
        '',
      ].join('\n'),
    )
    writeSimpleConnector(join(ctx.cwd, 'inventory'))
    const result = await pushConnector({path: 'inventory', env: 'staging', target: 'rp'}, ctx)
    expect(result).toMatchObject({action: 'created', environment: {ref: 'staging', alias: 'staging', id: seeded.testEnvironment}, parametersApplied: ['host', 'basePath']})
    expect(result.remembered).toEqual(['inventory/settings.json', 'cc.yaml'])
    const registration = await rpConnector(ctx, result.connector.name!, 'staging')
    expect(registration!.properties!.metadata!.serviceUrl).toBe('https://inventory-staging.contoso.com/v2')
    const yaml = readFileSync(join(ctx.cwd, 'cc.yaml'), 'utf8')
    expect(yaml).toContain('# the test environment of the emulator')
    expect(yaml).toContain('# staging backend')
    expect(yaml).toContain(`        id: ${result.connector.name}`)
    // The file on disk still has the original host: parameters change only what is sent.
    expect(readFileSync(join(ctx.cwd, 'inventory', 'apiDefinition.swagger.json'), 'utf8')).toContain('"host": "inventory.contoso.com"')

    const again = await pushConnector({path: 'inventory', env: 'staging', target: 'rp'}, ctx)
    expect(again).toMatchObject({action: 'updated', foundBy: 'cc.yaml'})
  })

  it('returns the managed-identity issuer and subject the platform assigns', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'arm')
    writeSampleConnector(dir, {clientSecret: null, script: false})
    const path = join(dir, 'apiProperties.json')
    const props = JSON.parse(readFileSync(path, 'utf8'))
    const oauth = props.properties.connectionParameters.token.oAuthSettings
    oauth.properties.UseManagedIdentity = 'True'
    oauth.customParameters.tenantId.value = '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60'
    writeFileSync(path, JSON.stringify(props, null, 2))
    const result = await pushConnector({path: dir, env: 'local', target: 'rp'}, ctx)
    expect(result.secret).toBe('not needed')
    expect(result.managedIdentity?.issuer).toMatch(/^https:\/\//)
    expect(result.managedIdentity?.subject).toEqual(expect.any(String))
  })

  it('retries a throttled create (429 with Retry-After) and succeeds without a duplicate', async () => {
    const emulator = await startTestEmulator({faults: '429,retry-after=1,route=powerapps.apis.create,first=1'})
    const ctx = testContext({emulatorUrl: emulator.url})
    writeSimpleConnector(join(ctx.cwd, 'inventory'))
    const result = await pushConnector({path: 'inventory', env: 'local', target: 'rp'}, ctx)
    expect(result.action).toBe('created')
    expect(ctx.steps.some((s) => /Power Apps answered 429; retrying in 1\.0 s/.test(s))).toBe(true)
    expect(await customConnectors(ctx)).toHaveLength(1)
  })

  it('fails clearly on a persistent 5xx, with the request id, and writes nothing locally', async () => {
    const emulator = await startTestEmulator({faults: '503,retry-after=0,route=powerapps.apis.create'})
    const ctx = testContext({emulatorUrl: emulator.url, env: {CC_HTTP_RETRIES: '2'}})
    const dir = join(ctx.cwd, 'inventory')
    writeSimpleConnector(dir)
    const error = await ccErrorOf(pushConnector({path: dir, env: 'local', target: 'rp'}, ctx))
    expect(error).toMatchObject({code: 'API_SERVICE_ERROR', status: 503, exitCode: 1})
    expect(error.message).toMatch(/Power Apps answered 503 Service Unavailable while creating the connector: ServiceUnavailable: .*request id [0-9a-f-]{36}\)/)
    expect(error.message).toMatch(/Gave up after 3 attempts/)
    expect(existsSync(join(dir, 'settings.json'))).toBe(false)
  })

  it('stops before sending anything when local validation finds errors', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const dir = join(ctx.cwd, 'broken')
    writeSimpleConnector(dir)
    writeFileSync(join(dir, 'apiProperties.json'), '{"properties": {"iconBrandColor": "#107c10",}}')
    const error = await ccErrorOf(pushConnector({path: dir, env: 'local', target: 'rp'}, {...ctx, env: cleanEnv({CC_EMULATOR_URL: emulator.url})}))
    expect(error).toMatchObject({code: 'VALIDATION_FAILED', exitCode: 3})
    expect(await customConnectors(ctx)).toHaveLength(0)
  })
})
