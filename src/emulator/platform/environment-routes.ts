import type {EmulatorContext} from '../context.js'
import {armError, json, type EmulatorRequest, type EmulatorResponse} from '../http.js'
import {findEnvironment, listEnvironments} from '../identity/directory.js'
import {ODataQueryError, paginate} from '../odata.js'
import type {AuthKind, RouteDefinition} from '../router.js'
import type {EnvironmentRecord} from '../state/records.js'

/**
 * Environment listings of the Flow RP (what paconn prompts from), the BAP (admin and maker views) and the Power
 * Apps RP, in the shapes of powerapps-api.md 2.4; every runtime endpoint points back at the emulator.
 */

type Provider = 'flow' | 'bap' | 'bap-admin' | 'powerapps'

const providers: Record<Provider, {base: string; type: string; auth: AuthKind}> = {
  flow: {base: '/providers/Microsoft.ProcessSimple/environments', type: 'Microsoft.ProcessSimple/environments', auth: 'flow'},
  bap: {base: '/providers/Microsoft.BusinessAppPlatform/environments', type: 'Microsoft.BusinessAppPlatform/environments', auth: 'bap'},
  'bap-admin': {base: '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments', type: 'Microsoft.BusinessAppPlatform/scopes/environments', auth: 'bap'},
  powerapps: {base: '/providers/Microsoft.PowerApps/environments', type: 'Microsoft.PowerApps/environments', auth: 'powerapps'},
}

export function environmentRoutes(): RouteDefinition[] {
  return (Object.keys(providers) as Provider[]).flatMap((provider) => {
    const {base, auth} = providers[provider]
    const service = provider === 'flow' ? 'flow' : provider === 'powerapps' ? 'powerapps' : 'bap'
    return [
      {method: 'GET', path: base, name: `${provider}.environments.list`, service, auth, handler: (req, ctx) => list(req, ctx, provider)},
      {method: 'GET', path: `${base}/{environment}`, name: `${provider}.environments.get`, service, auth, handler: (req, ctx) => get(req, ctx, provider)},
    ] satisfies RouteDefinition[]
  })
}

/** ARM routes need `api-version`, as the real providers do. */
export function requireApiVersion(req: EmulatorRequest): void {
  const version = req.query.get('api-version')
  if (version === null || version === '') throw armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.")
  if (!/^\d{4}-\d{2}-\d{2}(-[a-z]+)?$/i.test(version)) {
    throw armError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '2016-11-01,2020-06-01,2021-04-01'.`)
  }
}

async function list(req: EmulatorRequest, ctx: EmulatorContext, provider: Provider): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const envs = await listEnvironments(ctx)
  try {
    const page = paginate(envs, req, ctx.settings.pageSize)
    return json(200, {value: page.items.map((e) => view(req, e, provider)), ...(page.nextLink ? {nextLink: page.nextLink} : {})})
  } catch (error) {
    if (error instanceof ODataQueryError) throw armError(400, 'InvalidQueryParameter', error.message)
    throw error
  }
}

async function get(req: EmulatorRequest, ctx: EmulatorContext, provider: Provider): Promise<EmulatorResponse> {
  requireApiVersion(req)
  const env = await environmentOrThrow(ctx, req.params.environment!)
  return json(200, view(req, env, provider))
}

export async function environmentOrThrow(ctx: EmulatorContext, name: string): Promise<EnvironmentRecord> {
  const env = await findEnvironment(ctx, name)
  if (!env) throw armError(404, 'EnvironmentNotFound', `The environment '${name}' could not be found in the tenant. Use one of the names that GET /providers/Microsoft.ProcessSimple/environments lists.`)
  return env
}

function view(req: EmulatorRequest, env: EnvironmentRecord, provider: Provider): Record<string, unknown> {
  const {base, type} = providers[provider]
  const origin = req.origin
  const createdBy = {id: 'SYSTEM', displayName: 'SYSTEM', type: 'NotSpecified'}
  const linked = {
    resourceId: env.organizationId,
    friendlyName: env.displayName,
    uniqueName: env.organizationUniqueName,
    domainName: env.organizationUniqueName,
    version: '9.2.25101.00000',
    instanceUrl: `${origin}/dataverse/${env.id}/`,
    instanceApiUrl: `${origin}/dataverse/${env.id}/`,
    baseLanguage: 1033,
    instanceState: 'Ready',
    createdTime: env.createdTime,
    platformSku: 'Standard',
  }
  const properties: Record<string, unknown> = {
    tenantId: env.tenantId,
    azureRegionHint: 'westeurope',
    azureRegion: 'westeurope',
    displayName: env.displayName,
    createdTime: env.createdTime,
    createdBy,
    lastModifiedTime: env.createdTime,
    provisioningState: 'Succeeded',
    creationType: env.isDefault ? 'DefaultTenant' : 'User',
    environmentSku: env.sku,
    environmentType: env.sku === 'Default' ? 'NotSpecified' : env.sku,
    isDefault: env.isDefault,
    clientUris: {admin: `${origin}/admin/environments/${env.id}`, maker: `${origin}/make/environments/${env.id}/home`},
    runtimeEndpoints: {
      'microsoft.BusinessAppPlatform': origin,
      'microsoft.CommonDataModel': origin,
      'microsoft.PowerApps': origin,
      'microsoft.PowerAppsAdvisor': origin,
      'microsoft.ApiManagement': origin,
      'microsoft.Flow': origin,
    },
    databaseType: 'CommonDataService',
    linkedEnvironmentMetadata: linked,
    states: {management: {id: 'Ready'}, runtime: {id: 'Enabled'}},
  }
  return {id: `${base}/${env.id}`, name: env.id, type, location: env.location, properties}
}
