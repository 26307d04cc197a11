import {cpSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {login} from '../../../src/core/auth/login.js'
import type {CoreContext} from '../../../src/core/context.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {exportConnectors} from '../../../src/core/transfer/export.js'
import {importConnectors} from '../../../src/core/transfer/import.js'
import {startTestEmulator, type TestEmulator, testEnv} from '../../helpers/emulator.js'
import {ccErrorOf} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'
import {addCredential, appWithCredentials, createApp, fileScratch, generatedPlan, pushAll, transferContext, writeGeneratedConnector, WriteLog} from '../../helpers/transfer-fixtures.js'

/**
 * What must stop an import before it changes anything: Graph's limit of 20 credentials per app, a client app
 * that does not exist, Graph refusing access (403), and name collisions. Each is checked with the emulator's
 * request log: no write reaches any service.
 */
describe('import problems are reported before any write', () => {
  let emulator: TestEmulator
  let root: string
  let ctx: CoreContext & {warnings: string[]}
  const writes = new WriteLog()
  let fullApp: string
  let exported: string

  beforeAll(async () => {
    emulator = await startTestEmulator({onRequest: writes.onRequest, deviceCodeApprovalDelayMs: null})
    root = fileScratch('transfer-problems-')
    ctx = transferContext(emulator.url, root)
    fullApp = await createApp(emulator.url, 'Generated MI app')
    const plan = generatedPlan(10, {oauthApp: fullApp, miApps: [fullApp]}).filter((c) => c.kind === 'managed-identity')
    await pushAll(plan.map((c) => writeGeneratedConnector(join(root, 'src'), c)), 'local:dev', ctx)
    exported = join(root, 'export')
    await exportConnectors({env: 'local:dev', all: true, out: exported}, ctx)
    writes.take()
  }, 60_000)

  afterAll(async () => {
    await emulator?.dispose()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  /** A copy of the export, its connectors pointed at another client app when one is given. */
  const copy = (appId?: string): string => {
    const dir = join(tempDir('problems-'), 'export')
    cpSync(exported, dir, {recursive: true})
    if (appId) {
      for (const folder of ['generated-mi-09', 'generated-mi-10']) {
        const props = join(dir, folder, 'apiProperties.json')
        writeFileSync(props, readFileSync(props, 'utf8').replace(fullApp, appId))
      }
    }
    return dir
  }

  it('the limit of 20 credentials: names the stale credentials cc created and cc identity prune', async () => {
    const limitApp = await createApp(emulator.url, 'Nearly full app')
    // A connector in test whose credential is out of date (it was re-created), one that is gone, and 17 others.
    const other = writeGeneratedConnector(join(root, 'test-src'), {folder: 'recreated', title: 'Recreated MI', kind: 'managed-identity', appId: limitApp})
    const pushed = await pushConnector({path: other, env: 'local:test', remember: false, validate: false}, ctx)
    await addCredential(emulator.url, limitApp, {name: 'Recreated-MI-3f6d2a1b', issuer: pushed.managedIdentity!.issuer, subject: `${pushed.managedIdentity!.subject}-old`, description: `Managed by cc: connector ${pushed.connector.name} in environment ${testEnv.id} ("Recreated MI")`})
    await addCredential(emulator.url, limitApp, {name: 'Deleted-MI-3f6d2a1b', issuer: 'https://login.microsoftonline.com/x/v2.0', subject: '/eid1/deleted', description: `Managed by cc: connector shared_deleted-5f0123 in environment ${testEnv.id} ("Deleted MI")`})
    for (let i = 1; i <= 17; i++) await addCredential(emulator.url, limitApp, {name: `github-${i}`, issuer: 'https://token.actions.githubusercontent.com', subject: `repo:contoso/app${i}:environment:prod`})
    writes.take()

    const error = await ccErrorOf(importConnectors({dir: copy(limitApp), env: 'local:test', yes: true}, ctx))
    expect(error.code).toBe('CREDENTIAL_LIMIT')
    expect(error.message).toContain(`has 19 federated credentials and needs 2 more, past Microsoft Graph's limit of 20`)
    expect(error.message).toContain('Recreated-MI-3f6d2a1b (connector re-created')
    expect(error.message).toContain('Deleted-MI-3f6d2a1b (connector deleted: shared_deleted-5f0123)')
    expect(error.message).not.toContain('github-')
    expect(error.suggestions[0]).toBe(`cc identity prune --app ${limitApp} --env local:test   (removes only those stale credentials)`)
    expect(writes.take()).toEqual([])
    // --plan reports the same problem.
    expect((await ccErrorOf(importConnectors({dir: copy(limitApp), env: 'local:test', plan: true}, ctx))).code).toBe('CREDENTIAL_LIMIT')
  })

  it('a client app that does not exist', async () => {
    const dir = copy()
    const props = join(dir, 'generated-mi-09', 'apiProperties.json')
    writeFileSync(props, readFileSync(props, 'utf8').replace(fullApp, '00000000-1111-4222-8333-444444444444'))
    const error = await ccErrorOf(importConnectors({dir, env: 'local:prod', yes: true}, ctx))
    expect(error.code).toBe('CLIENT_APP_NOT_FOUND')
    expect(error.message).toContain('There is no application 00000000-1111-4222-8333-444444444444 in the tenant (client app of Generated MI 09)')
    expect(error.suggestions.join('\n')).toContain('cc entra app create')
    expect(writes.take()).toEqual([])
  })

  it('Microsoft Graph refusing to read the app (a service principal without Graph permission)', async () => {
    const limited = transferContext(emulator.url, join(root, 'limited'), {AZURE_TENANT_ID: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60', AZURE_CLIENT_ID: '7b6a5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d', AZURE_CLIENT_SECRET: 'emulator-limited-secret'})
    const error = await ccErrorOf(importConnectors({dir: copy(), env: 'local:prod', target: 'rp', yes: true}, limited))
    expect(error.code).toBe('GRAPH_FORBIDDEN')
    expect(error.message).toMatch(/Microsoft Graph refused access to application .*Authorization_RequestDenied/)
    expect(error.suggestions.join('\n')).toMatch(/--skip-identity/)
    expect(writes.take()).toEqual([])
  })

  it('Microsoft Graph refusing to change the app (a user who is neither owner nor admin), found before the first write', async () => {
    const dana = transferContext(emulator.url, join(root, 'dana'))
    await login(
      {
        env: 'local',
        method: 'device-code',
        onDeviceCode: (prompt) => {
          void fetch(`${emulator.url}/_emulator/devicecodes/approve`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({userCode: prompt.userCode, user: 'dana@contoso.onmicrosoft.com'})})
        },
      },
      dana,
    )
    writes.take()
    // Dana may read the app, so the plan goes through; the import then stops before it writes.
    const plan = await importConnectors({dir: copy(), env: 'local:prod', plan: true}, dana)
    expect(plan.plan.changes).toBeGreaterThan(0)
    const error = await ccErrorOf(importConnectors({dir: copy(), env: 'local:prod', yes: true}, dana))
    expect(error.code).toBe('GRAPH_FORBIDDEN')
    expect(writes.take().map((w) => `${w.method} ${w.route} ${w.status}`)).toEqual(['PATCH graph.applications.update 403'])
  })

  it('name collisions: two connectors with one name, and a credential name someone else uses', async () => {
    const dir = copy()
    const definition = join(dir, 'generated-mi-10', 'apiDefinition.swagger.json')
    writeFileSync(definition, readFileSync(definition, 'utf8').replace('"Generated MI 10"', '"Generated MI 09"'))
    const twice = await ccErrorOf(importConnectors({dir, env: 'local:prod', yes: true}, ctx))
    expect(twice.code).toBe('NAME_COLLISION')
    expect(twice.message).toContain('connectors of the export are called "Generated MI 09" (generated-mi-09, generated-mi-10)')

    const app = await createApp(emulator.url, 'Shared app')
    await addCredential(emulator.url, app, {name: 'Generated-MI-10-c1e4b7a2', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/other:ref:refs/heads/main'})
    const taken = copy()
    const props = join(taken, 'generated-mi-10', 'apiProperties.json')
    writeFileSync(props, readFileSync(props, 'utf8').replace(fullApp, app))
    writes.take()
    const error = await ccErrorOf(importConnectors({dir: taken, env: 'local:prod', yes: true, connectors: ['generated-mi-10']}, ctx))
    expect(error.code).toBe('CREDENTIAL_NAME_COLLISION')
    expect(error.message).toContain('has a federated credential named Generated-MI-10-c1e4b7a2 that cc did not write')
    expect(writes.take()).toEqual([])
    expect((await appWithCredentials(emulator.url, app)).credentials).toHaveLength(1)
  })
})
