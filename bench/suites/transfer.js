// Issue 7: moving connectors between environments. Goal: migrating 100 connectors, with 50 ms of injected latency
// on every request (a real service's round trip), is at least 6 times faster with the default --concurrency than
// with --concurrency 1, measured in the same run against the same emulator (dev → test, then dev → prod).
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cli, row, timeCommand} from '../lib.js'

const connectorCount = 100
const latency = 'latency=50ms'

async function startEmulator(dataDir, env) {
  const child = spawn(process.execPath, [cli, 'emulator', 'start', '--port', '0', '--data', dataDir], {env, stdio: 'ignore'})
  const file = join(dataDir, 'emulator.json')
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50))
  if (!existsSync(file)) throw new Error('the emulator did not start')
  return {url: JSON.parse(readFileSync(file, 'utf8')).url, stop: () => child.kill('SIGINT')}
}

async function token(url, scope) {
  const response = await fetch(`${url}/8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({grant_type: 'client_credentials', client_id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', client_secret: 'emulator-ci-secret', scope}),
  })
  return (await response.json()).access_token
}

/**
 * 100 connectors as a team has them: 85 without OAuth, 10 OAuth connectors with a secret on one client app
 * (their redirect URIs), 5 managed-identity connectors on the sample app (a federated credential each, per
 * environment: 10 of its 20).
 */
function writeConnectors(dir, oauthApp) {
  const dirs = []
  for (let i = 0; i < connectorCount; i++) {
    const n = String(i + 1).padStart(3, '0')
    const kind = i < 85 ? 'none' : i < 95 ? 'oauth' : 'mi'
    const folder = join(dir, `bench-${n}`)
    mkdirSync(folder, {recursive: true})
    const swagger = {
      swagger: '2.0',
      info: {title: `Bench ${kind} ${n}`, description: 'A connector of the transfer benchmark.', version: '1.0'},
      host: `bench-${n}.contoso.com`,
      basePath: '/api',
      schemes: ['https'],
      paths: {'/items': {get: {operationId: 'ListItems', summary: 'List items', responses: {200: {description: 'OK'}}}}},
    }
    const oauth = (appId, managed) => ({
      token: {
        type: 'oauthSetting',
        oAuthSettings: {
          identityProvider: 'aad',
          clientId: appId,
          scopes: [],
          redirectMode: 'GlobalPerConnector',
          redirectUrl: 'https://global.consent.azure-apim.net/redirect',
          properties: {IsFirstParty: 'False', AzureActiveDirectoryResourceId: `https://bench-${n}.contoso.com`, IsOnbehalfofLoginSupported: false, ...(managed ? {UseManagedIdentity: 'True'} : {})},
          customParameters: {loginUri: {value: 'https://login.windows.net'}, tenantId: {value: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60'}, resourceUri: {value: `https://bench-${n}.contoso.com`}},
        },
      },
    })
    const connectionParameters = kind === 'oauth' ? oauth(oauthApp, false) : kind === 'mi' ? oauth('5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c', true) : {}
    writeFileSync(join(folder, 'apiDefinition.swagger.json'), JSON.stringify(swagger, null, 2))
    writeFileSync(join(folder, 'apiProperties.json'), JSON.stringify({properties: {connectionParameters, iconBrandColor: '#107c10'}}, null, 2))
    dirs.push({folder, secret: kind === 'oauth'})
  }
  return dirs
}

export default async function transfer() {
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-transfer-'))
  const env = {...process.env, CC_CONFIG_DIR: join(work, 'config'), CC_ENV: '', DEBUG: '', BENCH_SECRET: 'bench-oauth-secret'}
  for (const key of Object.keys(env)) if (key.startsWith('AZURE_')) env[key] = ''
  const emulator = await startEmulator(join(work, 'emulator'), env)
  env.CC_EMULATOR_URL = emulator.url
  try {
    // Fill dev without latency, through the push core of dist/.
    const graph = await token(emulator.url, 'https://graph.microsoft.com/.default')
    const app = await (await fetch(`${emulator.url}/v1.0/applications`, {method: 'POST', headers: {authorization: `Bearer ${graph}`, 'content-type': 'application/json'}, body: JSON.stringify({displayName: 'Bench OAuth connectors'})})).json()
    const {pushConnector} = await import(new URL('../../dist/core/push/push.js', import.meta.url))
    const ctx = {configDir: env.CC_CONFIG_DIR, cwd: work, env, interactive: false, reporter: {step() {}, progress() {}, warn() {}, debug() {}}}
    const queue = writeConnectors(join(work, 'source'), app.appId)
    await Promise.all(
      Array.from({length: 8}, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) await pushConnector({path: c.folder, env: 'local:dev', remember: false, validate: false, ...(c.secret ? {clientSecret: 'bench-oauth-secret'} : {})}, ctx)
      }),
    )
    await fetch(`${emulator.url}/_emulator/faults`, {method: 'PUT', body: latency})

    const migrate = (to, extra) => [cli, 'migrate', '--from', 'local:dev', '--to', `local:${to}`, '--all', '--yes', '--client-secret-env', 'BENCH_SECRET', '--out', join(work, `to-${to}`), ...extra]
    // One run each (a second run would have nothing left to do): the time of the single, checked process.
    const once = (args) => {
      const start = process.hrtime.bigint()
      timeCommand(process.execPath, args, {runs: 0, env})
      return Number(process.hrtime.bigint() - start) / 1e6
    }
    const serial = {ms: once(migrate('test', ['--concurrency', '1']))}
    const parallel = {ms: once(migrate('prod', []))}
    const ratio = serial.ms / parallel.ms
    return [
      row({
        suite: 'transfer',
        metric: `cc migrate, ${connectorCount} connectors, ${latency} per request, default --concurrency`,
        value: parallel.ms,
        unit: 'ms',
        baseline: serial.ms,
        baselineLabel: '--concurrency 1',
        ratio,
        goal: '≥ 6× faster than --concurrency 1',
        ok: ratio >= 6,
      }),
    ]
  } finally {
    emulator.stop()
    rmSync(work, {recursive: true, force: true})
  }
}

