import {createHmac, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, timingSafeEqual} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {writeFileAtomic} from '../../core/fs/atomic.js'
import {jwkThumbprint, type SigningKey} from '../identity/jwt.js'
import type {Store} from './store.js'

/**
 * The keys of one data folder, made on first start and kept in `<dataDir>/keys.json` (mode 0600): the RSA key
 * that signs tokens, the key that signs blob SAS URLs, and the key of the HMACs that stand in for secrets (the
 * emulator never stores a secret itself, only an HMAC to compare against).
 */
export interface EmulatorKeys {
  signing: SigningKey
  sasKey: Buffer
  secretKey: Buffer
}

interface KeysFile {
  version: 1
  signingKeyPem: string
  sasKey: string
  secretKey: string
}

export async function loadOrCreateKeys(dataDir: string, store: Store): Promise<EmulatorKeys> {
  const path = join(dataDir, 'keys.json')
  const existing = await readKeys(path)
  if (existing) return existing
  return store.transaction(async () => {
    const again = await readKeys(path)
    if (again) return again
    const {privateKey} = await promisify(generateKeyPair)('rsa', {modulusLength: 2048})
    const file: KeysFile = {
      version: 1,
      signingKeyPem: privateKey.export({type: 'pkcs8', format: 'pem'}) as string,
      sasKey: randomBytes(32).toString('base64'),
      secretKey: randomBytes(32).toString('base64'),
    }
    await writeFileAtomic(path, JSON.stringify(file, null, 2), {mode: 0o600})
    return fromFile(file)
  })
}

async function readKeys(path: string): Promise<EmulatorKeys | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    return fromFile(JSON.parse(text) as KeysFile)
  } catch {
    throw new Error(`${path} is damaged; run \`cc emulator reset\` to start the emulator afresh`)
  }
}

function fromFile(file: KeysFile): EmulatorKeys {
  const privateKey = createPrivateKey(file.signingKeyPem)
  const publicKey = createPublicKey(privateKey)
  return {
    signing: {kid: jwkThumbprint(publicKey), privateKey, publicKey},
    sasKey: Buffer.from(file.sasKey, 'base64'),
    secretKey: Buffer.from(file.secretKey, 'base64'),
  }
}

/** The stand-in for a stored secret: an HMAC under the data folder's secret key. */
export function secretDigest(keys: EmulatorKeys, secret: string): string {
  return createHmac('sha256', keys.secretKey).update(secret, 'utf8').digest('base64url')
}

export function secretMatches(keys: EmulatorKeys, secret: string, digest: string): boolean {
  const a = Buffer.from(secretDigest(keys, secret))
  const b = Buffer.from(digest)
  return a.length === b.length && timingSafeEqual(a, b)
}
