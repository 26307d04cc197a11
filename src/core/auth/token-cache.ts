import {chmod, mkdir, readFile, rm} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {writeFileAtomic} from '../fs/atomic.js'

/**
 * The token cache of `cc`: MSAL's serialized cache in one file, readable by the user only (0600, in a 0700
 * folder), plugged into @azure/identity through its persistence hook. `@azure/identity-cache-persistence`
 * cannot be used: it loads the native `keytar` module at import time, which does not install offline and is no
 * longer maintained (identity-and-federated-credentials.md 3.5).
 *
 * The cache holds access and refresh tokens (secrets), and nothing else secret: client secrets are never
 * written. Writes are atomic, so a second `cc` process never reads half a file.
 */

/** Where sign-in state lives: `<configDir>/auth`. */
export function authDir(configDir: string): string {
  return join(configDir, 'auth')
}

export function tokenCachePath(configDir: string): string {
  return join(authDir(configDir), 'msal-cache.json')
}

interface SerializableCache {
  deserialize(cache: string): void
  serialize(): string
}

interface CacheContext {
  tokenCache: SerializableCache
  cacheHasChanged: boolean
}

/** MSAL's ICachePlugin, structurally (the type lives in @azure/msal-node, a dependency of @azure/identity). */
export interface FileCachePlugin {
  beforeCacheAccess(context: CacheContext): Promise<void>
  afterCacheAccess(context: CacheContext): Promise<void>
}

/** A cache plugin on one file. */
export function fileCachePlugin(path: string): FileCachePlugin {
  return {
    async beforeCacheAccess(context) {
      try {
        context.tokenCache.deserialize(await readFile(path, 'utf8'))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          // A damaged cache only costs a new sign-in; it is replaced on the next write.
          context.tokenCache.deserialize('{}')
        }
      }
    },
    async afterCacheAccess(context) {
      if (!context.cacheHasChanged) return
      await ensurePrivateDir(dirname(path))
      await writeFileAtomic(path, context.tokenCache.serialize(), {mode: 0o600})
    },
  }
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700})
  await chmod(dir, 0o700).catch(() => {})
}

let registered = false

/**
 * Registers the file cache with @azure/identity (once per process). Credentials then opt in with
 * `tokenCachePersistenceOptions: {enabled: true, name: <cache file path>}`: the name carries the path, so that
 * one process can serve several config folders (tests do).
 */
export async function registerFileTokenCache(): Promise<void> {
  if (registered) return
  const {useIdentityPlugin} = await import('@azure/identity')
  useIdentityPlugin((context: unknown) => {
    const control = (context as {cachePluginControl: {setPersistence(factory: (options?: {name?: string}) => Promise<FileCachePlugin>): void}}).cachePluginControl
    control.setPersistence(async (options) => {
      const name = options?.name
      if (!name || !name.endsWith('.json')) throw new Error('cc token cache: the persistence name must be the cache file path')
      return fileCachePlugin(name)
    })
  })
  registered = true
}

/** The options that make a credential use the file cache. */
export function persistenceOptions(configDir: string): {tokenCachePersistenceOptions: {enabled: true; name: string}} {
  return {tokenCachePersistenceOptions: {enabled: true, name: tokenCachePath(configDir)}}
}

/**
 * Removes a tenant's tokens from the cache file (all of them when `tenantId` is undefined). MSAL's serialized
 * cache is JSON with sections (Account, AccessToken, RefreshToken, IdToken, AppMetadata) of entries carrying
 * `realm` (tenant) and `home_account_id`.
 */
export async function forgetCachedTokens(configDir: string, tenantId?: string): Promise<number> {
  const path = tokenCachePath(configDir)
  if (tenantId === undefined) {
    await rm(path, {force: true})
    return -1
  }
  let cache: Record<string, Record<string, Record<string, unknown>>>
  try {
    cache = JSON.parse(await readFile(path, 'utf8')) as typeof cache
  } catch {
    return 0
  }
  const tenant = tenantId.toLowerCase()
  const accounts = new Set<string>()
  for (const entry of Object.values(cache.Account ?? {})) {
    if (String(entry.realm ?? '').toLowerCase() === tenant) accounts.add(String(entry.home_account_id))
  }
  let removed = 0
  for (const section of Object.values(cache)) {
    if (!section || typeof section !== 'object') continue
    for (const [key, entry] of Object.entries(section)) {
      const realm = String(entry?.realm ?? '').toLowerCase()
      const home = String(entry?.home_account_id ?? '')
      if (realm === tenant || (home !== '' && accounts.has(home))) {
        delete section[key]
        removed++
      }
    }
  }
  await writeFileAtomic(path, JSON.stringify(cache), {mode: 0o600})
  return removed
}

export interface CachedTokenQuery {
  /** The authority host as MSAL records it: `login.microsoftonline.com`, `127.0.0.1:7450`. */
  environment: string
  clientId: string
  tenantId: string
  scope: string
  /** A person's account (`<oid>.<tid>`); app tokens have none. */
  homeAccountId?: string
  /** Only tokens valid at least this much longer (default 5 minutes, MSAL's own margin). */
  marginMs?: number
}

/**
 * A still-valid access token straight from the cache file, without loading @azure/identity (about a second of
 * start-up on a small machine). Anything short of an exact, fresh match returns undefined and the caller goes
 * through MSAL as usual, which also refreshes.
 */
export async function readCachedAccessToken(configDir: string, query: CachedTokenQuery): Promise<{token: string; expiresOn: number} | undefined> {
  let cache: {AccessToken?: Record<string, Record<string, unknown>>}
  try {
    cache = JSON.parse(await readFile(tokenCachePath(configDir), 'utf8')) as typeof cache
  } catch {
    return undefined
  }
  const scope = query.scope.toLowerCase()
  const now = Date.now() + (query.marginMs ?? 300_000)
  for (const entry of Object.values(cache.AccessToken ?? {})) {
    if (String(entry.environment ?? '').toLowerCase() !== query.environment.toLowerCase()) continue
    if (entry.client_id !== query.clientId || String(entry.realm ?? '').toLowerCase() !== query.tenantId.toLowerCase()) continue
    if ((entry.home_account_id ?? '') !== (query.homeAccountId ?? '')) continue
    if (!String(entry.target ?? '').toLowerCase().split(' ').includes(scope)) continue
    if (entry.token_type !== undefined && String(entry.token_type).toLowerCase() !== 'bearer') continue
    const expiresOn = Number(entry.expires_on) * 1000
    if (!Number.isFinite(expiresOn) || expiresOn <= now || typeof entry.secret !== 'string') continue
    return {token: entry.secret, expiresOn}
  }
  return undefined
}
