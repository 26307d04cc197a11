import {readFile, rm} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {CcError} from '../core/errors.js'
import {writeFileAtomic} from '../core/fs/atomic.js'

/**
 * How clients find a running emulator: `CC_EMULATOR_URL`, else `<dataDir>/emulator.json` (`{url, pid,
 * startedAt}`, kept while an emulator runs on that folder), confirmed by `GET /_emulator/health`.
 */

export interface DiscoveryFile {
  url: string
  pid: number
  startedAt: string
}

export function discoveryPath(dataDir: string): string {
  return join(dataDir, 'emulator.json')
}

/** The default data folder: `<configDir>/emulator`. */
export function defaultDataDir(configDir: string): string {
  return join(configDir, 'emulator')
}

/** The data folder a command uses: `--data` (relative to cwd), else `CC_EMULATOR_DATA`, else `<configDir>/emulator`. */
export function resolveDataDir(options: {data?: string; configDir: string; cwd: string; env?: NodeJS.ProcessEnv}): string {
  const chosen = options.data ?? options.env?.CC_EMULATOR_DATA
  return chosen ? resolve(options.cwd, chosen) : defaultDataDir(options.configDir)
}

export async function writeDiscoveryFile(dataDir: string, content: DiscoveryFile): Promise<void> {
  await writeFileAtomic(discoveryPath(dataDir), JSON.stringify(content, null, 2) + '\n')
}

/** Removes the discovery file when it still describes this emulator (another one may have taken over). */
export async function removeDiscoveryFile(dataDir: string, url: string): Promise<void> {
  const current = await readDiscoveryFile(dataDir)
  if (current && current.url === url && current.pid === process.pid) await rm(discoveryPath(dataDir), {force: true})
}

export async function readDiscoveryFile(dataDir: string): Promise<DiscoveryFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(discoveryPath(dataDir), 'utf8')) as Partial<DiscoveryFile>
    if (typeof parsed.url !== 'string' || typeof parsed.pid !== 'number') return undefined
    return {url: parsed.url, pid: parsed.pid, startedAt: String(parsed.startedAt ?? '')}
  } catch {
    return undefined
  }
}

export interface HealthReport {
  status: 'ok'
  service: 'cc-emulator'
  version: string
  url: string
  pid: number
  startedAt: string
  dataDir: string
}

/** Asks an emulator for its health; undefined when nothing (or something else) answers in time. */
export async function probeEmulator(url: string, timeoutMs = 1500): Promise<HealthReport | undefined> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/_emulator/health`, {signal: AbortSignal.timeout(timeoutMs)})
    if (!response.ok) return undefined
    const body = (await response.json()) as Partial<HealthReport>
    return body.service === 'cc-emulator' && body.status === 'ok' ? (body as HealthReport) : undefined
  } catch {
    return undefined
  }
}

export interface FoundEmulator {
  url: string
  source: 'CC_EMULATOR_URL' | 'emulator.json'
  health: HealthReport
}

/**
 * A running emulator for a data folder: the one `CC_EMULATOR_URL` names, else the one its `emulator.json`
 * names, if it answers its health check. Undefined when none runs (callers then start one in-process). A
 * `CC_EMULATOR_URL` that does not answer is an error (EMULATOR_UNREACHABLE): the user asked for that one.
 */
export async function findRunningEmulator(options: {dataDir: string; env?: NodeJS.ProcessEnv}): Promise<FoundEmulator | undefined> {
  const fromEnv = options.env?.CC_EMULATOR_URL?.trim()
  if (fromEnv) {
    const health = await probeEmulator(fromEnv)
    if (!health) {
      throw new CcError(`No cc emulator answers at ${fromEnv} (CC_EMULATOR_URL).`, {
        code: 'EMULATOR_UNREACHABLE',
        suggestions: ['cc emulator start --port <port>   (in another terminal)', 'unset CC_EMULATOR_URL   (cc then starts an emulator for each command)'],
      })
    }
    return {url: fromEnv.replace(/\/+$/, ''), source: 'CC_EMULATOR_URL', health}
  }
  const file = await readDiscoveryFile(options.dataDir)
  if (!file) return undefined
  const health = await probeEmulator(file.url)
  return health ? {url: file.url, source: 'emulator.json', health} : undefined
}
