import {createHash} from 'node:crypto'
import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFilesAtomic} from '../../core/fs/atomic.js'
import {fileNameFor} from './store.js'

export interface BlobProperties {
  account: string
  container: string
  name: string
  contentType: string
  size: number
  etag: string
  lastModified: string
  contentMd5: string
}

/**
 * Blob storage behind the SAS URLs the emulator hands out: `<dataDir>/blobs/<account>/<container>/`, one content
 * file and one properties file per blob, both replaced atomically. Last writer wins, as in Azure Storage.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  async put(account: string, container: string, name: string, data: Buffer, contentType: string): Promise<BlobProperties> {
    const base = this.base(account, container, name)
    const properties: BlobProperties = {
      account,
      container,
      name,
      contentType,
      size: data.length,
      etag: `"0x${createHash('sha1').update(data).update(String(Date.now())).digest('hex').slice(0, 15).toUpperCase()}"`,
      lastModified: new Date().toUTCString(),
      contentMd5: createHash('md5').update(data).digest('base64'),
    }
    await writeFilesAtomic([
      {path: `${base}.content`, data},
      {path: `${base}.json`, data: JSON.stringify(properties)},
    ])
    return properties
  }

  async get(account: string, container: string, name: string): Promise<{properties: BlobProperties; data: Buffer} | undefined> {
    const base = this.base(account, container, name)
    try {
      const properties = JSON.parse(await readFile(`${base}.json`, 'utf8')) as BlobProperties
      return {properties, data: await readFile(`${base}.content`)}
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async delete(account: string, container: string, name: string): Promise<void> {
    const base = this.base(account, container, name)
    await rm(`${base}.json`, {force: true})
    await rm(`${base}.content`, {force: true})
  }

  async clear(): Promise<void> {
    await rm(this.root, {recursive: true, force: true})
  }

  private base(account: string, container: string, name: string): string {
    const safe = (s: string) => fileNameFor(s).slice(0, -'.json'.length)
    return join(this.root, safe(account), safe(container), safe(name))
  }
}
