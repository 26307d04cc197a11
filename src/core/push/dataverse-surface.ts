import type {ConnectorRow, DataverseClient} from '../clients/dataverse.js'
import type {CoreContext} from '../context.js'
import type {ResolvedEnvironment, Session} from '../environments/session.js'
import {CcError, UsageError} from '../errors.js'
import {connectorLogicalName, deterministicConnectorId, isValidPublisherPrefix} from '../naming/connector-names.js'
import {stripSecrets} from './oauth.js'
import {backendServiceUrl, platformValues, secretRequired} from './rp-surface.js'
import type {PreparedConnector, PushOptions, PushResult, SurfaceOutcome} from './types.js'

/** Capability names and their Dataverse option values (dataverse-and-solutions.md 2.2). */
const capabilityValues: Record<string, number> = {composite: 118690000, tabular: 118690001, blob: 118690002, gateway: 118690003, cloud: 118690004, actions: 118690005}

export interface DataverseIds {
  explicit?: string
  remembered?: string
}

/**
 * Create or update a row of the Dataverse connector table, solution-aware: with a solution the row is written
 * with `MSCRM.SolutionUniqueName` and named with that solution's publisher prefix (pac always uses `new_`); the
 * connectorid is the deterministic one of the naming module, so the same connector has the same id in every
 * environment. Dataverse never stores OAuth secrets, so a secret is then set on the platform's runtime connector
 * through the Power Apps resource provider (as the CoE toolkit does after a solution import).
 */
export async function pushToDataverse(session: Session, env: ResolvedEnvironment, prepared: PreparedConnector, ids: DataverseIds, options: PushOptions, ctx: CoreContext): Promise<SurfaceOutcome> {
  const dataverse = await session.dataverse()
  const solutionName = options.solution ?? env.solution
  let prefix = env.publisherPrefix
  if (solutionName) {
    ctx.reporter.step(`Reading solution ${solutionName}`)
    const solution = await dataverse.getSolution(solutionName)
    if (!solution) {
      throw new UsageError(`There is no solution "${solutionName}" in ${env.displayName ?? env.environmentId}.`, {
        code: 'SOLUTION_NOT_FOUND',
        suggestions: ['Check the unique name (not the display name) of the solution.', 'Leave out --solution to add the connector to the Default solution only.'],
      })
    }
    if (solution.ismanaged) throw new UsageError(`Solution ${solutionName} is managed; connectors can only be added to unmanaged solutions.`, {code: 'SOLUTION_MANAGED'})
    prefix = solution.publisherPrefix ?? prefix
  }
  prefix ??= (await dataverse.defaultPublisherPrefix()) ?? 'new'
  if (!isValidPublisherPrefix(prefix)) throw new UsageError(`"${prefix}" is not a valid publisher prefix.`, {code: 'PUBLISHER_PREFIX_INVALID'})

  const logicalName = connectorLogicalName(prefix, prepared.title)
  const deterministicId = deterministicConnectorId(logicalName)
  ctx.reporter.step(`Looking for ${logicalName}`)
  const existing = await findRow(dataverse, ids, logicalName, deterministicId, prepared.title, env)
  if (!existing && prepared.needsSecret && !prepared.hasSecret) throw secretRequired(prepared)

  const row = connectorRow(prepared, {create: !existing, removeScript: options.removeScript === true})
  const solutionOption = solutionName ? {solution: solutionName} : {}
  let id: string
  if (existing) {
    id = existing.row.connectorid
    ctx.reporter.step(`Updating ${existing.row.name}`)
    await dataverse.updateConnector(id, row, solutionOption)
  } else {
    id = deterministicId
    ctx.reporter.step(`Creating ${logicalName}${solutionName ? ` in ${solutionName}` : ''}`)
    await dataverse.createConnector({connectorid: id, name: logicalName, ...row}, solutionOption)
  }

  const written = await dataverse.getConnector(id, ['connectorid', 'name', 'connectorinternalid'])
  const internalId = written?.connectorinternalid ?? undefined
  let secret: PushResult['secret'] = prepared.needsSecret ? 'kept by the service' : 'not needed'
  let values: Pick<SurfaceOutcome, 'redirectUrl' | 'managedIdentity'> = {}
  if (internalId) {
    if (prepared.hasSecret) {
      ctx.reporter.step('Setting the OAuth client secret on the runtime connector')
      await session.powerApps.updateConnector(env.environmentId, internalId, {
        properties: {
          connectionParameters: prepared.apiProperties.properties?.connectionParameters ?? {},
          ...(prepared.apiProperties.properties?.connectionParameterSets ? {connectionParameterSets: prepared.apiProperties.properties.connectionParameterSets} : {}),
          environment: {name: env.environmentId},
          openApiDefinition: prepared.apiDefinition,
          backendService: {serviceUrl: backendServiceUrl(prepared.apiDefinition)},
        },
      })
      secret = 'sent'
    }
    values = platformValues(await session.powerApps.getConnector(env.environmentId, internalId))
  } else {
    ctx.reporter.warn(`Dataverse has not provisioned the runtime connector of ${logicalName} yet (no connectorinternalid): the redirect URL is not known${prepared.hasSecret ? ' and the client secret was not set' : ''}. Push again in a minute.`)
  }
  return {
    action: existing ? 'updated' : 'created',
    dataverseId: id,
    logicalName: existing?.row.name ?? logicalName,
    ...(solutionName ? {solution: solutionName} : {}),
    ...(internalId ? {name: internalId} : {}),
    ...(existing ? {foundBy: existing.from} : {}),
    ...values,
    script: prepared.script !== undefined ? 'uploaded' : options.removeScript && existing ? 'removed' : existing ? 'kept' : 'none',
    icon: prepared.icon ? 'uploaded' : 'none',
    secret,
    serviceWarnings: [],
  }
}

/** The columns of the row (dataverse-and-solutions.md 2.2 and 2.3); JSON columns as strings, no secrets. */
export function connectorRow(prepared: PreparedConnector, options: {create: boolean; removeScript: boolean}): Partial<ConnectorRow> {
  const properties = structuredClone(prepared.apiProperties)
  stripSecrets(properties)
  const p = properties.properties ?? {}
  const capabilities = (p.capabilities ?? []).map((c) => capabilityValues[String(c).toLowerCase()]).filter((v): v is number => v !== undefined)
  const row: Partial<ConnectorRow> = {
    displayname: prepared.title,
    description: prepared.description.slice(0, 1000),
    connectortype: 1,
    openapidefinition: JSON.stringify(prepared.apiDefinition),
    connectionparameters: JSON.stringify(p.connectionParameters ?? {}),
    connectionparametersets: p.connectionParameterSets ? JSON.stringify(p.connectionParameterSets) : null,
    policytemplateinstances: JSON.stringify(p.policyTemplateInstances ?? []),
    iconbrandcolor: p.iconBrandColor ?? null,
    scriptoperations: p.scriptOperations ? JSON.stringify(p.scriptOperations) : null,
    capabilities: capabilities.length > 0 ? capabilities.join(',') : null,
  }
  if (prepared.icon) row.iconblob = Buffer.from(prepared.icon).toString('base64')
  if (prepared.script !== undefined) row.customcodeblobcontent = prepared.script
  else if (options.removeScript && !options.create) {
    row.customcodeblobcontent = null
    row.scriptoperations = null
  }
  return row
}

async function findRow(
  dataverse: DataverseClient,
  ids: DataverseIds,
  logicalName: string,
  deterministicId: string,
  title: string,
  env: ResolvedEnvironment,
): Promise<{row: ConnectorRow; from: NonNullable<PushResult['foundBy']>} | undefined> {
  if (ids.explicit) {
    const byId = /^[0-9a-f-]{36}$/i.test(ids.explicit) ? await dataverse.getConnector(ids.explicit) : (await dataverse.findConnectors({internalId: ids.explicit}))[0]
    if (!byId) {
      throw new CcError(`There is no connector ${ids.explicit} in the Dataverse of ${env.displayName ?? env.environmentId}.`, {code: 'CONNECTOR_NOT_FOUND', suggestions: [`cc connector list --env ${env.ref} --target dataverse`]})
    }
    return {row: byId, from: 'connector id'}
  }
  if (ids.remembered) {
    const row = await dataverse.getConnector(ids.remembered)
    if (row) return {row, from: 'cc.yaml'}
  }
  const byDeterministicId = await dataverse.getConnector(deterministicId)
  if (byDeterministicId) return {row: byDeterministicId, from: 'deterministic id'}
  const byName = await dataverse.findConnectors({name: logicalName, displayName: title})
  const exact = byName.filter((r) => r.name.toLowerCase() === logicalName.toLowerCase())
  if (exact.length > 0) return {row: exact[0]!, from: 'logical name'}
  if (byName.length > 1) {
    throw new CcError(`${byName.length} connectors in the Dataverse of ${env.displayName ?? env.environmentId} are called "${title}": ${byName.map((r) => r.name).join(', ')}.`, {
      code: 'CONNECTOR_AMBIGUOUS',
      suggestions: [`cc push --env ${env.ref} --target dataverse --connector-id ${byName[0]!.connectorid}`],
    })
  }
  return byName[0] ? {row: byName[0], from: 'display name'} : undefined
}
