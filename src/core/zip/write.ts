import {createHash} from 'node:crypto'

import {CcError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {unsafeEntryReason} from './read.js'

/** One file of a zip to write. */
export interface ZipFileEntry {
  /** Path inside the zip: forward slashes (backslashes are turned into slashes), relative, no `..`. */
  path: string
  /** The content; strings are written as UTF-8 without BOM. */
  data: string | Uint8Array
}

export interface ZipWriteOptions {
  /** Deflate level 0–9 (default 9). Part of the output: the same level gives the same bytes. */
  level?: number
}

export interface WrittenZip {
  /** Size of the zip in bytes. */
  bytes: number
  /** SHA-256 of the zip, hex. */
  sha256: string
}

/**
 * The timestamp of every entry: 1980-01-01 00:00:00, the first instant a zip (MS-DOS) time can hold. Written as
 * UTC, so neither the clock nor the time zone of the machine changes a byte.
 */
export const zipEntryDate = new Date(Date.UTC(1980, 0, 1, 0, 0, 0))

/** Unix permissions of every entry (rw-r--r--): the files' own modes never leak into a package. */
export const zipEntryMode = 0o644

/**
 * Builds a zip in memory, deterministically: entries in exactly the order given, fixed timestamps
 * (`zipEntryDate`), fixed permissions (`zipEntryMode`), forward-slash names, no folder entries, no comment. The
 * same entries give byte-identical zips on any machine. Names are checked first: an empty name, an absolute path,
 * a `..` segment or two names that differ only in case throw ZIP_ENTRY_INVALID / ZIP_DUPLICATE_ENTRY.
 *
 * Built on archiver's `ZipArchive` (loaded on first use, so commands that write no zip never pay for it).
 */
export async function zipToBuffer(entries: readonly ZipFileEntry[], options: ZipWriteOptions = {}): Promise<Buffer> {
  const names = checkZipEntryNames(entries.map((e) => e.path))
  const {ZipArchive} = await import('archiver')
  const archive = new ZipArchive({zlib: {level: options.level ?? 9}})
  const chunks: Buffer[] = []
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk))
    archive.on('end', () => resolve())
    archive.on('error', reject)
    archive.on('warning', reject)
  })
  entries.forEach((entry, i) => {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data)
    archive.append(data, {name: names[i]!, date: zipEntryDate, mode: zipEntryMode})
  })
  await archive.finalize()
  await finished
  return Buffer.concat(chunks)
}

/**
 * Writes a zip file atomically (a reader sees the old file or the whole new one, never a part) and returns its
 * size and SHA-256. Same guarantees as `zipToBuffer`.
 */
export async function writeZipFile(path: string, entries: readonly ZipFileEntry[], options: ZipWriteOptions = {}): Promise<WrittenZip> {
  const bytes = await zipToBuffer(entries, options)
  await writeFileAtomic(path, bytes)
  return {bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex')}
}

/**
 * The zip names for these paths (backslashes turned into forward slashes). Throws when a name could not be
 * extracted safely or when two names land on the same file (compared without regard to case, as Windows does).
 */
export function checkZipEntryNames(paths: readonly string[]): string[] {
  const seen = new Map<string, string>()
  return paths.map((path) => {
    const name = path.replaceAll('\\', '/')
    const reason = unsafeEntryReason(name) ?? (name.endsWith('/') || name.split('/').some((s) => s === '' || s === '.') ? 'is not a file path' : undefined)
    if (reason) {
      throw new CcError(`Cannot write the zip entry "${path}": it ${reason}.`, {code: 'ZIP_ENTRY_INVALID', data: {entry: path}})
    }
    const clash = seen.get(name.toLowerCase())
    if (clash !== undefined) {
      throw new CcError(`Cannot write two zip entries that map to the same file: "${clash}" and "${name}".`, {code: 'ZIP_DUPLICATE_ENTRY', data: {entry: name}})
    }
    seen.set(name.toLowerCase(), name)
    return name
  })
}
