import {crc32, deflateRawSync} from 'node:zlib'

/** One entry of a hand-made zip; every field that an attacker controls can be set. */
export interface RawZipEntry {
  name: string
  data?: Buffer | string
  /** Store (0) or deflate (8, the default for non-empty data). */
  method?: 0 | 8
  /** Unix mode in the upper 16 bits of the external attributes (e.g. 0o120777 for a symbolic link). */
  unixMode?: number
  /** Raw low 16 bits of the external attributes (MS-DOS attributes, e.g. 0x400 reparse point). */
  dosAttributes?: number
  /** Lie about the uncompressed size (in both headers). */
  declaredSize?: number
  /** General purpose flags (bit 0: encrypted, bit 11: UTF-8 name). */
  flags?: number
}

/**
 * Writes a zip byte by byte, so that tests can build the hostile archives no zip library would produce:
 * `../` names, absolute paths, symbolic links, lying sizes, encrypted flags, duplicate names.
 */
export function rawZip(entries: readonly RawZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : (entry.data ?? Buffer.alloc(0))
    const method = entry.method ?? (data.length > 0 ? 8 : 0)
    const body = method === 8 ? deflateRawSync(data) : data
    const size = entry.declaredSize ?? data.length
    const flags = (entry.flags ?? 0) | 0x800
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(0, 10)
    local.writeUInt16LE(0x21, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, name, body)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt16LE(0, 12)
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(0, 30)
    central.writeUInt16LE(0, 32)
    central.writeUInt16LE(0, 34)
    central.writeUInt16LE(0, 36)
    const mode = entry.unixMode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644)
    central.writeUInt32LE(((mode << 16) | (entry.dosAttributes ?? 0)) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(0, 4)
  end.writeUInt16LE(0, 6)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  end.writeUInt16LE(0, 20)
  return Buffer.concat([...locals, cd, end])
}
