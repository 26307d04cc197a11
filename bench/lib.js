// Shared helpers for the benchmark suites in bench/suites/. Plain ESM JavaScript run against dist/.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const cli = fileURLToPath(new URL('../bin/run.js', import.meta.url))

/** The connector corpus: CC_CORPUS_DIR, else ../shared/corpus beside the repository, else /work/shared/corpus. */
export const corpus = process.env.CC_CORPUS_DIR
  ? resolve(process.env.CC_CORPUS_DIR)
  : ([join(root, '..', 'shared', 'corpus'), '/work/shared/corpus'].find((dir) => existsSync(dir)) ?? join(root, '..', 'shared', 'corpus'))

/** Median of an array of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** One timed run of a command: wall ms, peak RSS in MB (from /usr/bin/time when present) and the result. */
function runOnce(command, args, {cwd = root, env = {}, check = true} = {}) {
  const start = process.hrtime.bigint()
  const result = hasTime()
    ? spawnSync('/usr/bin/time', ['-f', '__RSS__%M', command, ...args], {cwd, env: {...process.env, ...env}, encoding: 'utf8', maxBuffer: 1 << 28})
    : spawnSync(command, args, {cwd, env: {...process.env, ...env}, encoding: 'utf8', maxBuffer: 1 << 28})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (check && result.status !== 0 && result.status !== 3) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${String(result.stderr).slice(-2000)}`)
  }
  const rss = /__RSS__(\d+)/.exec(result.stderr ?? '')
  return {ms, rssMb: rss ? Number(rss[1]) / 1024 : 0}
}

let timeAvailable
function hasTime() {
  timeAvailable ??= spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0
  return timeAvailable
}

/**
 * Runs a command `runs` times (after one warm-up) and returns the median wall time in ms and the peak
 * resident memory in MB of the slowest run (from /usr/bin/time when present).
 */
export function timeCommand(command, args, options = {}) {
  return timeInterleaved([{command, args, ...options}], options)[0]
}

/**
 * Times several commands in turns (a, b, a, b, …; one warm-up round first unless `warmup` is false) and
 * returns for each the median wall time in ms and the peak RSS in MB. For a ratio between two commands: both see the same machine
 * conditions, where timing one after the other lets a slow spell of a shared VM fall on one side only.
 */
export function timeInterleaved(commands, {runs = 5, warmup = true} = {}) {
  const results = commands.map(() => ({times: [], maxRssMb: 0}))
  for (let i = warmup ? 0 : 1; i <= runs; i++) {
    commands.forEach(({command, args, ...options}, k) => {
      const {ms, rssMb} = runOnce(command, args, options)
      results[k].maxRssMb = Math.max(results[k].maxRssMb, rssMb)
      if (i > 0) results[k].times.push(ms)
    })
  }
  return results.map(({times, maxRssMb}) => ({ms: median(times), maxRssMb}))
}

/** Runs an async function `runs` times (after one warm-up) and returns the median time in ms. */
export async function timeFunction(fn, {runs = 5} = {}) {
  const times = []
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint()
    await fn()
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(times)
}

/**
 * One result row. `ratio` compares `value` with `baseline` measured in the same run; `goal` says what the
 * issue asks for, and `ok` whether this run met it.
 */
export function row({suite, metric, value, unit, baseline, baselineLabel, ratio, goal, ok}) {
  return {suite, metric, value, unit, baseline, baselineLabel, ratio, goal, ok}
}
