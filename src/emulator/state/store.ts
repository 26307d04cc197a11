import {createHash} from 'node:crypto'
import {mkdir, open, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../../core/fs/atomic.js'

/**
 * The emulator's persistent state: one JSON file per record, grouped in collections (folders), under
 * `<dataDir>/state/`. Every write is atomic (temporary file + rename). Several processes may use one data folder
 * at once: writers take a lock file (`state/.lock`) and re-read what changed before they write; every collection
 * carries a `.version` file that writers replace, so readers notice another process's writes with one `stat`.
 */
export class Store {
  private readonly caches = new Map<string, CollectionCache>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(readonly root: string) {}

  /** One record, or undefined. */
  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const cache = await this.refresh(collection)
    return cache.records.get(key)?.value as T | undefined
  }

  /** Every record of a collection, in key order. */
  async list<T>(collection: string): Promise<T[]> {
    const cache = await this.refresh(collection)
    cache.sorted ??= [...cache.records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r.value)
    return cache.sorted.slice() as T[]
  }

  /**
   * Runs `fn` holding the write lock (in this process and across processes). Reads inside see the latest state
   * on disk plus the transaction's own writes; the writes are committed when `fn` resolves and dropped when it
   * throws.
   */
  async transaction<R>(fn: (tx: Transaction) => Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      await mkdir(this.root, {recursive: true})
      return withLockFile(join(this.root, '.lock'), async () => {
        const tx = new Transaction(this)
        const result = await fn(tx)
        await this.commit(tx)
        return result
      })
    }
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => {})
    return next
  }

  /** Removes every record of every collection (used by reset). Takes the lock. */
  async clear(): Promise<void> {
    await this.transaction(async () => {
      for (const entry of await readdir(this.root, {withFileTypes: true}).catch(() => [])) {
        if (entry.isDirectory()) await rm(join(this.root, entry.name), {recursive: true, force: true})
      }
      this.caches.clear()
    })
  }

  private dir(collection: string): string {
    if (!/^[a-z][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(collection)) throw new Error(`invalid collection name ${collection}`)
    return join(this.root, ...collection.split('/'))
  }

  /** @internal Brings the cache of a collection up to date with the files. */
  async refresh(collection: string): Promise<CollectionCache> {
    const dir = this.dir(collection)
    const stamp = await stampOf(join(dir, '.version'))
    const cached = this.caches.get(collection)
    if (cached && cached.stamp === stamp) return cached
    const records = new Map<string, CachedRecord>()
    const byFile = new Map<string, CachedRecord>()
    for (const r of cached?.records.values() ?? []) byFile.set(r.file, r)
    let names: string[] = []
    try {
      names = await readdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    for (const file of names) {
      if (file.startsWith('.') || !file.endsWith('.json')) continue
      const path = join(dir, file)
      const fileStamp = await stampOf(path)
      if (fileStamp === 'none') continue
      const previous = byFile.get(file)
      if (previous && previous.stamp === fileStamp) {
        records.set(previous.key, previous)
        continue
      }
      let parsed: {key: string; value: unknown}
      try {
        parsed = JSON.parse(await readFile(path, 'utf8'))
      } catch {
        continue // removed meanwhile, or not ours
      }
      if (typeof parsed?.key !== 'string') continue
      records.set(parsed.key, {key: parsed.key, file, stamp: fileStamp, value: parsed.value})
    }
    const fresh = {stamp, records}
    this.caches.set(collection, fresh)
    return fresh
  }

  private async commit(tx: Transaction): Promise<void> {
    const touched = new Map<string, CollectionCache>()
    for (const [collection, changes] of tx.changes) {
      const dir = this.dir(collection)
      const cache = await this.refresh(collection)
      delete cache.sorted
      for (const [key, value] of changes) {
        const file = fileNameFor(key)
        const path = join(dir, file)
        if (value === deleted) {
          await rm(path, {force: true})
          cache.records.delete(key)
        } else {
          await writeFileAtomic(path, JSON.stringify({key, value}))
          cache.records.set(key, {key, file, stamp: await stampOf(path), value})
        }
      }
      // A reader may have memoised the sorted values while the files were written: they are stale now.
      delete cache.sorted
      touched.set(collection, cache)
    }
    for (const [collection, cache] of touched) {
      // The marker only tells other processes to re-read; it needs no flush to disk (the records had theirs).
      const path = join(this.dir(collection), '.version')
      const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
      await writeFile(temp, `${Date.now()}:${process.pid}`)
      await rename(temp, path)
      // The new stamp belongs to the cache this commit brought up to date. A reader's rebuild that ran meanwhile
      // may have put an older snapshot in the map: stamping that one would hide these writes from later reads.
      cache.stamp = await stampOf(path)
      this.caches.set(collection, cache)
    }
  }
}

const deleted = Symbol('deleted')

interface CachedRecord {
  key: string
  file: string
  stamp: string
  value: unknown
}

interface CollectionCache {
  stamp: string
  records: Map<string, CachedRecord>
  /** The values in key order, until the next change. */
  sorted?: unknown[]
}

/** The reads and writes of one transaction. Values are plain JSON data; callers must not mutate what they read. */
export class Transaction {
  /** @internal */
  readonly changes = new Map<string, Map<string, unknown>>()

  constructor(private readonly store: Store) {}

  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const pending = this.changes.get(collection)
    if (pending?.has(key)) {
      const value = pending.get(key)
      return value === deleted ? undefined : (value as T)
    }
    return this.store.get<T>(collection, key)
  }

  async list<T>(collection: string): Promise<T[]> {
    const cache = await this.store.refresh(collection)
    const merged = new Map<string, unknown>()
    for (const [key, record] of cache.records) merged.set(key, record.value)
    for (const [key, value] of this.changes.get(collection) ?? []) {
      if (value === deleted) merged.delete(key)
      else merged.set(key, value)
    }
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v as T)
  }

  put<T>(collection: string, key: string, value: T): void {
    this.pending(collection).set(key, structuredClone(value))
  }

  delete(collection: string, key: string): void {
    this.pending(collection).set(key, deleted)
  }

  private pending(collection: string): Map<string, unknown> {
    let map = this.changes.get(collection)
    if (!map) this.changes.set(collection, (map = new Map()))
    return map
  }
}

/** File name of a record: the key when it is plain, else an escaped form; long keys end in a hash. */
export function fileNameFor(key: string): string {
  let safe = ''
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte)
    safe += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).padStart(2, '0')}`
  }
  if (safe.length > 160) safe = `${safe.slice(0, 100)}~${createHash('sha256').update(key).digest('hex').slice(0, 32)}`
  return `${safe}.json`
}

async function stampOf(path: string): Promise<string> {
  try {
    const s = await stat(path, {bigint: true})
    return `${s.ino}:${s.mtimeNs}:${s.size}`
  } catch {
    return 'none'
  }
}

const lockTimeoutMs = 20_000
const staleAfterMs = 30_000

/** Holds an exclusive lock file around `fn`. A lock left behind by a dead process (or older than 30 s) is broken. */
export async function withLockFile<R>(path: string, fn: () => Promise<R>): Promise<R> {
  const deadline = Date.now() + lockTimeoutMs
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(JSON.stringify({pid: process.pid, at: Date.now()}))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (await isStaleLock(path)) {
        await rm(path, {force: true})
        continue
      }
      if (Date.now() > deadline) throw new Error(`the emulator state is locked by another process (${path}); remove the file if no emulator is running`)
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 + attempt, 25)))
    }
  }
  try {
    return await fn()
  } finally {
    await rm(path, {force: true})
  }
}

async function isStaleLock(path: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    const age = Date.now() - info.mtimeMs
    let pid: number | undefined
    try {
      pid = (JSON.parse(text) as {pid?: number}).pid
    } catch {
      return age > 5000 // being written, or garbage
    }
    if (age > staleAfterMs) return true
    if (typeof pid !== 'number' || pid === process.pid) return false
    try {
      process.kill(pid, 0)
      return false
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH'
    }
  } catch {
    return false // gone already: the next attempt will tell
  }
}
