import {throwIfAborted} from '../errors.js'

/**
 * Runs `worker` over `items` with at most `concurrency` at a time, in order of the items, and returns the results
 * in the same order. A worker's error does not stop the others: each result is settled. When the signal is
 * aborted no new item starts; the ones running finish (or fail on the same signal) and the call throws
 * InterruptedError.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
  options: {signal?: AbortSignal; onSettled?: (done: number, total: number) => void} = {},
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array(items.length)
  let next = 0
  let done = 0
  const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length))
  const lane = async (): Promise<void> => {
    for (;;) {
      if (options.signal?.aborted) return
      const index = next++
      if (index >= items.length) return
      try {
        results[index] = {status: 'fulfilled', value: await worker(items[index]!, index)}
      } catch (error) {
        results[index] = {status: 'rejected', reason: error}
      }
      options.onSettled?.(++done, items.length)
    }
  }
  await Promise.all(Array.from({length: lanes}, lane))
  throwIfAborted(options.signal)
  return results
}

/**
 * Serialises work per key: `run(key, fn)` starts `fn` when every earlier call with the same key has settled.
 * Calls with different keys run concurrently. Used for Microsoft Graph writes, which must be sequential per
 * application (concurrent writes under one parent answer 409).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(fn, fn)
    const tail = result.catch(() => undefined)
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }
}

/**
 * Connectors handled at once by export, import and migrate unless --concurrency says otherwise: well inside
 * Dataverse's service protection limit (52 concurrent requests per user) and gentle on the resource provider,
 * whose 429s are retried with Retry-After anyway; Graph writes for one app stay one at a time whatever this is.
 */
export const defaultConcurrency = 12
