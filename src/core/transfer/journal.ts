import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {serializeJson} from '../connector/write.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {journalFolderName} from './manifest.js'

/**
 * The record of an export or import run, kept in the export folder (`.journal/<name>.json`) and rewritten
 * atomically after every step, so that a run that is interrupted (Ctrl-C, a crash, SIGKILL) can be started again
 * and carry on where it stopped: what was done is known, ids are remembered, nothing is created twice.
 *
 * `status` is `running` until the run ends; a journal still `running` when the next run starts belongs to an
 * interrupted run, and that run's entries count as resumed.
 */
export interface JournalFile<E> {
  version: 1
  kind: string
  /** What the journal is about (the source environment of an export, the target of an import). */
  key: string
  status: 'running' | 'complete'
  startedAt: string
  updatedAt: string
  entries: Record<string, E>
}

export class Journal<E> {
  readonly path: string
  /** Entries of an interrupted run (the previous journal was still `running`). */
  readonly interrupted: ReadonlySet<string>
  private data: JournalFile<E>
  private writing: Promise<void> = Promise.resolve()
  private dirty = false

  private constructor(path: string, data: JournalFile<E>, interrupted: Set<string>) {
    this.path = path
    this.data = data
    this.interrupted = interrupted
  }

  /** Opens the journal `name` of an export folder (nothing is written until `start`). */
  static async open<E>(dir: string, name: string, kind: string, key: string, now = new Date()): Promise<Journal<E>> {
    const path = join(dir, journalFolderName, `${name}.json`)
    let previous: JournalFile<E> | undefined
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as JournalFile<E>
      if (parsed?.version === 1 && parsed.kind === kind && parsed.key.toLowerCase() === key.toLowerCase() && parsed.entries && typeof parsed.entries === 'object') previous = parsed
    } catch {
      // none yet (or not ours): start a new one
    }
    const interrupted = new Set(previous?.status === 'running' ? Object.keys(previous.entries) : [])
    const at = now.toISOString()
    return new Journal<E>(path, {version: 1, kind, key, status: 'running', startedAt: at, updatedAt: at, entries: {...previous?.entries}}, interrupted)
  }

  /** Marks the run as running on disk (an interrupted run leaves it so). */
  async start(): Promise<void> {
    await this.flush()
  }

  get(id: string): E | undefined {
    return this.data.entries[id]
  }

  entries(): Record<string, E> {
    return this.data.entries
  }

  /** Records an entry (merged into the one there) and writes the journal; resolves once it is on disk. */
  async record(id: string, entry: Partial<E>): Promise<void> {
    this.data.entries[id] = {...this.data.entries[id], ...entry} as E
    await this.flush()
  }

  async remove(id: string): Promise<void> {
    delete this.data.entries[id]
    await this.flush()
  }

  /** Marks the run complete (the next run starts fresh, keeping the remembered ids). */
  async complete(): Promise<void> {
    this.data.status = 'complete'
    await this.flush()
  }

  /** One atomic write at a time; calls made while one is running are covered by the next. */
  private flush(): Promise<void> {
    this.dirty = true
    const next = this.writing.then(async () => {
      if (!this.dirty) return
      this.dirty = false
      this.data.updatedAt = new Date().toISOString()
      await writeFileAtomic(this.path, serializeJson(this.data))
    })
    this.writing = next.catch(() => undefined)
    return next
  }
}
