import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {CloudName} from '../environments/clouds.js'
import {writeFileAtomic} from '../fs/atomic.js'
import type {CredentialSpec} from './credentials.js'
import {authDir, ensurePrivateDir} from './token-cache.js'

/**
 * Who is signed in where: one profile per cloud and tenant, in `<configDir>/auth/profiles.json` (0600). A
 * profile holds how to get tokens again (method, ids, the AuthenticationRecord of a person, file paths, the
 * NAME of an environment variable) and never a secret; the tokens themselves live in the token cache.
 */
export interface SignInProfile extends CredentialSpec {
  cloud: CloudName
  /** The tenant's id (GUID), from the token. */
  tenantId: string
  /** What the user typed, e.g. `contoso.onmicrosoft.com`. */
  tenantHint?: string
  kind: 'user' | 'app'
  username?: string
  objectId?: string
  displayName?: string
  signedInAt: string
  /**
   * For a service principal whose secret came from stdin (and so is not available later): when the cached token
   * of each scope expires (epoch ms). Past that, commands ask for a new sign-in instead of failing at the service.
   */
  tokenExpiries?: Record<string, number>
}

interface ProfileFile {
  version: 1
  profiles: SignInProfile[]
}

export function profilesPath(configDir: string): string {
  return join(authDir(configDir), 'profiles.json')
}

export async function readProfiles(configDir: string): Promise<SignInProfile[]> {
  try {
    const parsed = JSON.parse(await readFile(profilesPath(configDir), 'utf8')) as Partial<ProfileFile>
    return Array.isArray(parsed.profiles) ? parsed.profiles.filter((p) => p && typeof p.cloud === 'string' && typeof p.tenantId === 'string') : []
  } catch {
    return []
  }
}

async function writeProfiles(configDir: string, profiles: SignInProfile[]): Promise<void> {
  await ensurePrivateDir(authDir(configDir))
  const file: ProfileFile = {version: 1, profiles}
  await writeFileAtomic(profilesPath(configDir), JSON.stringify(file, null, 2) + '\n', {mode: 0o600})
}

export function sameTenant(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()
}

/** Saves a profile, replacing the one of the same cloud and tenant. */
export async function saveProfile(configDir: string, profile: SignInProfile): Promise<void> {
  const profiles = (await readProfiles(configDir)).filter((p) => !(p.cloud === profile.cloud && sameTenant(p.tenantId, profile.tenantId)))
  profiles.push(profile)
  await writeProfiles(configDir, profiles)
}

/** Removes the profiles that match; returns them. */
export async function removeProfiles(configDir: string, match: (profile: SignInProfile) => boolean): Promise<SignInProfile[]> {
  const profiles = await readProfiles(configDir)
  const removed = profiles.filter(match)
  if (removed.length > 0) await writeProfiles(configDir, profiles.filter((p) => !match(p)))
  return removed
}

/**
 * The profile to use for a cloud and tenant: the one of that tenant (by id or by the domain typed at login);
 * when the tenant is not known, the most recent sign-in to the cloud.
 */
export function selectProfile(profiles: readonly SignInProfile[], cloud: CloudName, tenant: string | undefined): SignInProfile | undefined {
  const inCloud = profiles.filter((p) => p.cloud === cloud)
  if (tenant !== undefined) return inCloud.find((p) => sameTenant(p.tenantId, tenant) || sameTenant(p.tenantHint, tenant))
  return [...inCloud].sort((a, b) => b.signedInAt.localeCompare(a.signedInAt))[0]
}

/** Updates the recorded expiry of a scope's cached token (service principals without a kept secret). */
export async function recordTokenExpiry(configDir: string, profile: SignInProfile, scope: string, expiresOn: number): Promise<void> {
  const profiles = await readProfiles(configDir)
  const stored = profiles.find((p) => p.cloud === profile.cloud && sameTenant(p.tenantId, profile.tenantId))
  if (!stored) return
  stored.tokenExpiries = {...stored.tokenExpiries, [scope]: expiresOn}
  await writeProfiles(configDir, profiles)
}
