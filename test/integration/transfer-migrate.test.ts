import {cpSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoreContext} from '../../src/core/context.js'
import {listConnectors} from '../../src/core/listing/listing.js'
import {migrateConnectors, type MigrateResult} from '../../src/core/transfer/migrate.js'
import {appToken, call, prodEnv, scopes, startTestEmulator, type TestEmulator, tenant, testEnv} from '../helpers/emulator.js'
import {secretMatches} from '../helpers/sign-in-emulator.js'
import {appWithCredentials, createApp, fileScratch, generatedPlan, type GeneratedConnector, pushAll, transferContext, writeGeneratedConnector, WriteLog} from '../helpers/transfer-fixtures.js'

/**
 * Done-means of issue 7, against the emulator over real HTTP: the two sample connectors and 50 generated ones
 * move dev → test → prod; afterwards every environment has each connector exactly once, the issuer and subject
 * of every managed-identity connector in every environment are on its client app exactly once (and a token
 * exchange with them works), every redirect URL is on its app, OAuth secrets were applied, and a second run
 * changes nothing. Then the same with 20% of the requests failing.
 */

const sampleArmApp = '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'
const oauthSecret = 'generated-oauth-secret-7f3a'

interface World {
  emulator: TestEmulator
  writes: WriteLog
  ctx: CoreContext
  root: string
  connectors: Array<GeneratedConnector & {managed: boolean; appId?: string}>
}

async function world(prefix: string): Promise<World> {
  const writes = new WriteLog()
  const emulator = await startTestEmulator({onRequest: writes.onRequest})
  const root = fileScratch(prefix)
  // Six retries (CC_HTTP_RETRIES, default four): under 20% failures a request then gives up about once in 80,000,
  // so the loop below rarely needs a second run, and never a fifth.
  const ctx = transferContext(emulator.url, root, {GENERATED_SECRET: oauthSecret, CC_HTTP_RETRIES: '6'})
  const oauthApp = await createApp(emulator.url, 'Generated OAuth connectors')
  const miApps = await Promise.all([1, 2, 3, 4, 5].map((n) => createApp(emulator.url, `Generated MI connectors ${n}`)))
  const plan = generatedPlan(50, {oauthApp, miApps})
  const source = join(root, 'source')
  const dirs = plan.map((c) => writeGeneratedConnector(source, c))
  for (const sample of ['azure-resource-manager', 'open-meteo-weather']) {
    cpSync(join(process.cwd(), 'connectors', sample), join(source, sample), {recursive: true})
    dirs.push(join(source, sample))
  }
  await pushAll(dirs, 'local:dev', ctx, oauthSecret)
  const connectors = [
    ...plan.map((c) => ({...c, managed: c.kind === 'managed-identity'})),
    {folder: 'azure-resource-manager', title: 'Azure Resource Manager', kind: 'managed-identity' as const, managed: true, appId: sampleArmApp},
    {folder: 'open-meteo-weather', title: 'Open-Meteo Weather', kind: 'none' as const, managed: false},
  ]
  writes.take()
  return {emulator, writes, ctx, root, connectors}
}

async function migrate(w: World, from: string, to: string): Promise<MigrateResult> {
  return migrateConnectors({from: `local:${from}`, to: `local:${to}`, all: true, yes: true, secrets: {envVars: ['GENERATED_SECRET']}}, w.ctx)
}

/** The end state every run must reach, whatever happened on the way. */
async function expectEndState(w: World, environments: Array<{name: string; id: string}>): Promise<void> {
  const token = await appToken(w.emulator.url, {scope: scopes.graph})
  const apps = new Map<string, Awaited<ReturnType<typeof appWithCredentials>>>()
  const appOf = async (appId: string) => {
    if (!apps.has(appId)) apps.set(appId, await appWithCredentials(w.emulator.url, appId))
    return apps.get(appId)!
  }
  for (const env of environments) {
    const listed = (await listConnectors({env: `local:${env.name}`}, w.ctx)).connectors
    expect(listed.map((c) => c.displayName).sort()).toEqual(w.connectors.map((c) => c.title).sort())
    const rp = await call(`${w.emulator.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${env.id}'`, {token: await appToken(w.emulator.url, {scope: scopes.powerApps})})
    const byTitle = new Map<string, any>(rp.body.value.filter((a: any) => a.properties.isCustomApi).map((a: any) => [a.properties.displayName, a]))
    for (const c of w.connectors.filter((x) => x.appId)) {
      const api = byTitle.get(c.title)
      const app = await appOf(c.appId!)
      const redirectUrl = api.properties.connectionParameters.token.oAuthSettings.redirectUrl as string
      expect(app.redirectUris.filter((u) => u === redirectUrl), `${c.title} redirect URI in ${env.name}`).toHaveLength(1)
      if (!c.managed) continue
      const {issuer, subject} = api.properties.managedIdentity
      expect(app.credentials.filter((f) => f.issuer === issuer && f.subject === subject), `${c.title} credential in ${env.name}`).toHaveLength(1)
    }
    for (const c of w.connectors.filter((x) => x.kind === 'oauth')) {
      expect(await secretMatches(w.emulator.url, env.id, byTitle.get(c.title).name, oauthSecret)).toBe(true)
    }
  }
  // What a connector's runtime would do: exchange its managed identity token for a token of the client app.
  const arm = byTitleIn(await call(`${w.emulator.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${prodEnv.id}'`, {token: await appToken(w.emulator.url, {scope: scopes.powerApps})}), 'Azure Resource Manager')
  const assertion = await call(`${w.emulator.url}/_emulator/connectors/${prodEnv.id}/${arm.name}/managed-identity-token`, {method: 'POST'})
  const exchange = await fetch(`${w.emulator.url}/${tenant.id}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({grant_type: 'client_credentials', client_id: sampleArmApp, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion.body.token, scope: 'https://management.azure.com/.default'}),
  })
  expect(exchange.status, await exchange.clone().text()).toBe(200)
  void token
}

function byTitleIn(response: {body: any}, title: string): any {
  return response.body.value.find((a: any) => a.properties.displayName === title)
}

/** One world per describe block: made before its tests, removed after them. */
function useWorld(prefix: string): () => World {
  let w: World | undefined
  beforeAll(async () => {
    w = await world(prefix)
  }, 120_000)
  afterAll(async () => {
    await w?.emulator.dispose()
    if (w) rmSync(w.root, {recursive: true, force: true})
  })
  return () => w!
}

describe('cc migrate dev → test → prod: the sample connectors and 50 generated ones', () => {
  const current = useWorld('transfer-migrate-')

  it('moves every connector once, puts each managed identity on its app once, adds every redirect URI, and a second run changes nothing', async () => {
    const w = current()
    const toTest = await migrate(w, 'dev', 'test')
    expect(toTest.export.counts).toEqual({exported: 52, unchanged: 0, failed: 0})
    expect(toTest.import.counts, JSON.stringify(toTest.import.connectors.filter((c) => c.status === 'failed').slice(0, 2))).toEqual({created: 52, updated: 0, unchanged: 0, failed: 0})
    // 10 generated managed-identity connectors and the sample; 10 OAuth connectors with a secret.
    expect(toTest.import.credentials.created).toBe(11)
    expect(toTest.import.redirectUris.added).toBe(21)
    const toProd = await migrate(w, 'test', 'prod')
    expect(toProd.import.counts).toMatchObject({created: 52, failed: 0})
    await expectEndState(w, [testEnv, prodEnv].map((e) => ({name: e.displayName, id: e.id})))

    w.writes.take()
    const again = [await migrate(w, 'dev', 'test'), await migrate(w, 'test', 'prod')]
    for (const run of again) {
      expect(run.export.counts).toEqual({exported: 0, unchanged: 52, failed: 0})
      expect(run.import.counts).toEqual({created: 0, updated: 0, unchanged: 52, failed: 0})
      expect(run.import.plan.changes).toBe(0)
      expect(run.import.credentials).toEqual({created: 0, updated: 0, unchanged: 11})
    }
    expect(w.writes.take().map((e) => `${e.method} ${e.route}`)).toEqual([])
  }, 180_000)
})

describe('cc migrate with 20% of the requests failing', () => {
  const current = useWorld('transfer-faults-')

  it('reaches the same end state, nothing duplicated or lost (failed connectors are retried by running it again)', async () => {
    const w = current()
    await w.emulator.setFaults('seed=7;503,rate=20%,retry-after=0')
    const runs: MigrateResult[] = []
    for (const [from, to] of [['dev', 'test'], ['test', 'prod']] as const) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const run = await migrate(w, from, to)
        runs.push(run)
        if (run.export.counts.failed === 0 && run.import.counts.failed === 0) break
      }
      const last = runs.at(-1)!
      expect(last.import.counts.failed, JSON.stringify(last.import.connectors.filter((c) => c.status === 'failed'))).toBe(0)
    }
    await w.emulator.setFaults(undefined)
    // About one request in five failed (the migrations made well over a thousand).
    expect(w.writes.faults).toBeGreaterThan(150)
    await expectEndState(w, [testEnv, prodEnv].map((e) => ({name: e.displayName, id: e.id})))
    w.writes.take()
    const again = await migrate(w, 'test', 'prod')
    expect(again.import.counts).toEqual({created: 0, updated: 0, unchanged: 52, failed: 0})
    expect(w.writes.take()).toEqual([])
  }, 240_000)
})
