import {cpSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoreContext} from '../../../src/core/context.js'
import {withSession} from '../../../src/core/environments/session.js'
import {pruneCredentials} from '../../../src/core/identity/prune.js'
import {syncIdentity} from '../../../src/core/identity/sync.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {prodEnv, startTestEmulator, tenant, type TestEmulator, testEnv} from '../../helpers/emulator.js'
import {secretMatches} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'
import {addCredential, appWithCredentials, createApp, fileScratch, transferContext, writeGeneratedConnector, WriteLog} from '../../helpers/transfer-fixtures.js'

describe('cc identity sync and cc identity prune', () => {
  let emulator: TestEmulator
  let root: string
  let ctx: CoreContext & {warnings: string[]}
  const writes = new WriteLog()
  const armApp = '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'

  beforeAll(async () => {
    emulator = await startTestEmulator({onRequest: writes.onRequest})
    root = fileScratch('identity-sync-')
    ctx = transferContext(emulator.url, root, {PAYMENTS_SECRET: 'after-solution-import'})
  })

  afterAll(async () => {
    await emulator?.dispose()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  it('sets up the credential and redirect URI of connectors already in an environment, and a second run changes nothing', async () => {
    cpSync(join(process.cwd(), 'connectors', 'azure-resource-manager'), join(root, 'arm'), {recursive: true})
    const arm = await pushConnector({path: join(root, 'arm'), env: 'local:test', remember: false}, ctx)
    writeSampleConnector(join(root, 'payments'), {clientSecret: null, script: false})
    const payments = await pushConnector({path: join(root, 'payments'), env: 'local:test', clientSecret: 'first', remember: false}, ctx)
    writes.take()

    const plan = await syncIdentity({env: 'local:test', plan: true}, ctx)
    expect(writes.take()).toEqual([])
    expect(plan.plan.connectors).toEqual([
      {displayName: 'Azure Resource Manager', name: arm.connector.name, auth: 'managed-identity', secret: 'not needed', credentials: [{appId: armApp, name: 'Azure-Resource-Manager-3f6d2a1b', action: 'create'}], redirectUris: [{appId: armApp, url: arm.redirectUrl, action: 'add'}]},
      {displayName: 'Contoso Payments API', name: payments.connector.name, auth: 'oauth', secret: 'kept', credentials: [], redirectUris: [{appId: armApp, url: payments.redirectUrl, action: 'add'}]},
    ])
    expect(plan.plan.changes).toBe(3)
    expect((await ccErrorOf(syncIdentity({env: 'local:test'}, ctx))).code).toBe('CONFIRMATION_REQUIRED')

    const result = await syncIdentity({env: 'local:test', yes: true}, ctx)
    expect(result.counts).toEqual({changed: 2, unchanged: 0, failed: 0})
    const app = await appWithCredentials(emulator.url, armApp)
    expect(app.credentials.filter((c) => c.issuer === arm.managedIdentity!.issuer && c.subject === arm.managedIdentity!.subject)).toHaveLength(1)
    expect(app.redirectUris).toEqual(expect.arrayContaining([arm.redirectUrl, payments.redirectUrl]))
    // The connector runtime can now trade its managed identity token for a token of the client app.
    const assertion = (await (await fetch(`${emulator.url}/_emulator/connectors/${testEnv.id}/${arm.connector.name}/managed-identity-token`, {method: 'POST'})).json()) as {token: string}
    const exchange = await fetch(`${emulator.url}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({grant_type: 'client_credentials', client_id: armApp, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion.token, scope: 'https://management.azure.com/.default'}),
    })
    expect(exchange.status).toBe(200)

    writes.take()
    const again = await syncIdentity({env: 'local:test', yes: true}, ctx)
    expect(again.counts).toEqual({changed: 0, unchanged: 2, failed: 0})
    expect(again.plan.changes).toBe(0)
    expect(writes.take()).toEqual([])
  })

  it('puts an OAuth client secret back on a connector', async () => {
    const result = await syncIdentity({env: 'local:test', connectors: ['Contoso Payments API'], secrets: {envVars: ['PAYMENTS_SECRET']}, yes: true}, ctx)
    expect(result.connectors).toEqual([expect.objectContaining({displayName: 'Contoso Payments API', status: 'changed', secret: 'sent'})])
    expect(await secretMatches(emulator.url, testEnv.id, result.connectors[0]!.name!, 'after-solution-import')).toBe(true)
  })

  it('prune removes only the stale credentials cc created: connectors deleted or re-created', async () => {
    const app = await createApp(emulator.url, 'Prune app')
    const keep = writeGeneratedConnector(join(root, 'prune'), {folder: 'keep', title: 'Kept MI', kind: 'managed-identity', appId: app})
    const recreate = writeGeneratedConnector(join(root, 'prune'), {folder: 'recreate', title: 'Recreated MI', kind: 'managed-identity', appId: app})
    const gone = writeGeneratedConnector(join(root, 'prune'), {folder: 'gone', title: 'Deleted MI', kind: 'managed-identity', appId: app})
    const pushed = await Promise.all([keep, recreate, gone].map((path) => pushConnector({path, env: 'local:prod', remember: false, validate: false}, ctx)))
    await syncIdentity({env: 'local:prod', yes: true}, ctx)
    await addCredential(emulator.url, app, {name: 'github-deploy', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/connectors:environment:prod'})
    expect((await appWithCredentials(emulator.url, app)).credentials).toHaveLength(4)

    // One connector is deleted; another is deleted and created again (a new managed identity).
    await withSession({env: 'local:prod'}, ctx, async (s) => {
      await s.powerApps.deleteConnector(prodEnv.id, pushed[2]!.connector.name!)
      await s.powerApps.deleteConnector(prodEnv.id, pushed[1]!.connector.name!)
    })
    await pushConnector({path: recreate, env: 'local:prod', remember: false, validate: false}, ctx)
    writes.take()

    const plan = await pruneCredentials({env: 'local:prod', apps: [app], plan: true}, ctx)
    expect(writes.take()).toEqual([])
    expect(plan.apps[0]!.stale.map((s) => [s.name, s.reason]).sort()).toEqual([
      ['Deleted-MI-c1e4b7a2', 'connector deleted'],
      ['Recreated-MI-c1e4b7a2', 'connector re-created'],
    ])
    expect((await ccErrorOf(pruneCredentials({env: 'local:prod', apps: [app]}, ctx))).code).toBe('CONFIRMATION_REQUIRED')

    const pruned = await pruneCredentials({env: 'local:prod', apps: [app], yes: true}, ctx)
    expect(pruned).toMatchObject({applied: true, removed: 2})
    expect((await appWithCredentials(emulator.url, app)).credentials.map((c) => c.name).sort()).toEqual(['Kept-MI-c1e4b7a2', 'github-deploy'])
    expect((await pruneCredentials({env: 'local:prod', apps: [app], yes: true}, ctx)).removed).toBe(0)

    // Without --app: the client apps of the environment's connectors. The re-created connector gets its credential back by sync.
    const sync = await syncIdentity({env: 'local:prod', connectors: ['Recreated MI'], yes: true}, ctx)
    expect(sync.connectors[0]!.credentials).toEqual([{appId: app, name: 'Recreated-MI-c1e4b7a2', action: 'created'}])
    expect((await pruneCredentials({env: 'local:prod', yes: true}, ctx)).apps.map((a) => a.appId)).toEqual([app])
  })

  it('prune names an app that does not exist', async () => {
    const error = await ccErrorOf(pruneCredentials({env: 'local:prod', apps: ['00000000-1111-4222-8333-444444444444'], yes: true}, ctx))
    expect(error.code).toBe('CLIENT_APP_NOT_FOUND')
  })
})
