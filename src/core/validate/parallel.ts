import {existsSync} from 'node:fs'
import {availableParallelism, loadavg} from 'node:os'
import {join} from 'node:path'
import type {Worker} from 'node:worker_threads'

import {CcError, InterruptedError} from '../errors.js'
import type {ExitCodeValue} from '../exit-codes.js'
import {packageRoot, runsCompiled} from '../fs/package-root.js'
import type {ConnectorSettings} from './config.js'
import type {Profile, RuleLevel} from './types.js'
import type {ConnectorValidation} from './validate.js'

export interface WorkerJob {
  index: number
  dir: string
  cwd: string
  profile: Profile
  levels: Array<[string, RuleLevel]>
  options: Array<[string, Record<string, unknown>]>
}

export interface WorkerReply {
  index: number
  result?: ConnectorValidation
  error?: {message: string; code: string; exitCode: ExitCodeValue; suggestions: string[]}
}

/** The compiled worker; the copy of cc that runs from its sources (tests) has none and validates in one thread. */
const workerFile = join(packageRoot(), 'dist', 'core', 'validate', 'worker.js')

/** How many worker threads a run of `connectors` folders should use (0: validate in this thread): one per idle core. */
export function workerCount(connectors: number): number {
  // Workers pay off for many folders.
  if (connectors < 24 || !runsCompiled() || !existsSync(workerFile)) return 0
  // One validating thread already keeps about 1.5 cores busy (V8's concurrent GC and compiler threads): on two
  // cores, two workers measured 15–20 % slower than one thread, idle machine or not (the corpus, Node 20). So
  // workers start at four cores, one per idle core beyond the first, and only cores that are idle count.
  const cores = availableParallelism()
  if (cores < 4) return 0
  const idle = Math.floor(cores - loadavg()[0]! + 0.5)
  const threads = Math.min(idle - 1, 4, Math.floor(connectors / 12))
  return threads >= 2 ? threads : 0
}

/**
 * Validates connector folders on worker threads (each loads and checks whole folders), keeping two folders in
 * flight per worker so that file reads overlap with checking. Results come back in the order of `dirs`.
 */
export async function validateInWorkers(
  dirs: readonly string[],
  settingsOf: (dir: string) => ConnectorSettings & {profile: Profile},
  cwd: string,
  threads: number,
  options: {signal?: AbortSignal; onResult?: (done: number) => void} = {},
): Promise<ConnectorValidation[]> {
  const {Worker} = await import('node:worker_threads')
  const results: ConnectorValidation[] = new Array(dirs.length)
  const workers: Worker[] = []
  let next = 0
  let done = 0
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown): void => reject(error)
      const send = (worker: Worker): void => {
        if (next >= dirs.length) return
        const index = next++
        const dir = dirs[index]!
        const settings = settingsOf(dir)
        const job: WorkerJob = {index, dir, cwd, profile: settings.profile, levels: [...settings.levels], options: [...settings.options]}
        worker.postMessage(job)
      }
      const onAbort = (): void => reject(new InterruptedError())
      options.signal?.addEventListener('abort', onAbort, {once: true})
      for (let i = 0; i < threads; i++) {
        const worker = new Worker(workerFile)
        workers.push(worker)
        worker.on('error', fail)
        worker.on('message', (reply: WorkerReply) => {
          if (reply.error) {
            const {message, code, exitCode, suggestions} = reply.error
            fail(new CcError(message, {code, exitCode, suggestions}))
            return
          }
          results[reply.index] = reply.result!
          done++
          options.onResult?.(done)
          if (done === dirs.length) {
            options.signal?.removeEventListener('abort', onAbort)
            resolve()
          } else send(worker)
        })
        send(worker)
        send(worker)
      }
    })
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return results
}
