import {existsSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {join} from 'node:path'
import type {Worker} from 'node:worker_threads'

import {loadConnector} from '../connector/load.js'
import type {Connector} from '../connector/types.js'
import {CcError, InterruptedError, isCcError} from '../errors.js'
import type {ExitCodeValue} from '../exit-codes.js'
import {displayPath} from '../fs/paths.js'
import {packageRoot, runsCompiled} from '../fs/package-root.js'
import type {ConnectorSettings} from './config.js'
import {checkConnector} from './engine.js'
import type {Finding, Profile, RuleLevel} from './types.js'
import type {ConnectorValidation, Counts} from './validate.js'

/** One connector folder to validate, with the settings that apply to it (plain data: it is sent to workers). */
export interface ValidationJob {
  dir: string
  /** The folder's file names as discovery listed them (without: the folder is listed when loaded). */
  files?: string[]
  profile: Profile
  levels: Array<[string, RuleLevel]>
  options: Array<[string, Record<string, unknown>]>
}

/** What a worker thread starts with: every job, and the shared index of the next job to take. */
export interface WorkerInput {
  jobs: ValidationJob[]
  cwd: string
  next: Int32Array
}

export type WorkerReply =
  | {index: number; result: ConnectorValidation}
  | {index: number; error: {message: string; code: string; exitCode: ExitCodeValue; suggestions: string[]; stack?: string}}
  | {finished: true}

/** The compiled worker; the copy of cc that runs from its sources (tests) has none and validates in one thread. */
const workerFile = join(packageRoot(), 'dist', 'core', 'validate', 'worker.js')

/**
 * How many worker threads should validate beside this one for a run of `connectors` folders: one per further
 * core, up to three, for runs of 24 folders or more (0: this thread alone).
 *
 * Measured on two cores over the corpus (Node 20, with bin/run.js's V8 settings): this thread plus one worker
 * took 15–25% less wall time than this thread alone. A worker costs its own start and its own JIT warm-up, so
 * small runs stay in one thread.
 */
export function workerCount(connectors: number): number {
  if (connectors < 24 || !runsCompiled() || !existsSync(workerFile)) return 0
  return Math.max(0, Math.min(availableParallelism() - 1, 3, Math.floor(connectors / 12)))
}

/** Loads and checks one connector folder. Never throws: a folder that cannot be read becomes an error reply. */
export async function runJob(job: ValidationJob, index: number, cwd: string): Promise<WorkerReply> {
  try {
    const connector = await loadConnector(job.dir, job.files ? {files: job.files} : {})
    return {index, result: checkLoaded(connector, job.profile, new Map(job.levels), new Map(job.options), cwd)}
  } catch (error) {
    return {
      index,
      error: isCcError(error)
        ? {message: error.message, code: error.code, exitCode: error.exitCode, suggestions: error.suggestions}
        : {message: error instanceof Error ? error.message : String(error), code: 'INTERNAL', exitCode: 1, suggestions: [], ...(error instanceof Error && error.stack ? {stack: error.stack} : {})},
    }
  }
}

/** Runs the rules over one loaded connector and returns its result as `cc validate` reports it. */
export function checkLoaded(
  connector: Connector,
  profile: Profile,
  levels: ReadonlyMap<string, RuleLevel>,
  ruleOptions: ReadonlyMap<string, Record<string, unknown>>,
  cwd: string,
): ConnectorValidation {
  const findings = checkConnector(connector, {profile, levels, ruleOptions, cwd})
  return {path: displayPath(connector.dir, cwd), name: connector.folderName, profile, findings, summary: count(findings)}
}

export function count(findings: readonly Finding[]): Counts {
  const counts = {errors: 0, warnings: 0, infos: 0}
  for (const f of findings) {
    if (f.severity === 'error') counts.errors++
    else if (f.severity === 'warning') counts.warnings++
    else counts.infos++
  }
  return counts
}

/**
 * Validates connector folders on this thread and `threads` worker threads together. Every thread takes the next
 * folder from one shared counter (Atomics), so a thread that drew large connectors simply takes fewer, and no
 * thread waits for another to hand it work. Results come back in the order of `dirs`.
 */
export async function validateInWorkers(
  dirs: ReadonlyArray<{dir: string; files?: string[]}>,
  settingsOf: (dir: string) => ConnectorSettings & {profile: Profile},
  cwd: string,
  threads: number,
  options: {signal?: AbortSignal; onResult?: (done: number) => void} = {},
): Promise<ConnectorValidation[]> {
  const {Worker} = await import('node:worker_threads')
  const jobs: ValidationJob[] = dirs.map(({dir, files}) => {
    const settings = settingsOf(dir)
    return {dir, ...(files ? {files} : {}), profile: settings.profile, levels: [...settings.levels], options: [...settings.options]}
  })
  const next = new Int32Array(new SharedArrayBuffer(4))
  const results: ConnectorValidation[] = new Array(dirs.length)
  const workers: Worker[] = []
  let done = 0
  let failure: unknown
  // Stops every thread from taking another folder; the first failure is the one reported.
  const stop = (error: unknown): void => {
    failure ??= error
    Atomics.store(next, 0, jobs.length)
  }
  const accept = (reply: WorkerReply): void => {
    if ('finished' in reply) return
    if ('error' in reply) {
      const {message, code, exitCode, suggestions, stack} = reply.error
      if (code === 'INTERNAL') {
        // A bug, not a finding: rebuilt as a plain error, so that it is reported as one (stack only with DEBUG=cc).
        const bug = new Error(message)
        if (stack) bug.stack = stack
        stop(bug)
      } else stop(new CcError(message, {code, exitCode, suggestions}))
      return
    }
    results[reply.index] = reply.result
    done++
    options.onResult?.(done)
  }
  const onAbort = (): void => stop(new InterruptedError())
  options.signal?.addEventListener('abort', onAbort, {once: true})

  try {
    const finished: Array<Promise<void>> = []
    for (let i = 0; i < threads; i++) {
      const input: WorkerInput = {jobs, cwd, next}
      const worker = new Worker(workerFile, {workerData: input})
      workers.push(worker)
      finished.push(
        new Promise<void>((resolve) => {
          let ended = false
          worker.on('message', (reply: WorkerReply) => {
            accept(reply)
            if ('finished' in reply) {
              ended = true
              resolve()
            }
          })
          worker.on('error', (error) => {
            ended = true
            stop(error)
            resolve()
          })
          // A worker that ends without saying it finished (killed, out of memory) fails the run.
          worker.on('exit', (code) => {
            if (!ended) stop(new Error(`a validation thread stopped (exit code ${code}) before the queue was empty`))
            resolve()
          })
        }),
      )
    }
    // This thread works through the same queue, giving the workers' messages a turn after each folder.
    for (;;) {
      const index = Atomics.add(next, 0, 1)
      if (index >= jobs.length) break
      accept(await runJob(jobs[index]!, index, cwd))
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await Promise.all(finished)
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await Promise.all(workers.map((w) => w.terminate()))
  }
  if (failure === undefined && done < jobs.length) failure = new Error(`validation threads stopped after ${done} of ${jobs.length} folders`)
  if (failure !== undefined) throw failure
  return results
}
