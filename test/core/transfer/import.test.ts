import {cpSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoreContext} from '../../../src/core/context.js'
import {withSession} from '../../../src/core/environments/session.js'
import {exportConnectors} from '../../../src/core/transfer/export.js'
import {importConnectors} from '../../../src/core/transfer/import.js'
import {prodEnv, startTestEmulator, type TestEmulator, testEnv} from '../../helpers/emulator.js'
import {secretMatches, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'
import {appWithCredentials, fileScratch, pushAll, transferContext, WriteLog} from '../../helpers/transfer-fixtures.js'
import {pushConnector} from '../../../src/core/push/push.js'

/**
 * cc import against one emulator. dev holds an OAuth connector with a secret, a plain one and the sample
 * managed-identity connector; they are exported once, then imported into test and prod in several ways.
 */
describe('importConnectors', () => {
  let emulator: TestEmulator
  let root: string
  let ctx: CoreContext & {warnings: string[]}
  let exported: string
  const writes = new WriteLog()
  const armApp = '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'

  beforeAll(async () => {
    emulator = await startTestEmulator({onRequest: writes.onRequest})
    root = fileScratch('transfer-import-')
    ctx = transferContext(emulator.url, root, {PAYMENTS_SECRET: 'payments-test-secret', OTHER_SECRET: 'rotated-secret'})
    writeSampleConnector(join(root, 'src', 'payments'), {clientSecret: null, script: false})
    await pushConnector({path: join(root, 'src', 'payments'), env: 'local:dev', clientSecret: 'dev-secret', remember: false}, ctx)
    writeSimpleConnector(join(root, 'src', 'inventory'))
    cpSync(join(process.cwd(), 'connectors', 'azure-resource-manager'), join(root, 'src', 'arm'), {recursive: true})
    await pushAll([join(root, 'src', 'inventory'), join(root, 'src', 'arm')], 'local:dev', ctx)
    exported = join(root, 'export')
    await exportConnectors({env: 'local:dev', all: true, out: exported}, ctx)
    writes.take()
  }, 60_000)

  afterAll(async () => {
    await emulator?.dispose()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  /** A copy of the export (each test has its own journal). */
  const copy = (): string => {
    const dir = join(tempDir('import-'), 'export')
    cpSync(exported, dir, {recursive: true})
    return dir
  }

  it('--plan says exactly what would change and writes nothing', async () => {
    const result = await importConnectors({dir: copy(), env: 'local:test', plan: true, secrets: {envVars: ['contoso-payments-api=PAYMENTS_SECRET']}}, ctx)
    expect(writes.take()).toEqual([])
    expect(result.applied).toBe(false)
    expect(result.connectors).toEqual([])
    const byFolder = Object.fromEntries(result.plan.connectors.map((c) => [c.folder, c]))
    expect(byFolder['contoso-payments-api']).toMatchObject({action: 'create', auth: 'oauth', secret: 'send', redirectUris: [{appId: armApp, action: 'after import'}], credentials: []})
    expect(byFolder['contoso-inventory']).toMatchObject({action: 'create', auth: 'none', secret: 'not needed', redirectUris: [], credentials: []})
    expect(byFolder['azure-resource-manager']).toMatchObject({action: 'create', auth: 'managed-identity', credentials: [{appId: armApp, name: 'Azure-Resource-Manager-3f6d2a1b', action: 'create'}]})
    expect(result.plan.apps).toEqual([expect.objectContaining({appId: armApp, credentials: {existing: 0, create: 1, update: 0, limit: 20}, redirectUris: {add: [], afterImport: 2}})])
    expect(result.plan.changes).toBe(6)
    expect(result.plan.target).toMatchObject({environmentId: testEnv.id, surface: 'dataverse'})
  })

  it('asks first: without --yes and without a terminal it refuses (exit 2); a "no" at the terminal changes nothing', async () => {
    const dir = copy()
    const refused = await ccErrorOf(importConnectors({dir, env: 'local:test', secrets: {envVars: ['PAYMENTS_SECRET']}}, ctx))
    expect(refused).toMatchObject({code: 'CONFIRMATION_REQUIRED', exitCode: 2})
    expect(refused.suggestions.join('\n')).toMatch(/--plan[\s\S]*--yes/)
    const asked: number[] = []
    const cancelled = await ccErrorOf(importConnectors({dir, env: 'local:test', secrets: {envVars: ['PAYMENTS_SECRET']}, confirm: async (plan) => (asked.push(plan.changes), false)}, {...ctx, interactive: true}))
    expect(cancelled).toMatchObject({code: 'CANCELLED'})
    expect(asked).toEqual([6])
    expect(writes.take()).toEqual([])
  })

  it('imports with the fix-ups, sends the secret, and a second run changes nothing', async () => {
    const dir = copy()
    const first = await importConnectors({dir, env: 'local:prod', yes: true, secrets: {envVars: ['PAYMENTS_SECRET']}}, ctx)
    expect(first.counts).toEqual({created: 3, updated: 0, unchanged: 0, failed: 0})
    const payments = first.connectors.find((c) => c.folder === 'contoso-payments-api')!
    expect(payments).toMatchObject({status: 'created', secret: 'sent', redirectUris: [{appId: armApp, action: 'added'}]})
    expect(await secretMatches(emulator.url, prodEnv.id, payments.target.name!, 'payments-test-secret')).toBe(true)
    const arm = first.connectors.find((c) => c.folder === 'azure-resource-manager')!
    expect(arm.credentials).toEqual([{appId: armApp, name: 'Azure-Resource-Manager-c1e4b7a2', action: 'created'}])
    const app = await appWithCredentials(emulator.url, armApp)
    const credential = app.credentials.find((c) => c.name === 'Azure-Resource-Manager-c1e4b7a2')!
    expect(credential).toMatchObject({issuer: arm.managedIdentity!.issuer, subject: arm.managedIdentity!.subject, audiences: ['api://AzureADTokenExchange']})
    expect(credential.description).toContain(`connector ${arm.target.name} in environment ${prodEnv.id}`)
    expect(app.redirectUris).toEqual(expect.arrayContaining(['https://global.consent.azure-apim.net/redirect', payments.redirectUrl!, arm.redirectUrl!]))
    const journal = JSON.parse(readFileSync(join(dir, '.journal', `import-${prodEnv.id}.json`), 'utf8'))
    expect(journal).toMatchObject({status: 'complete', entries: {'contoso-payments-api': {action: 'created', name: payments.target.name}}})
    writes.take()

    // The secret is given again (as a pipeline would), but nothing changed: it is not sent again.
    const second = await importConnectors({dir, env: 'local:prod', yes: true, secrets: {envVars: ['PAYMENTS_SECRET']}}, ctx)
    expect(second.counts).toEqual({created: 0, updated: 0, unchanged: 3, failed: 0})
    expect(second.plan.changes).toBe(0)
    expect(second.connectors.find((c) => c.folder === 'contoso-payments-api')!.secret).toBe('kept by the service')
    expect(writes.take()).toEqual([])

    // --reapply-secrets sends it to the unchanged connector.
    const rotated = await importConnectors({dir, env: 'local:prod', yes: true, connectors: ['contoso-payments-api'], secrets: {envVars: ['OTHER_SECRET']}, reapplySecrets: true}, ctx)
    expect(rotated.connectors[0]).toMatchObject({status: 'updated', secret: 'sent'})
    expect(rotated.plan.connectors[0]!.changes).toEqual(['secret'])
    expect(await secretMatches(emulator.url, prodEnv.id, payments.target.name!, 'rotated-secret')).toBe(true)
  })

  it('reports the connectors that need a secret and imports the others', async () => {
    const dir = copy()
    const result = await importConnectors({dir, env: 'local:test', yes: true, connectors: ['contoso-payments-api', 'Contoso Inventory']}, ctx)
    expect(result.counts).toEqual({created: 1, updated: 0, unchanged: 0, failed: 1})
    expect(result.needsSecret).toEqual(['contoso-payments-api'])
    expect(result.connectors.find((c) => c.folder === 'contoso-payments-api')).toMatchObject({status: 'failed', connector: 'not imported', code: 'OAUTH_SECRET_REQUIRED', secret: 'needed'})
    const journal = JSON.parse(readFileSync(join(dir, '.journal', `import-${testEnv.id}.json`), 'utf8'))
    expect(journal.status).toBe('running')
  })

  it("uses the target's cc.yaml parameters instead of the source's, and sees an edited folder as an update", async () => {
    const dir = copy()
    const cwd = tempDir('import-project-')
    writeFileSync(
      join(cwd, 'cc.yaml'),
      ['environments:', '  staging:', '    cloud: local', '    environmentId: test', '    parameters:', '      host: inventory-test.contoso.com', '    connectors:', '      contoso-inventory:', '        parameters: {basePath: /v2}', ''].join('\n'),
    )
    const project = {...ctx, cwd}
    const result = await importConnectors({dir, env: 'staging', yes: true, connectors: ['contoso-inventory']}, project)
    expect(result.plan.connectors[0]!.parametersApplied).toEqual(['host', 'basePath'])
    const row = await withSession({env: 'local:test'}, ctx, async (s) => (await s.dataverse()).getConnector(result.connectors[0]!.target.dataverseId!, ['openapidefinition']))
    expect(JSON.parse(row!.openapidefinition!)).toMatchObject({host: 'inventory-test.contoso.com', basePath: '/v2'})
    expect((await importConnectors({dir, env: 'staging', yes: true, connectors: ['contoso-inventory']}, project)).counts.unchanged).toBe(1)

    const definition = join(dir, 'contoso-inventory', 'apiDefinition.swagger.json')
    const swagger = JSON.parse(readFileSync(definition, 'utf8'))
    swagger.info.description = 'Stock levels, now with reservations.'
    writeFileSync(definition, JSON.stringify(swagger, null, 2))
    const edited = await importConnectors({dir, env: 'staging', yes: true, connectors: ['contoso-inventory']}, project)
    expect(edited.plan.connectors[0]).toMatchObject({action: 'update', changes: ['description', 'definition']})
    expect(edited.counts.updated).toBe(1)
  })

  it('imports through the Power Apps resource provider with --target rp, and a second run compares and writes nothing', async () => {
    const dir = copy()
    const first = await importConnectors({dir, env: 'local:test', target: 'rp', yes: true, connectors: ['azure-resource-manager']}, ctx)
    expect(first.connectors[0]).toMatchObject({status: 'created', target: {surface: 'rp'}, credentials: [{action: 'created', name: 'Azure-Resource-Manager-3f6d2a1b'}]})
    writes.take()
    const second = await importConnectors({dir, env: 'local:test', target: 'rp', yes: true, connectors: ['azure-resource-manager']}, ctx)
    expect(second.counts.unchanged).toBe(1)
    expect(second.connectors[0]!.credentials).toEqual([{appId: armApp, name: 'Azure-Resource-Manager-3f6d2a1b', action: 'unchanged'}])
    expect(writes.take()).toEqual([])
  })

  it('counts a credential with the same issuer and subject as done, whatever its name', async () => {
    const dir = copy()
    // The RP-imported connector of the previous test exists in test; give its identity a hand-made credential.
    const app = await appWithCredentials(emulator.url, armApp)
    const existing = app.credentials.find((c) => c.name === 'Azure-Resource-Manager-3f6d2a1b')!
    const token = (await import('../../helpers/emulator.js')).appToken
    const graph = await token(emulator.url, {scope: 'https://graph.microsoft.com/.default'})
    await fetch(`${emulator.url}/v1.0/applications(appId='${armApp}')/federatedIdentityCredentials/Azure-Resource-Manager-3f6d2a1b`, {method: 'DELETE', headers: {authorization: `Bearer ${graph}`}})
    await fetch(`${emulator.url}/v1.0/applications(appId='${armApp}')/federatedIdentityCredentials`, {
      method: 'POST',
      headers: {authorization: `Bearer ${graph}`, 'content-type': 'application/json'},
      body: JSON.stringify({name: 'added-in-the-portal', issuer: existing.issuer, subject: existing.subject, audiences: ['api://AzureADTokenExchange']}),
    })
    writes.take()
    const result = await importConnectors({dir, env: 'local:test', target: 'rp', yes: true, connectors: ['azure-resource-manager']}, ctx)
    expect(result.plan.connectors[0]!.credentials).toEqual([{appId: armApp, name: 'Azure-Resource-Manager-3f6d2a1b', action: 'present', existingName: 'added-in-the-portal'}])
    expect(result.connectors[0]!.credentials).toEqual([{appId: armApp, name: 'added-in-the-portal', action: 'unchanged'}])
    expect(writes.take()).toEqual([])
  })

  it('checks --issuer/--subject and --identity-file before anything else', async () => {
    const dir = copy()
    const none = await ccErrorOf(importConnectors({dir, env: 'local:test', plan: true, issuer: 'https://login.microsoftonline.com/x/v2.0', subject: '/eid1/x', connectors: ['contoso-inventory']}, ctx))
    expect(none).toMatchObject({code: 'USAGE', exitCode: 2})
    expect(none.message).toContain('this import has 0')
    const notUrl = await ccErrorOf(importConnectors({dir, env: 'local:test', plan: true, issuer: 'not a url', subject: '/eid1/x', connectors: ['azure-resource-manager']}, ctx))
    expect(notUrl).toMatchObject({code: 'IDENTITY_VALUES_INVALID'})
    const file = join(tempDir('identity-'), 'identities.yaml')
    writeFileSync(file, 'azure-resource-manager:\n  issuer: https://login.microsoftonline.com/x/v2.0\n')
    const incomplete = await ccErrorOf(importConnectors({dir, env: 'local:test', plan: true, identityFile: file}, ctx))
    expect(incomplete).toMatchObject({code: 'IDENTITY_FILE_INVALID', file})
    expect(writes.take()).toEqual([])
  })
})
