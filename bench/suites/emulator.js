// Issue 4: the emulator's start time and its request rate for connector create and get (Power Apps RP and
// Dataverse), each against a bare node:http server measured in the same run.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cli, median, row} from '../lib.js'

const {startEmulator} = await import('../../dist/emulator/index.js')

const concurrency = 8
const devEnv = 'Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60'

/** Runs `count` requests with `concurrency` in flight; returns requests per second. */
async function rate(count, send) {
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (next < count) {
        const i = next++
        const response = await send(i)
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
        await response.arrayBuffer()
      }
    }),
  )
  return count / (Number(process.hrtime.bigint() - start) / 1e9)
}

async function bareServer() {
  const body = JSON.stringify({name: 'shared_x', properties: {displayName: 'x'}})
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}).end(body))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve))}
}

async function timeStart(dataDir) {
  const start = process.hrtime.bigint()
  const emulator = await startEmulator({dataDir, port: 0, discoveryFile: false})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  await emulator.close()
  return ms
}

/** `cc emulator start` from spawn to its "listening on" line. */
function timeCliStart(dataDir) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(process.execPath, [cli, 'emulator', 'start', '--port', '0', '--data', dataDir], {stdio: ['ignore', 'pipe', 'ignore']})
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('listening on')) {
        const ms = Number(process.hrtime.bigint() - start) / 1e6
        child.once('exit', () => resolve(ms))
        child.kill('SIGINT')
      }
    })
    child.once('error', reject)
  })
}

async function token(url, scope) {
  const response = await fetch(`${url}/8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({grant_type: 'client_credentials', client_id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', client_secret: 'emulator-ci-secret', scope}),
  })
  return (await response.json()).access_token
}

export default async function emulator() {
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-emulator-'))
  const rows = []
  try {
    // Start time.
    const bareStarts = []
    for (let i = 0; i < 7; i++) {
      const start = process.hrtime.bigint()
      const bare = await bareServer()
      bareStarts.push(Number(process.hrtime.bigint() - start) / 1e6)
      await bare.close()
    }
    const bareStart = median(bareStarts)
    const freshRuns = []
    for (let i = 0; i < 3; i++) freshRuns.push(await timeStart(join(work, `fresh-${i}`)))
    const fresh = median(freshRuns)
    const warmDir = join(work, 'warm')
    await timeStart(warmDir)
    const warm = []
    for (let i = 0; i < 7; i++) warm.push(await timeStart(warmDir))
    const cliStart = []
    for (let i = 0; i < 3; i++) cliStart.push(await timeCliStart(warmDir))
    rows.push(
      row({suite: 'emulator', metric: 'bare node:http listen', value: bareStart, unit: 'ms'}),
      row({suite: 'emulator', metric: 'startEmulator, fresh data folder (key + seed)', value: fresh, unit: 'ms', baseline: bareStart, baselineLabel: 'bare', ratio: fresh / bareStart, goal: '< 1500 ms', ok: fresh < 1500}),
      row({suite: 'emulator', metric: 'startEmulator, existing data folder', value: median(warm), unit: 'ms', baseline: bareStart, baselineLabel: 'bare', ratio: median(warm) / bareStart, goal: '< 250 ms', ok: median(warm) < 250}),
      row({suite: 'emulator', metric: 'cc emulator start → listening', value: median(cliStart), unit: 'ms', goal: '< 2000 ms', ok: median(cliStart) < 2000}),
    )

    // Request rates.
    const bare = await bareServer()
    await rate(200, () => fetch(`${bare.url}/apis/x`))
    const bareRate = await rate(1500, () => fetch(`${bare.url}/apis/x`))
    await bare.close()
    rows.push(row({suite: 'emulator', metric: `bare node:http GET (${concurrency} concurrent)`, value: bareRate, unit: 'req/s'}))

    const emu = await startEmulator({dataDir: join(work, 'rates'), port: 0, discoveryFile: false})
    try {
      const rp = await token(emu.url, 'https://service.powerapps.com//.default')
      const apis = `${emu.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=${encodeURIComponent(`environment eq '${devEnv}'`)}`
      const swagger = {swagger: '2.0', info: {title: 'Bench', description: 'bench', version: '1'}, host: 'api.contoso.com', basePath: '/', schemes: ['https'], paths: {'/x': {get: {operationId: 'X', summary: 'x', responses: {200: {description: 'ok'}}}}}}
      const names = []
      const createRate = await rate(300, async (i) => {
        const response = await fetch(apis, {
          method: 'POST',
          headers: {authorization: `Bearer ${rp}`, 'content-type': 'application/json'},
          body: JSON.stringify({properties: {displayName: `Bench ${i}`, openApiDefinition: swagger, environment: {name: devEnv}}}),
        })
        if (response.ok) names.push((await response.clone().json()).name)
        return response
      })
      const getRate = await rate(1500, (i) => fetch(`${emu.url}/providers/Microsoft.PowerApps/apis/${names[i % names.length]}?api-version=2016-11-01&$filter=${encodeURIComponent(`environment eq '${devEnv}'`)}`, {headers: {authorization: `Bearer ${rp}`}}))
      const dv = await token(emu.url, `${emu.url}/dataverse/${devEnv}/.default`)
      const dvCreate = await rate(300, (i) =>
        fetch(`${emu.url}/dataverse/${devEnv}/api/data/v9.2/connectors`, {
          method: 'POST',
          headers: {authorization: `Bearer ${dv}`, 'content-type': 'application/json'},
          body: JSON.stringify({name: `bench_dv${i}`, displayname: `DV ${i}`, connectortype: 1, openapidefinition: JSON.stringify(swagger)}),
        }),
      )
      rows.push(
        row({suite: 'emulator', metric: `Power Apps RP connector create (${concurrency} concurrent)`, value: createRate, unit: 'req/s', baseline: bareRate, baselineLabel: 'bare', ratio: createRate / bareRate, goal: '≥ 50 req/s', ok: createRate >= 50}),
        row({suite: 'emulator', metric: `Power Apps RP connector get, 300 connectors (${concurrency} concurrent)`, value: getRate, unit: 'req/s', baseline: bareRate, baselineLabel: 'bare', ratio: getRate / bareRate, goal: '≥ 300 req/s', ok: getRate >= 300}),
        row({suite: 'emulator', metric: `Dataverse connector create (${concurrency} concurrent)`, value: dvCreate, unit: 'req/s', baseline: bareRate, baselineLabel: 'bare', ratio: dvCreate / bareRate, goal: '≥ 50 req/s', ok: dvCreate >= 50}),
      )
    } finally {
      await emu.close()
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
  return rows
}
