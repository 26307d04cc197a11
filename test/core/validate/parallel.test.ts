import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {CcError} from '../../../src/core/errors.js'
import {findConnectors} from '../../../src/core/validate/discover.js'
import {runJob, validateInWorkers} from '../../../src/core/validate/parallel.js'
import {corpusDir} from '../../helpers/corpus.js'

// The worker threads run the compiled worker (dist/, built by `npm test`); this thread runs the sources.
// Folders as discovery gives them (with their file names), as `cc validate` passes them.
const folders = (await findConnectors(corpusDir)).slice(0, 60)
const dirs = folders.map((f) => f.dir)
const settingsOf = () => ({profile: 'base' as const, levels: new Map(), options: new Map()})
const cwd = process.cwd()

async function oneThread(list: readonly string[]) {
  const results = []
  for (let i = 0; i < list.length; i++) {
    const reply = await runJob({dir: list[i]!, profile: 'base', levels: [], options: []}, i, cwd)
    if (!('result' in reply)) throw new Error(`no result for ${list[i]}`)
    results.push(reply.result)
  }
  return results
}

describe('validateInWorkers (this thread and worker threads share one queue)', () => {
  it('returns every folder once, in the order given, with the findings one thread finds', async () => {
    // One thread, each folder listed when it is loaded; the threads below take discovery's file names.
    const expected = await oneThread(dirs)
    for (const threads of [1, 2]) {
      const seen: number[] = []
      const results = await validateInWorkers(folders, settingsOf, cwd, threads, {onResult: (done) => seen.push(done)})
      expect(results.map((r) => r.path)).toEqual(expected.map((r) => r.path))
      expect(results).toEqual(expected)
      expect(seen).toEqual(dirs.map((_, i) => i + 1))
    }
  }, 60_000)

  it('stops at a folder that cannot be read and reports it, wherever it was taken', async () => {
    const list = [...dirs.slice(0, 30), join(cwd, 'no-such-connector-folder'), ...dirs.slice(30)].map((dir) => ({dir}))
    const error = await validateInWorkers(list, settingsOf, cwd, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CcError)
    expect((error as CcError).code).toBe('CONNECTOR_NOT_FOUND')
    expect((error as CcError).message).toContain('no-such-connector-folder')
  }, 60_000)

  it('reports a bug in any thread as a plain error, with the stack kept out of the message', async () => {
    // Settings that cannot become a Map make checking throw a TypeError wherever the folder is taken.
    const broken = () => ({profile: 'base' as const, levels: [1] as never, options: new Map()})
    const error = await validateInWorkers(folders.slice(0, 30), broken, cwd, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(CcError)
    expect((error as Error).message).toMatch(/not an entry object/)
    expect((error as Error).message).not.toContain('\n')
    expect((error as Error).stack).toContain('runJob')
  }, 60_000)

  it('ends with INTERRUPTED when the run is cancelled', async () => {
    const controller = new AbortController()
    const run = validateInWorkers(folders, settingsOf, cwd, 1, {signal: controller.signal, onResult: (done) => done === 5 && controller.abort()})
    await expect(run).rejects.toMatchObject({code: 'INTERRUPTED'})
  }, 60_000)
})
