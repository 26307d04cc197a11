import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {FaultInjector, parseFaultSpec} from '../../src/emulator/faults.js'
import {loadFaultPlan, type RequestLogEntry} from '../../src/emulator/index.js'
import {appToken, call, devEnv, scopes, startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {tempDir} from '../helpers/temp-dir.js'

const running: TestEmulator[] = []
afterEach(async () => {
  while (running.length > 0) await running.pop()!.dispose()
})
async function start(options: Parameters<typeof startTestEmulator>[0]): Promise<TestEmulator> {
  const emulator = await startTestEmulator(options)
  running.push(emulator)
  return emulator
}

describe('fault specs', () => {
  it('parses the documented forms', () => {
    expect(parseFaultSpec('503,rate=20%')).toEqual({seed: 1, rules: [{action: 'status', status: 503, rate: 0.2, retryAfterSeconds: 1}]})
    expect(parseFaultSpec('latency=50ms').rules).toEqual([{action: 'latency', latencyMs: [50, 50], rate: 1}])
    expect(parseFaultSpec('latency=20-80ms,rate=0.5').rules[0]).toMatchObject({latencyMs: [20, 80], rate: 0.5})
    expect(parseFaultSpec('latency=1s').rules[0]!.latencyMs).toEqual([1000, 1000])
    expect(parseFaultSpec('429,retry-after=2,route=POST /providers/Microsoft.PowerApps/apis,first=1').rules[0]).toEqual({
      action: 'status',
      status: 429,
      rate: 1,
      retryAfterSeconds: 2,
      method: 'POST',
      route: '/providers/Microsoft.PowerApps/apis',
      first: 1,
    })
    expect(parseFaultSpec('seed=42; reset,rate=5%,route=dataverse.*\n500,after=3')).toEqual({
      seed: 42,
      rules: [
        {action: 'reset', rate: 0.05, route: 'dataverse.*'},
        {action: 'status', status: 500, rate: 1, after: 3},
      ],
    })
  })

  it('says what is wrong with a bad spec', () => {
    expect(() => parseFaultSpec('rate=20%')).toThrow(/neither a status code, reset nor latency/)
    expect(() => parseFaultSpec('503,rate=120%')).toThrow(/percentage/)
    expect(() => parseFaultSpec('200')).toThrow(/400–599/)
    expect(() => parseFaultSpec('503,latency=5ms')).toThrow(/one thing/)
    expect(() => parseFaultSpec('explode')).toThrow(/unknown fault setting "explode"/)
  })

  it('adds latency rules up and lets the first failing rule win, reproducibly', () => {
    const injector = new FaultInjector(parseFaultSpec('latency=50ms;latency=10ms,route=/v1.0/*;503,route=graph.*;500'))
    expect(injector.decide('GET', '/v1.0/applications', 'graph.applications.list')).toEqual({latencyMs: 60, fail: {status: 503, retryAfterSeconds: 1}})
    expect(injector.decide('GET', '/providers/x', 'powerapps.apis.list')).toEqual({latencyMs: 50, fail: {status: 500}})
    const draws = (seed: number) => {
      const i = new FaultInjector(parseFaultSpec(`seed=${seed};503,rate=30%`))
      return Array.from({length: 200}, () => (i.decide('GET', '/x', 'x').fail ? 1 : 0)).join('')
    }
    expect(draws(7)).toBe(draws(7))
    expect(draws(7)).not.toBe(draws(8))
    const failures = [...draws(7)].filter((c) => c === '1').length
    expect(failures).toBeGreaterThan(30)
    expect(failures).toBeLessThan(90)
  })

  it('reads @file specs, text or JSON', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'faults.json'), JSON.stringify({seed: 9, rules: [{status: 503, rate: '20%'}, 'latency=5ms', {reset: true, route: 'blob.*'}]}))
    expect(await loadFaultPlan('@faults.json', dir)).toEqual({
      seed: 9,
      rules: [
        {action: 'status', status: 503, rate: 0.2, retryAfterSeconds: 1},
        {action: 'latency', latencyMs: [5, 5], rate: 1},
        {action: 'reset', rate: 1, route: 'blob.*'},
      ],
    })
    await expect(loadFaultPlan('@missing.txt', dir)).rejects.toMatchObject({code: 'EMULATOR_FAULTS_UNREADABLE'})
    await expect(loadFaultPlan('nonsense', dir)).rejects.toMatchObject({code: 'EMULATOR_BAD_FAULTS', exitCode: 2})
  })
})

describe('faults on the wire', () => {
  it('fails a reproducible fifth of requests with the service error shape, never the /_emulator routes', async () => {
    const outcomes: string[] = []
    for (let run = 0; run < 2; run++) {
      const emulator = await start({faults: 'seed=3;503,rate=20%,route=identity.openid-configuration'})
      let pattern = ''
      for (let i = 0; i < 50; i++) {
        const response = await call(`${emulator.url}/organizations/v2.0/.well-known/openid-configuration`)
        pattern += response.status === 503 ? 'x' : '.'
        if (response.status === 503) {
          expect(response.body).toMatchObject({error: 'temporarily_unavailable'})
          expect(response.headers.get('retry-after')).toBe('1')
        }
      }
      expect((await call(`${emulator.url}/_emulator/health`)).status).toBe(200)
      outcomes.push(pattern)
    }
    expect(outcomes[0]).toBe(outcomes[1])
    const failures = [...outcomes[0]!].filter((c) => c === 'x').length
    expect(failures).toBeGreaterThan(3)
    expect(failures).toBeLessThan(20)
  })

  it('answers 429 with Retry-After on a chosen route the first time only', async () => {
    const emulator = await start({faults: '429,retry-after=2,route=POST /providers/Microsoft.PowerApps/apis,first=1'})
    const token = await appToken(emulator.url, {scope: scopes.powerApps})
    const create = () =>
      call(`${emulator.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${devEnv.id}'`, {
        token,
        method: 'POST',
        body: {properties: {openApiDefinition: {swagger: '2.0', info: {title: 'Retry', version: '1'}, paths: {}}}},
      })
    const first = await create()
    expect(first.status).toBe(429)
    expect(first.headers.get('retry-after')).toBe('2')
    expect(first.body.error.code).toBe('TooManyRequests')
    expect((await create()).status).toBe(201)
  })

  it('drops connections and logs latency faults', async () => {
    const log: RequestLogEntry[] = []
    const emulator = await start({faults: 'reset,route=graph.*;latency=1ms,route=identity.*', onRequest: (entry) => log.push(entry)})
    await expect(fetch(`${emulator.url}/v1.0/applications`)).rejects.toThrow()
    await call(`${emulator.url}/organizations/v2.0/.well-known/openid-configuration`)
    expect(log.map((e) => [e.route, e.fault])).toEqual([
      ['graph.applications.list', 'reset'],
      ['identity.openid-configuration', 'latency'],
    ])
  })

  it('changes faults at run time through the API and the admin route', async () => {
    const emulator = await start({})
    const url = `${emulator.url}/organizations/v2.0/.well-known/openid-configuration`
    expect((await call(url)).status).toBe(200)
    await emulator.setFaults('500')
    expect((await call(url)).status).toBe(500)
    expect((await call(`${emulator.url}/_emulator/faults`, {method: 'PUT', body: '503'})).body.plan.rules[0].status).toBe(503)
    expect((await call(url)).status).toBe(503)
    const bad = await call(`${emulator.url}/_emulator/faults`, {method: 'PUT', body: 'bogus'})
    expect(bad.status).toBe(400)
    expect((await call(`${emulator.url}/_emulator/faults`, {method: 'DELETE'})).status).toBe(204)
    expect((await call(url)).status).toBe(200)
  })
})
