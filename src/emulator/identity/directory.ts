import type {EmulatorContext} from '../context.js'
import {collections, type ApplicationRecord, type EnvironmentRecord, type ServicePrincipalRecord, type TenantRecord, type UserRecord} from '../state/records.js'

/** Look-ups in the emulated directory (tenants, users, apps, service principals) and platform (environments). */

export async function findTenant(ctx: EmulatorContext, segment: string): Promise<TenantRecord | undefined> {
  const lower = segment.toLowerCase()
  const tenants = await ctx.store.list<TenantRecord>(collections.tenants)
  return tenants.find((t) => t.id === lower || t.domain.toLowerCase() === lower)
}

/** The home tenant: the one that holds the environments. */
export async function homeTenant(ctx: EmulatorContext): Promise<TenantRecord> {
  const envs = await ctx.store.list<EnvironmentRecord>(collections.environments)
  const id = envs[0]?.tenantId
  const tenants = await ctx.store.list<TenantRecord>(collections.tenants)
  return tenants.find((t) => t.id === id) ?? tenants[0]!
}

export async function findApplicationByAppId(ctx: EmulatorContext, appId: string): Promise<ApplicationRecord | undefined> {
  const lower = appId.toLowerCase()
  return (await ctx.store.list<ApplicationRecord>(collections.applications)).find((a) => a.appId.toLowerCase() === lower)
}

export async function findServicePrincipalByAppId(ctx: EmulatorContext, appId: string, tenantId?: string): Promise<ServicePrincipalRecord | undefined> {
  const lower = appId.toLowerCase()
  return (await ctx.store.list<ServicePrincipalRecord>(collections.servicePrincipals)).find(
    (s) => s.appId.toLowerCase() === lower && (tenantId === undefined || s.tenantId === tenantId),
  )
}

export async function findUser(ctx: EmulatorContext, idOrUpn: string): Promise<UserRecord | undefined> {
  const lower = idOrUpn.toLowerCase()
  return (await ctx.store.list<UserRecord>(collections.users)).find((u) => u.id === lower || u.userPrincipalName.toLowerCase() === lower)
}

export async function findEnvironment(ctx: EmulatorContext, name: string): Promise<EnvironmentRecord | undefined> {
  const lower = name.toLowerCase()
  return (await ctx.store.list<EnvironmentRecord>(collections.environments)).find((e) => e.id.toLowerCase() === lower)
}

export async function listEnvironments(ctx: EmulatorContext): Promise<EnvironmentRecord[]> {
  const envs = await ctx.store.list<EnvironmentRecord>(collections.environments)
  return envs.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.displayName.localeCompare(b.displayName))
}
