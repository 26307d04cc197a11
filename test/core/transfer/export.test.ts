import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoreContext} from '../../../src/core/context.js'
import {withSession} from '../../../src/core/environments/session.js'
import {exportConnectors} from '../../../src/core/transfer/export.js'
import type {ExportManifest} from '../../../src/core/transfer/manifest.js'
import {devEnv, startTestEmulator, type TestEmulator} from '../../helpers/emulator.js'
import {passThroughScript, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf, tinyPng, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'
import {createSolution, fileScratch, pushAll, transferContext} from '../../helpers/transfer-fixtures.js'
import {pushConnector} from '../../../src/core/push/push.js'

/** cc export against one emulator: three connectors in dev (OAuth with a secret and custom code in a solution, two plain ones). */
describe('exportConnectors', () => {
  let emulator: TestEmulator
  let root: string
  let ctx: CoreContext & {warnings: string[]}
  const secret = 'payments-secret-never-exported'

  beforeAll(async () => {
    emulator = await startTestEmulator()
    root = fileScratch('transfer-export-')
    ctx = transferContext(emulator.url, root)
    await createSolution(emulator.url, devEnv.id, 'ContosoConnectors', 'cts')
    writeSampleConnector(join(root, 'src', 'payments'), {clientSecret: null})
    await pushConnector({path: join(root, 'src', 'payments'), env: 'local:dev', solution: 'ContosoConnectors', clientSecret: secret, remember: false}, ctx)
    writeSimpleConnector(join(root, 'src', 'inventory'), {script: passThroughScript})
    writeSimpleConnector(join(root, 'src', 'weather'), {title: 'Contoso Weather', host: 'weather.contoso.com'})
    await pushAll([join(root, 'src', 'inventory'), join(root, 'src', 'weather')], 'local:dev', ctx)
  }, 60_000)

  afterAll(async () => {
    await emulator?.dispose()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  const manifestOf = (dir: string): ExportManifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))

  it('writes one folder per connector and a manifest, without secrets and with the generic redirect URL', async () => {
    const out = join(tempDir('export-'), 'dev')
    const result = await exportConnectors({env: 'local:dev', all: true, out}, ctx)
    expect(result.counts).toEqual({exported: 3, unchanged: 0, failed: 0})
    expect(result.source).toMatchObject({environmentId: devEnv.id, displayName: 'dev', cloud: 'local', readFrom: 'dataverse'})
    expect(readdirSync(out).sort()).toEqual(['.journal', 'contoso-inventory', 'contoso-payments-api', 'contoso-weather', 'manifest.json'])
    expect(readdirSync(join(out, 'contoso-payments-api')).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'script.csx'])
    expect(readFileSync(join(out, 'contoso-inventory', 'script.csx'), 'utf8')).toBe(passThroughScript)
    expect(readFileSync(join(out, 'contoso-inventory', 'icon.png'))).toEqual(tinyPng)

    const properties = readFileSync(join(out, 'contoso-payments-api', 'apiProperties.json'), 'utf8')
    expect(properties).not.toContain(secret)
    expect(properties).not.toMatch(/clientSecret/)
    const oauth = JSON.parse(properties).properties.connectionParameters.token.oAuthSettings
    expect(oauth.redirectUrl).toBe('https://global.consent.azure-apim.net/redirect')
    expect(oauth.clientId).toBe('5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c')
    expect(JSON.parse(readFileSync(join(out, 'contoso-payments-api', 'apiDefinition.swagger.json'), 'utf8')).info.title).toBe('Contoso Payments API')
    for (const file of readdirSync(out, {recursive: true, withFileTypes: true}).filter((e) => e.isFile())) {
      expect(readFileSync(join(file.parentPath, file.name), 'latin1'), file.name).not.toContain(secret)
    }

    const manifest = manifestOf(out)
    expect(manifest).toMatchObject({format: 'cc-connector-export', version: 1, source: {environmentId: devEnv.id}})
    const payments = manifest.connectors.find((c) => c.folder === 'contoso-payments-api')!
    expect(payments).toMatchObject({displayName: 'Contoso Payments API', auth: 'oauth', needsSecret: true, managedIdentity: false, clientIds: ['5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c']})
    expect(payments.source).toMatchObject({logicalName: 'cts_contoso-20payments-20api', surfaces: ['rp', 'dataverse'], solutions: ['ContosoConnectors']})
    expect(payments.source.redirectUrl).toBe(`https://global.consent.azure-apim.net/redirect/${payments.source.name!.replace(/^shared_/, '')}`)
    expect(payments.files).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'script.csx'])
    expect(payments.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(manifest.connectors.find((c) => c.folder === 'contoso-weather')).toMatchObject({auth: 'none', source: {solutions: []}})
  })

  it('picks connectors by display name or id, and names unknown ones before writing anything', async () => {
    const out = join(tempDir('export-'), 'some')
    const all = await withSession({env: 'local:dev'}, ctx, async (s) => s.powerApps.listConnectors(devEnv.id, {customOnly: true}))
    const inventory = all.find((a) => a.properties?.displayName === 'Contoso Inventory')!
    const result = await exportConnectors({env: 'local:dev', connectors: ['contoso weather', inventory.name], out}, ctx)
    expect(result.connectors.map((c) => c.folder).sort()).toEqual(['contoso-inventory', 'contoso-weather'])

    const missing = await ccErrorOf(exportConnectors({env: 'local:dev', connectors: ['Contoso Weather', 'No Such Connector'], out: join(tempDir('export-'), 'x')}, ctx))
    expect(missing).toMatchObject({code: 'CONNECTOR_NOT_FOUND'})
    expect(missing.message).toContain('"No Such Connector"')
    const nothing = await ccErrorOf(exportConnectors({env: 'local:dev', out: join(tempDir('export-'), 'y')}, ctx))
    expect(nothing).toMatchObject({code: 'EXPORT_NOTHING_SELECTED', exitCode: 2})
  })

  it('resumes: a second run reads nothing again, a changed connector is exported again', async () => {
    const out = join(tempDir('export-'), 'dev')
    await exportConnectors({env: 'local:dev', all: true, out}, ctx)
    const again = await exportConnectors({env: 'local:dev', all: true, out}, ctx)
    expect(again.counts).toEqual({exported: 0, unchanged: 3, failed: 0})
    expect(manifestOf(out).connectors).toHaveLength(3)

    // A folder edited or lost since is written again even if the source did not change.
    rmSync(join(out, 'contoso-weather', 'icon.png'))
    const changed = join(root, 'src', 'weather')
    writeFileSync(join(changed, 'script.csx'), passThroughScript)
    await pushConnector({path: changed, env: 'local:dev', remember: false, validate: false}, ctx)
    const third = await exportConnectors({env: 'local:dev', all: true, out}, ctx)
    expect(third.connectors.filter((c) => c.status === 'exported').map((c) => c.folder)).toEqual(['contoso-weather'])
    expect(existsSync(join(out, 'contoso-weather', 'script.csx'))).toBe(true)
    expect(readdirSync(out).filter((n) => n.includes('.staging') || n.includes('.old'))).toEqual([])
  })

  it('refuses a folder that holds something else, or the export of another environment', async () => {
    const foreign = tempDir('export-')
    writeFileSync(join(foreign, 'notes.txt'), 'mine')
    const notEmpty = await ccErrorOf(exportConnectors({env: 'local:dev', all: true, out: foreign}, ctx))
    expect(notEmpty).toMatchObject({code: 'EXPORT_FOLDER_NOT_EMPTY'})
    expect(readdirSync(foreign)).toEqual(['notes.txt'])

    const out = join(tempDir('export-'), 'dev')
    await exportConnectors({env: 'local:dev', connectors: ['Contoso Weather'], out}, ctx)
    const other = await ccErrorOf(exportConnectors({env: 'local:test', all: true, out}, ctx))
    expect(other).toMatchObject({code: 'EXPORT_FOLDER_IN_USE'})

    const broken = join(tempDir('export-'), 'broken')
    mkdirSync(broken)
    writeFileSync(join(broken, 'manifest.json'), '{"format": "cc-connector-export", "version": 1, "source": {"environmentId": "x"}, "connectors": [{"folder": "../escape", "displayName": "x"}]}')
    const invalid = await ccErrorOf(exportConnectors({env: 'local:dev', all: true, out: broken}, ctx))
    expect(invalid).toMatchObject({code: 'EXPORT_MANIFEST_INVALID', line: 1})
  })

  it('with --all, drops connectors the source no longer has; with --connector, keeps the others', async () => {
    const out = join(tempDir('export-'), 'dev')
    await exportConnectors({env: 'local:dev', all: true, out}, ctx)
    const weather = manifestOf(out).connectors.find((c) => c.folder === 'contoso-weather')!
    await withSession({env: 'local:dev'}, ctx, async (s) => s.powerApps.deleteConnector(devEnv.id, weather.source.name!))
    const some = await exportConnectors({env: 'local:dev', connectors: ['Contoso Inventory'], out}, ctx)
    expect(some.removed).toEqual([])
    expect(manifestOf(out).connectors.map((c) => c.folder)).toEqual(['contoso-inventory', 'contoso-payments-api', 'contoso-weather'])
    const all = await exportConnectors({env: 'local:dev', all: true, out}, ctx)
    expect(all.removed).toEqual(['contoso-weather'])
    expect(existsSync(join(out, 'contoso-weather'))).toBe(false)
    expect(manifestOf(out).connectors.map((c) => c.folder)).toEqual(['contoso-inventory', 'contoso-payments-api'])
  })

  it('reads from the Power Apps resource provider with --target rp, with the same content', async () => {
    const viaDataverse = join(tempDir('export-'), 'dv')
    const viaRp = join(tempDir('export-'), 'rp')
    await exportConnectors({env: 'local:dev', connectors: ['Contoso Inventory'], out: viaDataverse}, ctx)
    const result = await exportConnectors({env: 'local:dev', connectors: ['Contoso Inventory'], out: viaRp, target: 'rp'}, ctx)
    expect(result.source.readFrom).toBe('rp')
    for (const file of ['apiDefinition.swagger.json', 'script.csx', 'icon.png']) {
      expect(readFileSync(join(viaRp, 'contoso-inventory', file)), file).toEqual(readFileSync(join(viaDataverse, 'contoso-inventory', file)))
    }
    const rpProps = JSON.parse(readFileSync(join(viaRp, 'contoso-inventory', 'apiProperties.json'), 'utf8')).properties
    const dvProps = JSON.parse(readFileSync(join(viaDataverse, 'contoso-inventory', 'apiProperties.json'), 'utf8')).properties
    expect(rpProps.connectionParameters).toEqual(dvProps.connectionParameters)
    expect(rpProps.iconBrandColor).toBe(dvProps.iconBrandColor)
  })
})
