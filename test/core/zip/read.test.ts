import {execFileSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {CcError} from '../../../src/core/errors.js'
import {openZip, readZip, unsafeEntryReason} from '../../../src/core/zip/read.js'
import {rawZip} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'

async function refusal(source: string | Buffer, limits = {}): Promise<CcError> {
  try {
    await readZip(source, {limits, label: 'evil.zip'})
  } catch (error) {
    expect(error).toBeInstanceOf(CcError)
    return error as CcError
  }
  throw new Error('the zip was read although it should have been refused')
}

describe('openZip / readZip', () => {
  it('reads a zip written by Info-ZIP, entries and folders included', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'src', 'Connector'), {recursive: true})
    writeFileSync(join(dir, 'src', 'solution.xml'), '<ImportExportXml/>')
    writeFileSync(join(dir, 'src', 'Connector', 'a.json'), '{"x": 1}')
    execFileSync('zip', ['-qr', '-X', join(dir, 'out.zip'), '.'], {cwd: join(dir, 'src')})
    const archive = await openZip(join(dir, 'out.zip'))
    try {
      expect(archive.files.map((e) => e.name).sort()).toEqual(['Connector/a.json', 'solution.xml'])
      expect(archive.entries.some((e) => e.directory && e.name === 'Connector')).toBe(true)
      expect((await archive.read('Connector/a.json')).toString()).toBe('{"x": 1}')
      expect(archive.find('connector/A.JSON', {caseInsensitive: true})?.name).toBe('Connector/a.json')
      expect(archive.find('connector/A.JSON')).toBeUndefined()
    } finally {
      archive.close()
    }
  })

  it('turns the backslashes of old .NET zips into slashes', async () => {
    const files = await readZip(rawZip([{name: 'Connector\\x.json', data: '{}'}]))
    expect([...files.keys()]).toEqual(['Connector/x.json'])
  })

  it('refuses entries that would escape the target folder (zip slip)', async () => {
    for (const name of ['../evil.txt', 'Connector/../../evil.txt', '..\\..\\evil.txt']) {
      const error = await refusal(rawZip([{name: 'solution.xml', data: '<a/>'}, {name, data: 'x'}]))
      expect(error.code).toBe('ZIP_UNSAFE_PATH')
      expect(error.message).toContain('zip slip')
      expect(error.file).toBe('evil.zip')
      expect(error.suggestions.length).toBeGreaterThan(0)
    }
  })

  it('refuses absolute paths, drive letters and NUL bytes', async () => {
    expect((await refusal(rawZip([{name: '/etc/passwd', data: 'x'}]))).message).toContain('absolute path')
    expect((await refusal(rawZip([{name: 'C:/Windows/evil.dll', data: 'x'}]))).message).toContain('drive letter')
    expect((await refusal(rawZip([{name: 'a\0b', data: 'x'}]))).message).toContain('NUL')
    expect(unsafeEntryReason('Connector/ok.json')).toBeUndefined()
  })

  it('refuses symbolic links and reparse points', async () => {
    const link = await refusal(rawZip([{name: 'Connector/link', data: '/etc/passwd', unixMode: 0o120777, method: 0}]))
    expect(link.code).toBe('ZIP_LINK')
    expect(link.message).toContain('symbolic link')
    expect((await refusal(rawZip([{name: 'x', data: 'y', unixMode: 0, dosAttributes: 0x400}]))).code).toBe('ZIP_LINK')
    expect((await refusal(rawZip([{name: 'fifo', unixMode: 0o010644}]))).code).toBe('ZIP_LINK')
  })

  it('refuses oversized entries, zip bombs and too many entries before reading them', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024)
    const bomb = await refusal(rawZip([{name: 'bomb.json', data: zeros}]))
    expect(bomb.code).toBe('ZIP_BOMB')
    expect(bomb.message).toMatch(/compressed \d+:1/)

    const large = await refusal(rawZip([{name: 'big.json', data: 'x'.repeat(2048)}]), {maxEntryBytes: 1024})
    expect(large.code).toBe('ZIP_ENTRY_TOO_LARGE')
    expect(large.message).toContain('2 KiB')

    const total = await refusal(rawZip([{name: 'a', data: 'x'.repeat(600)}, {name: 'b', data: 'y'.repeat(600)}]), {maxTotalBytes: 1000})
    expect(total.code).toBe('ZIP_TOO_LARGE')

    const many = await refusal(rawZip(Array.from({length: 12}, (_, i) => ({name: `f${i}`, data: 'x'}))), {maxEntries: 10})
    expect(many.code).toBe('ZIP_TOO_MANY_ENTRIES')
  })

  it('catches an entry that holds more bytes than it declares', async () => {
    const error = await refusal(rawZip([{name: 'liar.json', data: 'x'.repeat(5000), declaredSize: 10}]))
    expect(error.code).toBe('ZIP_INVALID')
    expect(error.message).toContain('liar.json')
  })

  it('refuses duplicate names, also when they differ only in case', async () => {
    expect((await refusal(rawZip([{name: 'a.json', data: '1'}, {name: 'a.json', data: '2'}]))).code).toBe('ZIP_DUPLICATE_ENTRY')
    const cased = await refusal(rawZip([{name: 'Connector/A.json', data: '1'}, {name: 'connector/a.json', data: '2'}]))
    expect(cased.message).toContain('differ only in case')
  })

  it('refuses encrypted entries', async () => {
    expect((await refusal(rawZip([{name: 'secret.json', data: 'x', flags: 1, method: 8}]))).code).toBe('ZIP_ENCRYPTED')
  })

  it('explains files that are not zips, and missing files', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'not.zip'), 'this is text')
    const invalid = await refusal(join(dir, 'not.zip'))
    expect(invalid.code).toBe('ZIP_INVALID')
    expect(invalid.suggestions[0]).toContain('complete .zip')
    const missing = await refusal(join(dir, 'missing.zip'))
    expect(missing.code).toBe('ZIP_NOT_FOUND')
    expect((await refusal(dir)).code).toBe('ZIP_INVALID')
  })
})
