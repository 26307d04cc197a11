import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {findRunningEmulator, readDiscoveryFile, resetEmulator, startEmulator} from '../../src/emulator/index.js'
import {Store} from '../../src/emulator/state/store.js'
import {call, startTestEmulator, tenant, type TestEmulator} from '../helpers/emulator.js'
import {tempDir} from '../helpers/temp-dir.js'

const running: TestEmulator[] = []
afterEach(async () => {
  while (running.length > 0) await running.pop()!.dispose()
})

async function start(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<TestEmulator> {
  const emulator = await startTestEmulator(options)
  running.push(emulator)
  return emulator
}

describe('emulator server', () => {
  it('answers its health route and keeps the discovery file while it runs', async () => {
    const dataDir = tempDir()
    const emulator = await start({dataDir})
    const health = await call(`${emulator.url}/_emulator/health`)
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({status: 'ok', service: 'cc-emulator', url: emulator.url, pid: process.pid, dataDir})
    expect(await readDiscoveryFile(dataDir)).toEqual({url: emulator.url, pid: process.pid, startedAt: emulator.startedAt})
    expect(await findRunningEmulator({dataDir, env: {}})).toMatchObject({url: emulator.url, source: 'emulator.json'})
    expect(await findRunningEmulator({dataDir, env: {CC_EMULATOR_URL: emulator.url}})).toMatchObject({source: 'CC_EMULATOR_URL'})
    await emulator.close()
    expect(existsSync(join(dataDir, 'emulator.json'))).toBe(false)
    expect(await findRunningEmulator({dataDir, env: {}})).toBeUndefined()
  })

  it('reports an unreachable CC_EMULATOR_URL instead of ignoring it', async () => {
    await expect(findRunningEmulator({dataDir: tempDir(), env: {CC_EMULATOR_URL: 'http://127.0.0.1:9'}})).rejects.toMatchObject({code: 'EMULATOR_UNREACHABLE'})
  })

  it('builds absolute URLs from X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const emulator = await start()
    const plain = await call(`${emulator.url}/${tenant.id}/v2.0/.well-known/openid-configuration`)
    expect(plain.body.token_endpoint).toBe(`${emulator.url}/${tenant.id}/oauth2/v2.0/token`)
    const forwarded = await call(`${emulator.url}/${tenant.id}/v2.0/.well-known/openid-configuration`, {
      headers: {'x-forwarded-proto': 'https', 'x-forwarded-host': 'login.emulator.test'},
    })
    expect(forwarded.body.token_endpoint).toBe(`https://login.emulator.test/${tenant.id}/oauth2/v2.0/token`)
    expect(forwarded.body.issuer).toBe(`https://login.emulator.test/${tenant.id}/v2.0`)
  })

  it('keeps its state and signing key across restarts, and seeds only once', async () => {
    const dataDir = tempDir()
    const first = await start({dataDir})
    const key1 = (await call(`${first.url}/${tenant.id}/discovery/v2.0/keys`)).body.keys[0]
    const approve = await call(`${first.url}/organizations/oauth2/v2.0/devicecode`, {method: 'POST', body: 'client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&scope=openid', headers: {'content-type': 'application/x-www-form-urlencoded'}})
    expect(approve.status).toBe(200)
    await first.close()
    const keysFile = readFileSync(join(dataDir, 'keys.json'), 'utf8')
    const second = await start({dataDir})
    const key2 = (await call(`${second.url}/${tenant.id}/discovery/v2.0/keys`)).body.keys[0]
    expect({kid: key2.kid, n: key2.n}).toEqual({kid: key1.kid, n: key1.n})
    expect(readFileSync(join(dataDir, 'keys.json'), 'utf8')).toBe(keysFile)
    const store = new Store(join(dataDir, 'state'))
    expect((await store.list('identity/devicecodes')).length).toBe(1)
    expect((await store.list('directory/users')).length).toBe(2)
  })

  it('shares one data folder between two emulators: a write in one is seen by the other', async () => {
    const dataDir = tempDir()
    const a = await start({dataDir, deviceCodeApprovalDelayMs: null})
    const b = await start({dataDir, deviceCodeApprovalDelayMs: null})
    const form = {'content-type': 'application/x-www-form-urlencoded'}
    const code = (await call(`${a.url}/organizations/oauth2/v2.0/devicecode`, {method: 'POST', body: 'client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&scope=openid', headers: form})).body
    const pending = await call(`${a.url}/organizations/oauth2/v2.0/token`, {method: 'POST', body: `grant_type=device_code&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&device_code=${code.device_code}`, headers: form})
    expect(pending.body.error).toBe('authorization_pending')
    const approved = await call(`${b.url}/_emulator/devicecodes/approve`, {method: 'POST', body: {userCode: code.user_code}})
    expect(approved.body).toMatchObject({state: 'approved', user: {userPrincipalName: 'avery@contoso.onmicrosoft.com'}})
    const redeemed = await call(`${a.url}/organizations/oauth2/v2.0/token`, {method: 'POST', body: `grant_type=device_code&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&device_code=${code.device_code}`, headers: form})
    expect(redeemed.status).toBe(200)
    expect(redeemed.body.access_token).toBeTypeOf('string')
  })

  it('answers unknown routes and methods in the shape of the service', async () => {
    const emulator = await start()
    const rp = await call(`${emulator.url}/providers/Microsoft.PowerApps/nothing?api-version=2016-11-01`)
    expect(rp.status).toBe(404)
    expect(rp.body.error.code).toBe('NoRouteMatched')
    const method = await call(`${emulator.url}/_emulator/health`, {method: 'DELETE'})
    expect(method.status).toBe(405)
    expect(method.headers.get('allow')).toBe('GET')
  })

  it('refuses a port that is taken with a clear error', async () => {
    const emulator = await start()
    await expect(startEmulator({dataDir: tempDir(), port: emulator.port})).rejects.toMatchObject({code: 'EMULATOR_PORT_IN_USE'})
  })

  it('resets a running emulator in place: new signing key, seeds back', async () => {
    const dataDir = tempDir()
    const emulator = await start({dataDir})
    const before = (await call(`${emulator.url}/${tenant.id}/discovery/v2.0/keys`)).body.keys[0].kid
    const result = await resetEmulator({dataDir, env: {}})
    expect(result).toMatchObject({via: 'running emulator', url: emulator.url})
    const after = (await call(`${emulator.url}/${tenant.id}/discovery/v2.0/keys`)).body.keys[0].kid
    expect(after).not.toBe(before)
    expect((await call(`${emulator.url}/_emulator/info`)).body.tenant.id).toBe(tenant.id)
    expect(existsSync(join(dataDir, 'ci-certificate.pem'))).toBe(true)
  })

  it('resets a data folder with no emulator by removing only its own files', async () => {
    const dataDir = tempDir()
    const emulator = await start({dataDir})
    await emulator.close()
    const {writeFileSync} = await import('node:fs')
    writeFileSync(join(dataDir, 'notes.txt'), 'mine')
    expect(await resetEmulator({dataDir, env: {}})).toEqual({dataDir, via: 'data folder'})
    expect(existsSync(join(dataDir, 'state'))).toBe(false)
    expect(existsSync(join(dataDir, 'keys.json'))).toBe(false)
    expect(readFileSync(join(dataDir, 'notes.txt'), 'utf8')).toBe('mine')
  })
})

describe('emulator store', () => {
  it('serialises writers across store instances (separate caches, one lock) without losing updates', async () => {
    const root = join(tempDir(), 'state')
    const stores = [new Store(root), new Store(root)]
    await Promise.all(
      Array.from({length: 40}, (_, i) =>
        stores[i % 2]!.transaction(async (tx) => {
          const current = (await tx.get<{n: number}>('meta', 'counter'))?.n ?? 0
          tx.put('meta', 'counter', {n: current + 1})
        }),
      ),
    )
    expect(await stores[0]!.get('meta', 'counter')).toEqual({n: 40})
    expect(await stores[1]!.get('meta', 'counter')).toEqual({n: 40})
  })

  it('lets every committed write be read at once, while other requests keep re-reading the collection', async () => {
    const store = new Store(join(tempDir(), 'state'))
    const payload = 'x'.repeat(20_000)
    let stop = false
    // Readers that rebuild the cache while writers commit (many concurrent requests on one emulator).
    const readers = Array.from({length: 6}, async () => {
      while (!stop) await store.list('connectors/env')
    })
    const unreadable: string[] = []
    await Promise.all(
      Array.from({length: 6}, async (_, lane) => {
        for (let i = 0; i < 15; i++) {
          const key = `c${lane}-${i}`
          await store.transaction(async (tx) => {
            await tx.list('connectors/env')
            tx.put('connectors/env', key, {key, payload})
          })
          if (!(await store.get('connectors/env', key))) unreadable.push(`get ${key}`)
          if (!(await store.list<{key?: string}>('connectors/env')).some((r) => r.key === key)) unreadable.push(`list ${key}`)
        }
      }),
    )
    stop = true
    await Promise.all(readers)
    expect(unreadable).toEqual([])
    expect(await store.list('connectors/env')).toHaveLength(90)
  })

  it('drops the writes of a failed transaction', async () => {
    const store = new Store(join(tempDir(), 'state'))
    await store.transaction(async (tx) => tx.put('meta', 'a', {v: 1}))
    await expect(
      store.transaction(async (tx) => {
        tx.put('meta', 'a', {v: 2})
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await new Store(store.root).get('meta', 'a')).toEqual({v: 1})
  })

  it('breaks a lock file left behind by a dead process', async () => {
    const root = join(tempDir(), 'state')
    const {mkdirSync, writeFileSync} = await import('node:fs')
    mkdirSync(root, {recursive: true})
    writeFileSync(join(root, '.lock'), JSON.stringify({pid: 2_147_483_000, at: Date.now()}))
    const store = new Store(root)
    await store.transaction(async (tx) => tx.put('meta', 'x', {ok: true}))
    expect(await store.get('meta', 'x')).toEqual({ok: true})
    expect(existsSync(join(root, '.lock'))).toBe(false)
  })
})
