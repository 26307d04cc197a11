import type {Entry, ZipFile} from 'yauzl'

import {CcError} from '../errors.js'

/**
 * Limits that keep a hostile zip from exhausting memory or disk. Every entry is checked against them before any
 * byte is read; the declared sizes can be trusted because yauzl verifies them while inflating.
 */
export interface ZipReadLimits {
  /** Most entries (files and folders) a zip may hold. */
  maxEntries: number
  /** Largest uncompressed size of one entry, in bytes. */
  maxEntryBytes: number
  /** Largest sum of the uncompressed sizes, in bytes. */
  maxTotalBytes: number
  /** Largest compression ratio (uncompressed / compressed) of an entry bigger than `ratioThresholdBytes`. */
  maxRatio: number
  /** Entries smaller than this are not checked for their ratio (small, repetitive files compress very well). */
  ratioThresholdBytes: number
}

export const defaultZipReadLimits: ZipReadLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxRatio: 200,
  ratioThresholdBytes: 1024 * 1024,
}

export interface ZipEntryInfo {
  /** Path inside the zip, forward slashes (backslashes written by old .NET versions are turned into slashes). */
  name: string
  /** Uncompressed size in bytes. */
  size: number
  compressedSize: number
  directory: boolean
}

/** A zip whose entry list passed every safety check. Entry data is read on demand. */
export interface ZipArchive {
  /** How the zip is named in messages (a path, or `outer.zip!/inner.zip` for nested zips). */
  readonly label: string
  /** Every entry, in the order of the central directory. */
  readonly entries: readonly ZipEntryInfo[]
  /** The file entries (no folders). */
  readonly files: readonly ZipEntryInfo[]
  /** The entry of that exact name, or (with `caseInsensitive`) the one whose name matches ignoring case. */
  find(name: string, options?: {caseInsensitive?: boolean}): ZipEntryInfo | undefined
  /** The bytes of an entry. Throws ZIP_ENTRY_MISSING when there is no such file. */
  read(name: string): Promise<Buffer>
  close(): void
}

export interface OpenZipOptions {
  limits?: Partial<ZipReadLimits>
  /** Name of the zip in messages; default: the path (or "zip" for a buffer). */
  label?: string
}

const unsafeHint = 'Do not use this zip: it was not written by a Power Platform export or by cc. Export the solution again from the source.'

/**
 * Opens a zip (a path or the bytes) and checks every entry before anything is read: no path that could escape the
 * folder it is extracted to (`..` segments, absolute paths, drive letters, NUL bytes), no symbolic links or other
 * special files, no encryption, no duplicate names, and the entry count, entry sizes, total size and compression
 * ratios within `limits` (zip bombs). Any violation throws a CcError naming the zip and the entry.
 */
export async function openZip(source: string | Buffer, options: OpenZipOptions = {}): Promise<ZipArchive> {
  const limits = {...defaultZipReadLimits, ...options.limits}
  const label = options.label ?? (typeof source === 'string' ? source : 'zip')
  const yauzl = await import('yauzl')
  const openOptions = {lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false}
  let zip: ZipFile
  try {
    zip = typeof source === 'string' ? await yauzl.openPromise(source, openOptions) : await yauzl.fromBufferPromise(source, openOptions)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new CcError(`Zip file not found: ${label}`, {code: 'ZIP_NOT_FOUND', file: label, cause: error, suggestions: ['Check the path of the zip file.']})
    }
    if (code === 'EISDIR') {
      throw new CcError(`${label} is a folder, not a zip file.`, {code: 'ZIP_INVALID', file: label, cause: error, suggestions: ['Pass the .zip file itself.']})
    }
    throw invalidZip(label, error)
  }

  const raw = new Map<string, Entry>()
  const infos: ZipEntryInfo[] = []
  const lowerNames = new Map<string, string>()
  let total = 0
  try {
    if (zip.entryCount > limits.maxEntries) throw tooManyEntries(label, zip.entryCount, limits.maxEntries)
    for (;;) {
      const entry = await nextEntry(zip)
      if (!entry) break
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false)
      checkEntry(label, name, entry, limits)
      const directory = name.endsWith('/')
      const key = directory ? name.slice(0, -1) : name
      const clash = lowerNames.get(key.toLowerCase())
      if (clash !== undefined) {
        throw new CcError(
          `${label} holds two entries that map to the same file: "${clash}" and "${name}"${clash === key ? '' : ' (they differ only in case)'}.`,
          {code: 'ZIP_DUPLICATE_ENTRY', file: label, data: {entry: name}, suggestions: [unsafeHint]},
        )
      }
      lowerNames.set(key.toLowerCase(), key)
      total += entry.uncompressedSize
      if (total > limits.maxTotalBytes) {
        throw new CcError(`${label} would expand to more than ${formatBytes(limits.maxTotalBytes)}; refusing to read it (zip bomb guard).`, {
          code: 'ZIP_TOO_LARGE',
          file: label,
          suggestions: ['A solution zip with connectors is a few megabytes at most; check that this is the right file.'],
        })
      }
      const info: ZipEntryInfo = {name: key, size: entry.uncompressedSize, compressedSize: entry.compressedSize, directory}
      infos.push(info)
      if (!directory) raw.set(key, entry)
    }
  } catch (error) {
    zip.close()
    throw error instanceof CcError ? error : invalidZip(label, error)
  }

  const files = infos.filter((e) => !e.directory)
  const byLowerName = new Map(files.map((e) => [e.name.toLowerCase(), e]))
  const archive: ZipArchive = {
    label,
    entries: infos,
    files,
    find(name, findOptions = {}) {
      const exact = raw.has(name) ? files.find((e) => e.name === name) : undefined
      if (exact || !findOptions.caseInsensitive) return exact
      return byLowerName.get(name.toLowerCase())
    },
    async read(name) {
      const entry = raw.get(name)
      if (!entry) {
        throw new CcError(`${label} has no entry "${name}".`, {code: 'ZIP_ENTRY_MISSING', file: label, data: {entry: name}})
      }
      return readEntry(zip, entry, label, name, limits)
    },
    close() {
      zip.close()
    },
  }
  return archive
}

/** Opens a zip, reads every file entry into memory and closes it. Same checks as `openZip`. */
export async function readZip(source: string | Buffer, options: OpenZipOptions = {}): Promise<Map<string, Buffer>> {
  const archive = await openZip(source, options)
  try {
    const out = new Map<string, Buffer>()
    for (const entry of archive.files) out.set(entry.name, await archive.read(entry.name))
    return out
  } finally {
    archive.close()
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry)
      zip.off('end', onEnd)
      zip.off('error', onError)
    }
    const onEntry = (entry: Entry) => {
      cleanup()
      resolve(entry)
    }
    const onEnd = () => {
      cleanup()
      resolve(undefined)
    }
    const onError = (error: Error) => {
      cleanup()
      reject(error)
    }
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

/** Why a name is unsafe to extract, or undefined when it is fine. */
export function unsafeEntryReason(name: string): string | undefined {
  if (name === '' || name === '/') return 'has an empty name'
  if (name.includes('\0')) return 'has a NUL byte in its name'
  if (name.startsWith('/') || name.startsWith('\\')) return 'has an absolute path'
  if (/^[A-Za-z]:/.test(name)) return 'has an absolute path with a drive letter'
  const segments = name.split('/')
  if (segments.includes('..')) return 'would be written outside the target folder (zip slip)'
  return undefined
}

const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
const FILE_ATTRIBUTE_REPARSE_POINT = 0x400

function checkEntry(label: string, name: string, entry: Entry, limits: ZipReadLimits): void {
  const reason = unsafeEntryReason(name)
  if (reason) {
    throw new CcError(`${label}: entry "${printable(name)}" ${reason}; refusing to read the zip.`, {
      code: 'ZIP_UNSAFE_PATH',
      file: label,
      data: {entry: printable(name)},
      suggestions: [unsafeHint],
    })
  }
  const host = entry.versionMadeBy >> 8
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT
  const unixType = host === 3 || host === 19 ? mode : 0
  if (unixType === S_IFLNK || (entry.externalFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) !== 0) {
    throw new CcError(`${label}: entry "${name}" is a symbolic link; refusing to read the zip.`, {
      code: 'ZIP_LINK',
      file: label,
      data: {entry: name},
      suggestions: [unsafeHint],
    })
  }
  if (unixType !== 0 && unixType !== S_IFREG && unixType !== S_IFDIR) {
    throw new CcError(`${label}: entry "${name}" is not a regular file or folder (device, pipe or socket); refusing to read the zip.`, {
      code: 'ZIP_LINK',
      file: label,
      data: {entry: name},
      suggestions: [unsafeHint],
    })
  }
  if (entry.isEncrypted()) {
    throw new CcError(`${label}: entry "${name}" is encrypted; cc reads only unencrypted zips.`, {
      code: 'ZIP_ENCRYPTED',
      file: label,
      data: {entry: name},
      suggestions: ['Create the zip again without a password.'],
    })
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new CcError(`${label}: entry "${name}" uses compression method ${entry.compressionMethod}; only stored and deflated entries are supported.`, {
      code: 'ZIP_UNSUPPORTED',
      file: label,
      data: {entry: name},
      suggestions: ['Create the zip again with standard (deflate) compression.'],
    })
  }
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw new CcError(`${label}: entry "${name}" would expand to ${formatBytes(entry.uncompressedSize)}, more than the limit of ${formatBytes(limits.maxEntryBytes)} (zip bomb guard).`, {
      code: 'ZIP_ENTRY_TOO_LARGE',
      file: label,
      data: {entry: name, size: entry.uncompressedSize},
      suggestions: ['Check that this is the right file; connector files are far smaller.'],
    })
  }
  if (entry.uncompressedSize >= limits.ratioThresholdBytes && entry.uncompressedSize > Math.max(entry.compressedSize, 1) * limits.maxRatio) {
    const ratio = Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))
    throw new CcError(`${label}: entry "${name}" is compressed ${ratio}:1 (${formatBytes(entry.compressedSize)} → ${formatBytes(entry.uncompressedSize)}), beyond the ${limits.maxRatio}:1 limit (zip bomb guard).`, {
      code: 'ZIP_BOMB',
      file: label,
      data: {entry: name, ratio},
      suggestions: [unsafeHint],
    })
  }
}

async function readEntry(zip: ZipFile, entry: Entry, label: string, name: string, limits: ZipReadLimits): Promise<Buffer> {
  try {
    const stream = await zip.openReadStreamPromise(entry)
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stream) {
      size += (chunk as Buffer).length
      // yauzl already stops at the declared size; this is a second guard that does not depend on it.
      if (size > limits.maxEntryBytes) {
        stream.destroy()
        throw new CcError(`${label}: entry "${name}" expands beyond ${formatBytes(limits.maxEntryBytes)} (zip bomb guard).`, {
          code: 'ZIP_ENTRY_TOO_LARGE',
          file: label,
          data: {entry: name},
        })
      }
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks, size)
  } catch (error) {
    if (error instanceof CcError) throw error
    throw new CcError(`${label}: entry "${name}" cannot be read: ${(error as Error).message}.`, {
      code: 'ZIP_INVALID',
      file: label,
      cause: error,
      data: {entry: name},
      suggestions: ['The zip is damaged or lies about its sizes; export or download it again.'],
    })
  }
}

function invalidZip(label: string, error: unknown): CcError {
  return new CcError(`${label} is not a readable zip file: ${(error as Error)?.message ?? String(error)}.`, {
    code: 'ZIP_INVALID',
    file: label,
    cause: error,
    suggestions: ['Check that the file is a complete .zip (a partial download or another format cannot be read).'],
  })
}

function tooManyEntries(label: string, count: number, max: number): CcError {
  return new CcError(`${label} holds ${count} entries, more than the limit of ${max}; refusing to read it.`, {
    code: 'ZIP_TOO_MANY_ENTRIES',
    file: label,
    data: {entries: count},
    suggestions: ['A solution zip with connectors holds a few dozen entries; check that this is the right file.'],
  })
}

function printable(name: string): string {
  return name.replaceAll('\0', '\\0')
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`
  return `${bytes} B`
}
