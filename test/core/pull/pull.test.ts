import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {pullConnector} from '../../../src/core/pull/pull.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {seeded, startTestEmulator, testContext} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf, tinyPng, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))

describe('cc pull against the emulator', () => {
  it('round-trips: push then pull gives the same connector, with paconn key order and no secret', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const source = join(ctx.cwd, 'payments')
    writeSampleConnector(source, {clientSecret: null})
    const pushed = await pushConnector({path: source, env: 'local', target: 'rp', clientSecret: 'round-trip-secret'}, ctx)

    const pulled = await pullConnector({env: 'local', connector: pushed.connector.name!, out: 'pulled'}, ctx)
    expect(pulled).toMatchObject({source: 'rp', folder: 'pulled', connector: {name: pushed.connector.name, displayName: 'Contoso Payments API'}})
    expect(pulled.written.sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'script.csx', 'settings.json'])
    const out = join(ctx.cwd, 'pulled')

    expect(readJson(join(out, 'apiDefinition.swagger.json'))).toEqual(readJson(join(source, 'apiDefinition.swagger.json')))
    // The big integer example survives (the original swagger, not a re-parsed copy with lost precision).
    expect(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8')).toContain('9007199254740991')
    expect(readFileSync(join(out, 'icon.png'))).toEqual(tinyPng)
    expect(readFileSync(join(out, 'script.csx'), 'utf8')).toBe(readFileSync(join(source, 'script.csx'), 'utf8'))

    const original = readJson(join(source, 'apiProperties.json')).properties
    const props = readJson(join(out, 'apiProperties.json')).properties
    expect(Object.keys(props)).toEqual(['connectionParameters', 'iconBrandColor', 'scriptOperations', 'capabilities', 'policyTemplateInstances', 'publisher', 'stackOwner'])
    const oauth = props.connectionParameters.token.oAuthSettings
    expect(oauth.clientSecret).toBeUndefined()
    // The platform gives GlobalPerConnector connectors their own redirect URL; everything else is as pushed.
    expect(oauth.redirectUrl).toBe(pushed.redirectUrl)
    expect({...oauth, redirectUrl: undefined}).toEqual({...original.connectionParameters.token.oAuthSettings, clientSecret: undefined, redirectUrl: undefined})
    for (const key of ['iconBrandColor', 'scriptOperations', 'capabilities', 'policyTemplateInstances', 'publisher', 'stackOwner']) expect(props[key]).toEqual(original[key])
    expect(readFileSync(join(out, 'apiProperties.json'), 'utf8')).not.toContain('round-trip-secret')
    expect(readJson(join(out, 'settings.json'))).toEqual({
      connectorId: pushed.connector.name,
      environment: seeded.devEnvironment,
      apiProperties: 'apiProperties.json',
      apiDefinition: 'apiDefinition.swagger.json',
      icon: 'icon.png',
      script: 'script.csx',
      powerAppsApiVersion: '2016-11-01',
    })

    // The pulled folder pushes back onto the same connector.
    const again = await pushConnector({path: out, env: 'local', target: 'rp'}, ctx)
    expect(again).toMatchObject({action: 'updated', foundBy: 'settings.json', connector: {name: pushed.connector.name}})
  })

  it('finds a connector by display name, and refuses to overwrite local changes unless forced', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    writeSampleConnector(join(ctx.cwd, 'src'), {clientSecret: null, script: false})
    await pushConnector({path: 'src', env: 'local', target: 'rp', clientSecret: 'x-secret'}, ctx)

    const first = await pullConnector({env: 'local', connector: 'contoso payments api'}, ctx)
    expect(first.folder).toBe('contoso-payments-api')
    const again = await pullConnector({env: 'local', connector: 'Contoso Payments API'}, ctx)
    expect(again.written).toEqual([])
    expect(again.unchanged.sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'settings.json'])

    const path = join(ctx.cwd, 'contoso-payments-api', 'apiDefinition.swagger.json')
    const edited = readFileSync(path, 'utf8').replace('List payments', 'List all payments')
    writeFileSync(path, edited)
    const refused = await ccErrorOf(pullConnector({env: 'local', connector: 'Contoso Payments API'}, ctx))
    expect(refused).toMatchObject({code: 'PULL_WOULD_OVERWRITE'})
    expect(refused.message).toContain('apiDefinition.swagger.json')
    expect(readFileSync(path, 'utf8')).toBe(edited)

    const forced = await pullConnector({env: 'local', connector: 'Contoso Payments API', force: true}, ctx)
    expect(forced.written).toEqual(['apiDefinition.swagger.json'])
    expect(readFileSync(path, 'utf8')).not.toContain('List all payments')
  })

  it('says which connectors exist when the one asked for does not', async () => {
    const emulator = await startTestEmulator()
    const ctx = testContext({emulatorUrl: emulator.url})
    const error = await ccErrorOf(pullConnector({env: 'local', connector: 'No Such Connector'}, ctx))
    expect(error).toMatchObject({code: 'CONNECTOR_NOT_FOUND', suggestions: ['cc connector list --env local']})
  })
})
