import {randomBytes} from 'node:crypto'
import {mkdir, open, rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

export interface AtomicWriteOptions {
  /** File mode for a new file, e.g. 0o600 for anything holding tokens. */
  mode?: number
}

function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
}

/**
 * Writes a file so that readers see either the old or the new content, never a partial one: the data goes to a
 * temporary file in the same folder, is flushed to disk, and is renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), {recursive: true})
  const temp = tempNameFor(path)
  const handle = await open(temp, 'w', options.mode ?? 0o644)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => {})
    await rm(temp, {force: true})
    throw error
  }
  await handle.close()
  try {
    await rename(temp, path)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}

/**
 * Writes several files as one step as far as a file system allows: every file is first written to a temporary
 * name beside its target, and only when all of them are on disk are they renamed into place. A failure before
 * the renames leaves the targets untouched.
 */
export async function writeFilesAtomic(
  files: ReadonlyArray<{path: string; data: string | Uint8Array; mode?: number}>,
): Promise<void> {
  const staged: Array<{temp: string; path: string}> = []
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), {recursive: true})
      const temp = tempNameFor(file.path)
      const handle = await open(temp, 'w', file.mode ?? 0o644)
      staged.push({temp, path: file.path})
      try {
        await handle.writeFile(file.data)
        await handle.sync()
      } finally {
        await handle.close()
      }
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.temp, {force: true})))
    throw error
  }
  for (const s of staged) await rename(s.temp, s.path)
}
