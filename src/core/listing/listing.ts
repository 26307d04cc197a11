import {isCustomApi} from '../clients/powerapps-rp.js'
import type {CoreContext} from '../context.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {type EnvironmentSummary, environmentSummary, withSession} from '../environments/session.js'

export interface EnvironmentListItem {
  name: string
  displayName: string
  isDefault: boolean
  sku?: string
  location?: string
  dataverseUrl?: string
  /** cc.yaml aliases that point at this environment. */
  aliases: string[]
}

export interface EnvironmentListResult {
  cloud: string
  tenantId?: string
  /** Which environment (alias, id or local) chose the cloud and tenant. */
  via: string
  environments: EnvironmentListItem[]
}

/**
 * The environments the signed-in account can reach in the cloud and tenant of `--env` (default: the embedded
 * emulator), with their Dataverse URLs and the cc.yaml aliases that name them.
 */
export async function listEnvironments(options: EnvironmentRequest, ctx: CoreContext): Promise<EnvironmentListResult> {
  return withSession(options, ctx, async (session) => {
    ctx.reporter.step('Listing environments')
    const all = await session.bap.listEnvironments()
    const aliases = [...(session.choice.project?.environments.values() ?? [])].filter((e) => e.cloud === session.cloud.name)
    return {
      cloud: session.cloud.name,
      ...(session.tokens.tenantId ? {tenantId: session.tokens.tenantId} : {}),
      via: session.choice.ref,
      environments: all.map((e) => ({
        name: e.name,
        displayName: e.displayName,
        isDefault: e.isDefault,
        ...(e.sku ? {sku: e.sku} : {}),
        ...(e.location ? {location: e.location} : {}),
        ...(e.dataverseUrl ? {dataverseUrl: e.dataverseUrl} : {}),
        aliases: aliases
          .filter((a) => {
            const id = a.environmentId?.toLowerCase()
            return id === e.name.toLowerCase() || (a.cloud === 'local' && (id === e.displayName.toLowerCase() || (id === undefined && e.isDefault)))
          })
          .map((a) => a.alias),
      })),
    }
  })
}

export interface ConnectorListItem {
  displayName: string
  /** Power Apps name (`shared_…`). */
  name?: string
  dataverseId?: string
  logicalName?: string
  createdBy?: string
  modifiedOn?: string
}

export interface ConnectorListResult {
  environment: EnvironmentSummary
  source: PushTarget
  connectors: ConnectorListItem[]
}

/** Custom connectors of an environment, every page: from the Power Apps RP (default) or the Dataverse connector table. */
export async function listConnectors(options: EnvironmentRequest & {target?: PushTarget}, ctx: CoreContext): Promise<ConnectorListResult> {
  return withSession(options, ctx, async (session) => {
    const env = await session.environment()
    const source = options.target ?? 'rp'
    const onPage = (count: number) => ctx.reporter.step(`Listing connectors (${count} so far)`)
    let connectors: ConnectorListItem[]
    if (source === 'rp') {
      const apis = await session.powerApps.listConnectors(env.environmentId, {customOnly: true, onPage})
      connectors = apis.filter(isCustomApi).map((api) => {
        const p = api.properties ?? {}
        const xrmId = p.metadata?.xrmConnectorId
        return {
          displayName: p.displayName ?? api.name,
          name: api.name,
          ...(typeof xrmId === 'string' && xrmId !== '' ? {dataverseId: xrmId} : {}),
          ...(p.createdBy?.displayName ? {createdBy: p.createdBy.displayName} : {}),
          ...(p.changedTime ? {modifiedOn: p.changedTime} : {}),
        }
      })
    } else {
      const rows = await (await session.dataverse()).listConnectors({onPage})
      connectors = rows.map((row) => ({
        displayName: row.displayname ?? row.name,
        ...(row.connectorinternalid ? {name: row.connectorinternalid} : {}),
        dataverseId: row.connectorid,
        logicalName: row.name,
        ...(row.modifiedon ? {modifiedOn: row.modifiedon} : {}),
      }))
    }
    connectors.sort((a, b) => a.displayName.localeCompare(b.displayName) || (a.name ?? '').localeCompare(b.name ?? ''))
    return {
      environment: environmentSummary(env),
      source,
      connectors,
    }
  })
}
