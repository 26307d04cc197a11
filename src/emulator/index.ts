import {readFileSync} from 'node:fs'
import {mkdir, readFile, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {isAbsolute, join, resolve} from 'node:path'

import {CcError, UsageError} from '../core/errors.js'
import {packageRoot} from '../core/fs/package-root.js'
import {adminRoutes} from './admin-routes.js'
import type {EmulatorContext, EmulatorSettings} from './context.js'
import {findRunningEmulator, removeDiscoveryFile, writeDiscoveryFile} from './discovery.js'
import {FaultInjector, FaultSpecError, parseFaultSpec, type FaultPlan} from './faults.js'
import {approveDeviceCodeInStore, DeviceCodeError, type ApproveResult} from './identity/device-codes.js'
import {dataverseRoutes} from './dataverse/routes.js'
import {graphRoutes} from './graph/routes.js'
import {identityRoutes} from './identity/routes.js'
import {blobRoutes} from './platform/blob-routes.js'
import {environmentRoutes} from './platform/environment-routes.js'
import {powerAppsRoutes} from './platform/powerapps-routes.js'
import {buildEmulatorInfo, type EmulatorInfo} from './info.js'
import {Router} from './router.js'
import {createRequestListener, type RequestLogEntry} from './server.js'
import {BlobStore} from './state/blobs.js'
import {loadOrCreateKeys} from './state/keys.js'
import {ciCertificatePath, seedState} from './state/seed.js'
import {Store} from './state/store.js'

export {defaultDataDir, resolveDataDir, findRunningEmulator, probeEmulator, readDiscoveryFile, type FoundEmulator, type HealthReport} from './discovery.js'
export {parseFaultSpec, type FaultPlan, type FaultRule} from './faults.js'
export type {EmulatorInfo} from './info.js'
export type {ApproveResult} from './identity/device-codes.js'
export type {RequestLogEntry} from './server.js'
export * as seededIdentities from './seed-identities.js'

/** The port `cc emulator start` listens on when none is given. */
export const defaultEmulatorPort = 7450

export interface StartEmulatorOptions {
  /** Where state lives (created when missing). `defaultDataDir(configDir)` is `<configDir>/emulator`. */
  dataDir: string
  /** 0 (the default) picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Fault rules: a spec (see faults.ts), `@file` (a spec or JSON file), or a parsed plan. */
  faults?: string | FaultPlan
  /** Resolves `@file` fault specs (default: process.cwd()). */
  cwd?: string
  /** Page size of lists (default 100); also Dataverse's when given. */
  pageSize?: number
  /** Device codes approve themselves after this many ms (default 1000); null: only `cc emulator approve`. */
  deviceCodeApprovalDelayMs?: number | null
  /** Polling interval announced for device codes, in seconds (default 1). */
  deviceCodeIntervalSeconds?: number
  /** Access token lifetime in seconds (default 3600). */
  tokenLifetimeSeconds?: number
  /** The clock (ms since the epoch); tests pass one they can move forward. */
  clock?: () => number
  /** Keep `<dataDir>/emulator.json` while running (default true). */
  discoveryFile?: boolean
  /** Called after every request (the `--verbose` log). */
  onRequest?: (entry: RequestLogEntry) => void
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  host: string
  dataDir: string
  startedAt: string
  /** Replaces the fault rules (a spec, `@file`, or undefined to remove them). */
  setFaults(spec: string | FaultPlan | undefined): Promise<FaultPlan | undefined>
  info(): EmulatorInfo
  /** Stops listening, drops open connections and removes the discovery file. */
  close(): Promise<void>
}

let packageVersion: string | undefined
function version(): string {
  if (packageVersion === undefined) {
    try {
      packageVersion = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version?: string}).version ?? '0.0.0'
    } catch {
      packageVersion = '0.0.0'
    }
  }
  return packageVersion
}

/** Starts the emulator: one HTTP origin serving Entra ID, the Power Apps/Flow/BAP providers, blobs, Dataverse and Graph. */
export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const dataDir = resolve(options.dataDir)
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`The port must be a whole number from 0 to 65535 (got ${port}).`, {code: 'EMULATOR_BAD_PORT'})
  let plan = await loadFaultPlan(options.faults, options.cwd)
  try {
    await mkdir(dataDir, {recursive: true})
  } catch (error) {
    throw new CcError(`Cannot create the emulator data folder ${dataDir}: ${(error as Error).message}`, {code: 'EMULATOR_DATA_DIR', file: dataDir, cause: error, suggestions: ['cc emulator start --data <a writable folder>']})
  }
  const store = new Store(join(dataDir, 'state'))
  const blobs = new BlobStore(join(dataDir, 'blobs'))
  const keys = await loadOrCreateKeys(dataDir, store)
  await seedState(dataDir, store, keys)

  const settings: EmulatorSettings = {
    pageSize: positive(options.pageSize, 100, 'pageSize'),
    dataversePageSize: positive(options.pageSize, 5000, 'pageSize'),
    deviceCodeApprovalDelayMs: options.deviceCodeApprovalDelayMs === undefined ? 1000 : options.deviceCodeApprovalDelayMs,
    deviceCodeIntervalSeconds: positive(options.deviceCodeIntervalSeconds, 1, 'deviceCodeIntervalSeconds'),
    tokenLifetimeSeconds: positive(options.tokenLifetimeSeconds, 3600, 'tokenLifetimeSeconds'),
  }
  let injector = plan ? new FaultInjector(plan) : undefined
  let url = ''
  const startedAt = new Date().toISOString()
  const ctx: EmulatorContext = {
    dataDir,
    store,
    blobs,
    keys,
    settings,
    now: options.clock ?? Date.now,
    runtime: {
      version: version(),
      pid: process.pid,
      startedAt,
      url: () => url,
      faults: () => plan,
      setFaults(spec) {
        plan = spec === undefined ? undefined : parseFaultSpec(spec)
        injector = plan ? new FaultInjector(plan) : undefined
        return plan
      },
      async reset() {
        await clearDataFolder(dataDir, store, blobs)
        ctx.keys = await loadOrCreateKeys(dataDir, store)
        await seedState(dataDir, store, ctx.keys)
      },
    },
  }
  const router = buildRouter()
  const server = createServer(
    {keepAliveTimeout: 5000},
    createRequestListener({ctx, router, faults: () => injector, fallbackHost: () => new URL(url).host, ...(options.onRequest ? {onRequest: options.onRequest} : {})}),
  )
  await listen(server, port, host)
  const address = server.address() as AddressInfo
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  url = `http://${urlHost}:${address.port}`
  const discovery = options.discoveryFile !== false
  if (discovery) await writeDiscoveryFile(dataDir, {url, pid: process.pid, startedAt})

  let closed: Promise<void> | undefined
  return {
    url,
    port: address.port,
    host,
    dataDir,
    startedAt,
    async setFaults(spec) {
      plan = await loadFaultPlan(spec, options.cwd)
      injector = plan ? new FaultInjector(plan) : undefined
      return plan
    },
    info: () => buildEmulatorInfo({dataDir, url, pid: process.pid, startedAt, foundBy: 'this process'}),
    close() {
      closed ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done())
          server.closeAllConnections()
        })
        if (discovery) await removeDiscoveryFile(dataDir, url)
      })()
      return closed
    },
  }
}

function buildRouter(): Router {
  return new Router().add(...adminRoutes(), ...identityRoutes(), ...environmentRoutes(), ...powerAppsRoutes(), ...blobRoutes(), ...dataverseRoutes(), ...graphRoutes())
}

/**
 * Reads a device-code approval delay: `0`, `1500` (ms), `1500ms`, `2s`, or `manual` / `never` / `off` (only
 * `cc emulator approve` approves).
 */
export function parseApprovalDelay(text: string): number | null {
  const value = text.trim().toLowerCase()
  if (['manual', 'never', 'off', 'none'].includes(value)) return null
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(value)
  if (!m) {
    throw new UsageError(`The device-code delay "${text}" is not a duration.`, {code: 'EMULATOR_BAD_OPTION', suggestions: ['--device-code-delay 2s', '--device-code-delay 0', '--device-code-delay manual']})
  }
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1))
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number (got ${value}).`, {code: 'EMULATOR_BAD_OPTION'})
  return value
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') {
        fail(
          new CcError(`Port ${port} on ${host} is already in use.`, {
            code: 'EMULATOR_PORT_IN_USE',
            suggestions: [`cc emulator start --port ${port + 1}`, 'cc emulator start --port 0   (any free port)', 'cc emulator info   (is an emulator already running?)'],
          }),
        )
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') {
        fail(new CcError(`Cannot listen on ${host}:${port} (${error.code}).`, {code: 'EMULATOR_LISTEN_FAILED', suggestions: ['cc emulator start --host 127.0.0.1 --port 0']}))
      } else fail(error)
    }
    const onListening = () => {
      server.off('error', onError)
      done()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/** Reads a fault spec: text, `@file` (text or JSON `{seed, rules}`), or a plan. Undefined or blank: no faults. */
export async function loadFaultPlan(spec: string | FaultPlan | undefined, cwd = process.cwd()): Promise<FaultPlan | undefined> {
  if (spec === undefined) return undefined
  if (typeof spec !== 'string') return spec
  let text = spec.trim()
  let file: string | undefined
  if (text.startsWith('@')) {
    file = resolve(cwd, text.slice(1))
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw new CcError(`Cannot read the fault file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {code: 'EMULATOR_FAULTS_UNREADABLE', file, suggestions: ['cc emulator start --faults "503,rate=20%"']})
    }
    if (/^\s*[[{]/.test(text)) text = jsonFaultsToSpec(text, file)
  }
  if (text === '') return undefined
  try {
    return parseFaultSpec(text)
  } catch (error) {
    if (error instanceof FaultSpecError) {
      throw new UsageError(`Invalid fault spec: ${error.message}.`, {
        code: 'EMULATOR_BAD_FAULTS',
        ...(file ? {file} : {}),
        suggestions: ['cc emulator start --faults "503,rate=20%"', 'cc emulator start --faults "latency=50ms"', 'cc emulator start --faults "429,retry-after=2,route=POST /providers/Microsoft.PowerApps/apis,first=1"'],
      })
    }
    throw error
  }
}

/** `{"seed": 7, "rules": [{"status": 503, "rate": "20%"}, "latency=50ms"]}` (or just the rules array) → spec text. */
function jsonFaultsToSpec(text: string, file: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`The fault file ${file} is not valid JSON: ${(error as Error).message}`, {code: 'EMULATOR_BAD_FAULTS', file})
  }
  const rules = Array.isArray(parsed) ? parsed : (parsed as {rules?: unknown}).rules
  const seedValue = Array.isArray(parsed) ? undefined : (parsed as {seed?: unknown}).seed
  if (!Array.isArray(rules)) throw new UsageError(`The fault file ${file} must hold {"rules": [...]} or an array of rules.`, {code: 'EMULATOR_BAD_FAULTS', file})
  const lines = rules.map((rule) => {
    if (typeof rule === 'string') return rule
    return Object.entries(rule as Record<string, unknown>)
      .map(([key, value]) => (key === 'reset' ? (value ? 'reset' : '') : `${key}=${String(value)}`))
      .filter(Boolean)
      .join(',')
  })
  if (seedValue !== undefined) lines.unshift(`seed=${String(seedValue)}`)
  return lines.join('\n')
}

async function clearDataFolder(dataDir: string, store: Store, blobs: BlobStore): Promise<void> {
  await store.clear()
  await blobs.clear()
  await rm(join(dataDir, 'keys.json'), {force: true})
  await rm(ciCertificatePath(dataDir), {force: true})
}

export interface ResetEmulatorOptions {
  dataDir: string
  env?: NodeJS.ProcessEnv
}

export interface ResetResult {
  dataDir: string
  /** Whether a running emulator was reset (over HTTP) or the folder was emptied directly. */
  via: 'running emulator' | 'data folder'
  url?: string
}

/**
 * Empties an emulator's state (connectors, apps, credentials, tokens, blobs, keys); the next start seeds it
 * again. A running emulator on the folder (or the one CC_EMULATOR_URL names) is reset through its admin route so
 * that it reseeds at once. Only the emulator's own files are removed from the folder.
 */
export async function resetEmulator(options: ResetEmulatorOptions): Promise<ResetResult> {
  const dataDir = resolve(options.dataDir)
  const running = await findRunningEmulator({dataDir, ...(options.env ? {env: options.env} : {})})
  if (running) {
    const response = await fetch(`${running.url}/_emulator/reset`, {method: 'POST'})
    if (!response.ok) throw new CcError(`The emulator at ${running.url} refused the reset (HTTP ${response.status}).`, {code: 'EMULATOR_RESET_FAILED'})
    return {dataDir: running.health.dataDir, via: 'running emulator', url: running.url}
  }
  const store = new Store(join(dataDir, 'state'))
  await clearDataFolder(dataDir, store, new BlobStore(join(dataDir, 'blobs')))
  await rm(join(dataDir, 'emulator.json'), {force: true})
  await rm(join(dataDir, 'state'), {recursive: true, force: true})
  return {dataDir, via: 'data folder'}
}

export interface ApproveDeviceCodeOptions {
  dataDir: string
  userCode: string
  /** User principal name or object id (default: the seeded default user). */
  user?: string
  deny?: boolean
  env?: NodeJS.ProcessEnv
}

/**
 * Approves (or declines) a device-code sign-in that waits in an emulator, as the user would on the device-login
 * page: through the running emulator when one is found (CC_EMULATOR_URL or the data folder's emulator.json),
 * else directly in the data folder.
 */
export async function approveDeviceCode(options: ApproveDeviceCodeOptions): Promise<ApproveResult> {
  const dataDir = resolve(options.dataDir)
  const running = options.env?.CC_EMULATOR_URL ? await findRunningEmulator({dataDir, env: options.env}) : undefined
  if (running) {
    const response = await fetch(`${running.url}/_emulator/devicecodes/approve`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({userCode: options.userCode, user: options.user, deny: options.deny === true}),
    })
    const body = (await response.json()) as ApproveResult & {error?: {code: string; message: string}}
    if (!response.ok) throw deviceCodeProblem(body.error?.message ?? `HTTP ${response.status}`, body.error?.code ?? 'unknown')
    return body
  }
  try {
    return await approveDeviceCodeInStore(new Store(join(dataDir, 'state')), {
      userCode: options.userCode,
      ...(options.user ? {user: options.user} : {}),
      deny: options.deny === true,
      now: Date.now(),
    })
  } catch (error) {
    if (error instanceof DeviceCodeError) throw deviceCodeProblem(error.message, error.reason)
    throw error
  }
}

function deviceCodeProblem(message: string, reason: string): CcError {
  const suggestions =
    reason === 'unknown-user'
      ? ['cc emulator info   (lists the users)']
      : ['cc emulator info   (is this the data folder of the emulator that issued the code? use --data)', 'start the sign-in again for a new code']
  return new CcError(message, {code: reason === 'unknown-user' ? 'EMULATOR_UNKNOWN_USER' : 'DEVICE_CODE_NOT_PENDING', suggestions})
}

export interface EmulatorInfoOptions {
  dataDir: string
  env?: NodeJS.ProcessEnv
}

/** The seeded identities and, when one runs, the emulator's URL and endpoints. */
export async function emulatorInfo(options: EmulatorInfoOptions): Promise<EmulatorInfo> {
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir)
  const running = await findRunningEmulator({dataDir, ...(options.env ? {env: options.env} : {})})
  if (!running) return buildEmulatorInfo({dataDir})
  return buildEmulatorInfo({dataDir: running.health.dataDir, url: running.url, pid: running.health.pid, startedAt: running.health.startedAt, foundBy: running.source})
}
