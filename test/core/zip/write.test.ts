import {execFileSync} from 'node:child_process'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {CcError} from '../../../src/core/errors.js'
import {readZip} from '../../../src/core/zip/read.js'
import {checkZipEntryNames, writeZipFile, zipToBuffer} from '../../../src/core/zip/write.js'
import {tempDir} from '../../helpers/temp-dir.js'

const png = Buffer.from('89504e470d0a1a0a', 'hex')

/** Central directory records of a zip, read byte by byte (name, DOS time/date, external attributes). */
function centralRecords(zip: Buffer): Array<{name: string; time: number; date: number; unixMode: number; madeBy: number}> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const count = zip.readUInt16LE(end + 10)
  let offset = zip.readUInt32LE(end + 16)
  const records = []
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(offset)).toBe(0x02014b50)
    const nameLength = zip.readUInt16LE(offset + 28)
    const extraLength = zip.readUInt16LE(offset + 30)
    const commentLength = zip.readUInt16LE(offset + 32)
    records.push({
      madeBy: zip.readUInt16LE(offset + 4) >> 8,
      time: zip.readUInt16LE(offset + 12),
      date: zip.readUInt16LE(offset + 14),
      unixMode: zip.readUInt32LE(offset + 38) >>> 16,
      name: zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'),
    })
    offset += 46 + nameLength + extraLength + commentLength
  }
  return records
}

describe('zipToBuffer / writeZipFile', () => {
  it('writes the entries in the order given, with their content', async () => {
    const zip = await zipToBuffer([
      {path: '[Content_Types].xml', data: '<Types/>'},
      {path: 'Connector/b.json', data: '{"é": 1}'},
      {path: 'Connector/a.png', data: png},
    ])
    expect(centralRecords(zip).map((r) => r.name)).toEqual(['[Content_Types].xml', 'Connector/b.json', 'Connector/a.png'])
    const files = await readZip(zip)
    expect(files.get('Connector/b.json')!.toString('utf8')).toBe('{"é": 1}')
    expect(files.get('Connector/a.png')!.equals(png)).toBe(true)
  })

  it('gives byte-identical zips for the same entries, whatever the clock says', async () => {
    const entries = [
      {path: 'apiDefinition.swagger.json', data: '{"swagger": "2.0"}\n'},
      {path: 'icon.png', data: png},
    ]
    const first = await zipToBuffer(entries)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const second = await zipToBuffer(entries)
    expect(second.equals(first)).toBe(true)
  })

  it('stamps every entry 1980-01-01 00:00 and rw-r--r--, made on Unix', async () => {
    const zip = await zipToBuffer([
      {path: 'a.txt', data: 'a'},
      {path: 'deep/b.txt', data: 'b'},
    ])
    for (const record of centralRecords(zip)) {
      expect(record.date).toBe((0 << 9) | (1 << 5) | 1) // year 1980 + 0, January, day 1
      expect(record.time).toBe(0)
      expect(record.unixMode & 0o777).toBe(0o644)
      expect(record.unixMode & 0o170000).toBe(0o100000) // a regular file
      expect(record.madeBy).toBe(3)
    }
  })

  it('turns backslashes into forward slashes and writes no folder entries', async () => {
    const zip = await zipToBuffer([{path: 'Connector\\x.json', data: '{}'}])
    expect(centralRecords(zip).map((r) => r.name)).toEqual(['Connector/x.json'])
  })

  it('refuses names that could not be extracted safely', () => {
    for (const bad of ['', '../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a//b', './a', 'dir/']) {
      expect(() => checkZipEntryNames([bad]), bad).toThrowError(CcError)
      try {
        checkZipEntryNames([bad])
      } catch (error) {
        expect((error as CcError).code).toBe('ZIP_ENTRY_INVALID')
      }
    }
  })

  it('refuses two names for the same file, also when they differ only in case', async () => {
    await expect(zipToBuffer([{path: 'readme.md', data: 'a'}, {path: 'README.md', data: 'b'}])).rejects.toMatchObject({code: 'ZIP_DUPLICATE_ENTRY'})
  })

  it('writes the file atomically and reports its size and hash; Info-ZIP reads it', async () => {
    const dir = tempDir()
    const path = join(dir, 'out', 'pkg.zip')
    const written = await writeZipFile(path, [{path: 'x/y.txt', data: 'hello\n'}])
    expect(statSync(path).size).toBe(written.bytes)
    expect(written.sha256).toMatch(/^[0-9a-f]{64}$/)
    const listing = execFileSync('unzip', ['-Z1', path], {encoding: 'utf8'})
    expect(listing.trim()).toBe('x/y.txt')
    execFileSync('unzip', ['-tq', path])
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK')
  })
})
