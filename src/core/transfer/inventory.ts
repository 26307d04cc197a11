import type {ConnectorRow} from '../clients/dataverse.js'
import {type ApiRegistration, isCustomApi} from '../clients/powerapps-rp.js'
import type {CoreContext} from '../context.js'
import type {ResolvedEnvironment, Session} from '../environments/session.js'
import {ApiError, CcError} from '../errors.js'
import {platformValues} from '../push/rp-surface.js'

/**
 * The custom connectors of an environment as both surfaces show them, joined: the Power Apps resource provider's
 * list (names, the per-connector redirect URL, the managed identity) and, where the environment has Dataverse,
 * the connector table (connectorid, logical name). One list call per surface, every page.
 */
export interface EnvironmentConnector {
  displayName: string
  /** Power Apps resource provider name (`shared_…`). */
  name?: string
  dataverseId?: string
  logicalName?: string
  modifiedOn?: string
  registration?: ApiRegistration
  row?: ConnectorRow
  redirectUrl?: string
  managedIdentity?: {issuer: string; subject: string}
}

export async function environmentConnectors(session: Session, env: ResolvedEnvironment, options: {dataverse: boolean | 'if-allowed'}): Promise<EnvironmentConnector[]> {
  const rowsOf = async (): Promise<ConnectorRow[]> => {
    if (!options.dataverse) return []
    try {
      return await (await session.dataverse()).listConnectors()
    } catch (error) {
      // Where Dataverse is only a bonus, a caller who may not read it (403) still gets the RP's view.
      if (options.dataverse === 'if-allowed' && error instanceof ApiError && error.status === 403) return []
      throw error
    }
  }
  const [apis, rows] = await Promise.all([session.powerApps.listConnectors(env.environmentId, {customOnly: true}), rowsOf()])
  const byId = new Map(rows.map((r) => [r.connectorid.toLowerCase(), r]))
  const byInternal = new Map(rows.filter((r) => r.connectorinternalid).map((r) => [String(r.connectorinternalid).toLowerCase(), r]))
  const joined = new Set<ConnectorRow>()
  const out: EnvironmentConnector[] = []
  for (const api of apis.filter(isCustomApi)) {
    const xrm = api.properties?.metadata?.xrmConnectorId
    const row = (typeof xrm === 'string' ? byId.get(xrm.toLowerCase()) : undefined) ?? byInternal.get(api.name.toLowerCase())
    if (row) joined.add(row)
    const modifiedOn = latest(api.properties?.changedTime, row?.modifiedon)
    out.push({
      displayName: api.properties?.displayName ?? row?.displayname ?? api.name,
      name: api.name,
      ...(row ? {dataverseId: row.connectorid, logicalName: row.name, row} : typeof xrm === 'string' && xrm !== '' ? {dataverseId: xrm} : {}),
      ...(modifiedOn ? {modifiedOn} : {}),
      registration: api,
      ...platformValues(api),
    })
  }
  for (const row of rows) {
    if (joined.has(row)) continue
    out.push({
      displayName: row.displayname ?? row.name,
      ...(row.connectorinternalid ? {name: row.connectorinternalid} : {}),
      dataverseId: row.connectorid,
      logicalName: row.name,
      ...(row.modifiedon ? {modifiedOn: row.modifiedon} : {}),
      row,
    })
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName) || (a.name ?? a.dataverseId ?? '').localeCompare(b.name ?? b.dataverseId ?? ''))
}

function latest(...values: Array<string | undefined | null>): string | undefined {
  // The RP's times have milliseconds, Dataverse's only seconds: the later instant wins, the more precise on a tie.
  const dates = values.filter((v): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v)))
  return dates.sort((a, b) => Date.parse(a) - Date.parse(b) || a.length - b.length).at(-1)
}

/**
 * The connectors named by `--connector` values: a Power Apps name, a Dataverse connectorid or logical name, or a
 * display name (case-insensitive). Unknown or ambiguous values are errors, before anything is done.
 */
export function selectConnectors(all: EnvironmentConnector[], wanted: readonly string[], env: ResolvedEnvironment, command: string): EnvironmentConnector[] {
  const picked: EnvironmentConnector[] = []
  const missing: string[] = []
  for (const value of wanted) {
    const lower = value.trim().toLowerCase()
    const exact = all.filter((c) => c.name?.toLowerCase() === lower || c.dataverseId?.toLowerCase() === lower || c.logicalName?.toLowerCase() === lower)
    const matches = exact.length > 0 ? exact : all.filter((c) => c.displayName.trim().toLowerCase() === lower)
    if (matches.length === 0) missing.push(value)
    else if (matches.length > 1) {
      throw new CcError(`${matches.length} connectors in ${env.displayName ?? env.environmentId} are called "${value}": ${matches.map((m) => m.name ?? m.dataverseId).join(', ')}.`, {
        code: 'CONNECTOR_AMBIGUOUS',
        suggestions: [`${command} --connector ${matches[0]!.name ?? matches[0]!.dataverseId}   (name one by its id)`],
      })
    } else if (!picked.includes(matches[0]!)) picked.push(matches[0]!)
  }
  if (missing.length > 0) {
    throw new CcError(`No custom connector ${missing.map((m) => `"${m}"`).join(', ')} in ${env.displayName ?? env.environmentId}.`, {
      code: 'CONNECTOR_NOT_FOUND',
      suggestions: [`cc connector list --env ${env.ref}`],
    })
  }
  return picked
}

/** The core context with progress steps turned into debug lines: concurrent work reports counted progress instead. */
export function quietContext(ctx: CoreContext): CoreContext {
  const {reporter} = ctx
  return {...ctx, reporter: {step: (message) => reporter.debug(message), progress() {}, warn: (message) => reporter.warn(message), debug: (message) => reporter.debug(message)}}
}
