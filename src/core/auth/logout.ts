import type {CoreContext} from '../context.js'
import type {CloudName} from '../environments/clouds.js'
import {chooseEnvironment, type EnvironmentRequest} from '../environments/resolve.js'
import {removeProfiles, sameTenant} from './profiles.js'
import {forgetCachedTokens} from './token-cache.js'

export interface LogoutOptions extends EnvironmentRequest {
  /** Forget every sign-in and empty the token cache. */
  all?: boolean
}

export interface LogoutResult {
  removed: Array<{cloud: CloudName; tenantId: string; method: string; username?: string}>
  /** True when the whole token cache file was deleted. */
  cacheDeleted: boolean
}

/**
 * Forgets the sign-in of an environment's cloud and tenant (or all of them) and removes their tokens from the
 * token cache. Nothing is revoked at the service, as with `az logout`. Works offline.
 */
export async function logout(options: LogoutOptions, ctx: CoreContext): Promise<LogoutResult> {
  if (options.all) {
    const removed = await removeProfiles(ctx.configDir, () => true)
    await forgetCachedTokens(ctx.configDir)
    return {removed: removed.map(summary), cacheDeleted: true}
  }
  const choice = await chooseEnvironment(options, ctx)
  const tenant = options.tenant ?? choice.tenant
  const removed = await removeProfiles(ctx.configDir, (p) => p.cloud === choice.cloud && (tenant === undefined || sameTenant(p.tenantId, tenant) || sameTenant(p.tenantHint, tenant)))
  for (const profile of removed) await forgetCachedTokens(ctx.configDir, profile.tenantId)
  return {removed: removed.map(summary), cacheDeleted: false}
}

function summary(p: {cloud: CloudName; tenantId: string; method: string; username?: string}) {
  return {cloud: p.cloud, tenantId: p.tenantId, method: p.method, ...(p.username ? {username: p.username} : {})}
}
