import {describe, expect, it} from 'vitest'

import {InterruptedError} from '../../../src/core/errors.js'
import {KeyedQueue, runPool} from '../../../src/core/transfer/pool.js'

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms))

describe('runPool', () => {
  it('keeps at most `concurrency` workers running and returns results in the order of the items', async () => {
    let running = 0
    let peak = 0
    const results = await runPool([5, 1, 4, 2, 3, 1, 2], 3, async (n) => {
      running++
      peak = Math.max(peak, running)
      await tick(n)
      running--
      return n * 10
    })
    expect(peak).toBe(3)
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : undefined))).toEqual([50, 10, 40, 20, 30, 10, 20])
  })

  it('settles every item: a failing worker does not stop the others', async () => {
    const settled: number[] = []
    const results = await runPool([1, 2, 3, 4], 2, async (n) => {
      if (n === 2) throw new Error('two')
      return n
    }, {onSettled: (done) => settled.push(done)})
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('two')
    expect(settled).toEqual([1, 2, 3, 4])
  })

  it('starts nothing new once aborted, lets the running ones finish, and throws InterruptedError', async () => {
    const controller = new AbortController()
    const started: number[] = []
    const finished: number[] = []
    const run = runPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n)
      if (n === 2) controller.abort()
      await tick(5)
      finished.push(n)
    }, {signal: controller.signal})
    await expect(run).rejects.toBeInstanceOf(InterruptedError)
    expect(started).toEqual([1, 2])
    expect(finished.sort()).toEqual([1, 2])
  })

  it('handles an empty list and a concurrency above the number of items', async () => {
    expect(await runPool([], 8, async () => 1)).toEqual([])
    expect((await runPool(['a'], 8, async (s) => s.toUpperCase()))[0]).toEqual({status: 'fulfilled', value: 'A'})
  })
})

describe('KeyedQueue', () => {
  it('runs calls with one key one after the other, and different keys at the same time', async () => {
    const queue = new KeyedQueue()
    const log: string[] = []
    const job = (key: string, id: string, ms: number) =>
      queue.run(key, async () => {
        log.push(`start ${id}`)
        await tick(ms)
        log.push(`end ${id}`)
        return id
      })
    const results = await Promise.all([job('app1', 'a', 10), job('app1', 'b', 1), job('app2', 'c', 1)])
    expect(results).toEqual(['a', 'b', 'c'])
    // b waits for a; c (another app) does not.
    expect(log.indexOf('start b')).toBeGreaterThan(log.indexOf('end a'))
    expect(log.indexOf('start c')).toBeLessThan(log.indexOf('end a'))
  })

  it('carries on after a failed call', async () => {
    const queue = new KeyedQueue()
    const failed = queue.run('k', async () => {
      throw new Error('boom')
    })
    const next = queue.run('k', async () => 'ok')
    await expect(failed).rejects.toThrow('boom')
    expect(await next).toBe('ok')
  })
})
