import {join} from 'node:path'

import {connectorContentColumns, type DataverseClient, type SolutionInfo} from '../clients/dataverse.js'
import {loadConnector} from '../connector/load.js'
import type {Connector} from '../connector/types.js'
import {type ConnectorContent, contentOf} from '../connector/write.js'
import type {CoreContext} from '../context.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {ResolvedEnvironment, Session} from '../environments/session.js'
import {isCcError} from '../errors.js'
import type {BlockingProblem} from '../identity/fixups.js'
import {type IdentityOverrides, overrideFor} from '../identity/identity-values.js'
import {type FixupPlanning, type FixupTarget, planIdentityFixups} from '../identity/plan-fixups.js'
import {connectorLogicalName, deterministicConnectorId} from '../naming/connector-names.js'
import {prepareConnector} from '../push/push.js'
import type {PreparedConnector} from '../push/types.js'
import {type AuthSummary, authSummary} from './auth-kind.js'
import {dataverseChanges, rpChanges} from './compare.js'
import {environmentConnectors, type EnvironmentConnector} from './inventory.js'
import type {Journal} from './journal.js'
import type {ExportManifest, ManifestConnector} from './manifest.js'
import {runPool} from './pool.js'
import type {ResolvedSecrets} from './secrets.js'
import type {ConnectorPlan, ImportPlan} from './types.js'

/** What the journal of an import keeps per connector (by export folder). */
export interface ImportJournalEntry {
  action: 'created' | 'updated' | 'unchanged'
  name?: string
  dataverseId?: string
  logicalName?: string
  /** Credential names written, by client app. */
  credentials?: Record<string, string>
  at: string
}

/** One connector of an import with everything needed to apply it. */
export interface ImportWork {
  entry: ManifestConnector
  connector?: Connector
  content?: ConnectorContent
  prepared?: PreparedConnector
  auth?: AuthSummary
  secret?: {value: string; from: string}
  surface: PushTarget
  solution?: string
  /** The publisher prefix the connector's logical name takes (Dataverse). */
  prefix?: string
  /** The connector in the target, when it exists. */
  existing?: EnvironmentConnector
  /** Its identity fix-ups (shares the credential and redirect steps of `plan`). */
  fixup?: FixupTarget
  plan: ConnectorPlan
}

export interface PlannedImport {
  plan: ImportPlan
  work: ImportWork[]
  /** The client apps, what will be written to them, and what stops the import. */
  identity: FixupPlanning
  problems: BlockingProblem[]
}

export interface PlanInput {
  session: Session
  env: ResolvedEnvironment
  manifest: ExportManifest
  dir: string
  picked: ManifestConnector[]
  surface: PushTarget
  solution?: string
  journal: Journal<ImportJournalEntry>
  secrets: ResolvedSecrets
  reapplySecrets: boolean
  identity: boolean
  overrides?: IdentityOverrides
  concurrency: number
  ctx: CoreContext
}

/**
 * Decides what an import would do, reading and never writing: each connector is loaded from the export folder
 * with the target's cc.yaml parameters applied, looked up in the target (the id an earlier run remembered, the
 * deterministic Dataverse id, the logical name, the display name) and compared with what is there; the client
 * apps of managed-identity and OAuth connectors are read to plan their credentials and redirect URIs. Anything
 * that must stop the import before it writes (collisions, missing apps, no Graph permission, the limit of 20
 * credentials) is returned as a problem.
 */
export async function planImport(input: PlanInput): Promise<PlannedImport> {
  const {session, env, manifest, picked, journal, ctx} = input
  const problems: BlockingProblem[] = []
  const inventory = await environmentConnectors(session, env, {dataverse: input.surface === 'dataverse' || (env.dataverseUrl ? 'if-allowed' : false)})
  const dataverse = input.surface === 'dataverse' ? await session.dataverse() : undefined
  const solutions = dataverse ? new SolutionCache(dataverse) : undefined
  const defaultPrefix = dataverse ? (env.publisherPrefix ?? (await dataverse.defaultPublisherPrefix()) ?? 'new') : undefined
  if (solutions && input.solution) {
    const found = await solutions.get(input.solution)
    if (!found || found.ismanaged) {
      problems.push({
        code: found ? 'SOLUTION_MANAGED' : 'SOLUTION_NOT_FOUND',
        message: found ? `Solution ${input.solution} in ${env.displayName ?? env.environmentId} is managed; connectors can only be added to unmanaged solutions.` : `There is no solution "${input.solution}" in ${env.displayName ?? env.environmentId}.`,
        suggestions: ['Check the unique name (not the display name) of the solution, or leave out --solution.'],
      })
    }
  }

  const work = (
    await runPool(picked, input.concurrency, (entry) => planConnector(entry, input, inventory, solutions, defaultPrefix, problems), ctx.signal ? {signal: ctx.signal} : {})
  ).map((settled, i) => {
    if (settled.status === 'fulfilled') return settled.value
    const error = settled.reason
    const entry = picked[i]!
    return {entry, surface: input.surface, plan: skipped(entry, input.surface, error)} satisfies ImportWork
  })

  // Two connectors with one display name (as they would be sent) would become one connector in the target.
  const byTitle = new Map<string, ImportWork[]>()
  for (const w of work) {
    const title = (w.prepared?.title ?? w.entry.displayName).trim().toLowerCase()
    byTitle.set(title, [...(byTitle.get(title) ?? []), w])
  }
  for (const group of byTitle.values()) {
    if (group.length < 2) continue
    problems.push({
      code: 'NAME_COLLISION',
      message: `${group.length} connectors of the export are called "${group[0]!.prepared?.title ?? group[0]!.entry.displayName}" (${group.map((g) => g.entry.folder).join(', ')}); in ${env.displayName ?? env.environmentId} they would be one connector.`,
      suggestions: ['Rename one of them (info.title of its apiDefinition.swagger.json) and import again.'],
    })
  }

  const targets = work.filter((w) => w.plan.action !== 'skip' && w.fixup).map((w) => w.fixup!)
  const known = new Map(inventory.filter((c) => c.name).map((c) => [c.name!.toLowerCase(), c.managedIdentity]))
  const identity = await planIdentityFixups(session, env, input.identity ? targets : [], known)
  problems.push(...identity.problems)
  const apps = identity.apps
  const connectors = work.map((w) => w.plan)
  const changes = connectors.filter((c) => c.action === 'create' || c.action === 'update').length + identity.changes
  const plan: ImportPlan = {
    source: {ref: manifest.source.ref, environmentId: manifest.source.environmentId, ...(manifest.source.displayName ? {displayName: manifest.source.displayName} : {}), cloud: manifest.source.cloud, ...(manifest.source.tenantId ? {tenantId: manifest.source.tenantId} : {})},
    target: {ref: env.ref, environmentId: env.environmentId, ...(env.displayName ? {displayName: env.displayName} : {}), cloud: env.cloud, ...(env.tenantId ? {tenantId: env.tenantId} : {}), surface: input.surface},
    connectors,
    apps,
    changes,
  }
  for (const w of work) if (journal.interrupted.has(w.entry.folder) && journal.get(w.entry.folder)) w.plan.resumed = true
  return {plan, work, identity, problems}
}

function skipped(entry: ManifestConnector, surface: PushTarget, error: unknown): ConnectorPlan {
  return {
    folder: entry.folder,
    displayName: entry.displayName,
    auth: entry.auth,
    action: 'skip',
    changes: [],
    reason: error instanceof Error ? error.message : String(error),
    ...(isCcError(error) ? {code: error.code} : {}),
    target: {surface},
    parametersApplied: [],
    secret: 'not needed',
    credentials: [],
    redirectUris: [],
  }
}

async function planConnector(
  entry: ManifestConnector,
  input: PlanInput,
  inventory: EnvironmentConnector[],
  solutions: SolutionCache | undefined,
  defaultPrefix: string | undefined,
  problems: BlockingProblem[],
): Promise<ImportWork> {
  const {session, env, ctx} = input
  const connector = await loadConnector(join(input.dir, entry.folder))
  const content = contentOf(connector)
  const prepared = prepareConnector(connector, content, session, undefined, ctx)
  const auth = authSummary(prepared.apiProperties, prepared.apiDefinition)
  const remembered = input.journal.get(entry.folder)
  const work: ImportWork = {entry, connector, content, prepared, auth, surface: input.surface, plan: skipped(entry, input.surface, '')}
  const secret = input.secrets.for(entry.folder, prepared.title)
  if (secret && auth.needsSecret) work.secret = secret

  let changes: string[] = []
  const title = prepared.title.trim().toLowerCase()
  const ambiguous = (matches: EnvironmentConnector[]) => {
    problems.push({
      code: 'NAME_COLLISION',
      message: `${matches.length} connectors in ${env.displayName ?? env.environmentId} are called "${prepared.title}" (${matches.map((m) => m.name ?? m.dataverseId).join(', ')}); cc cannot tell which one ${entry.folder} is.`,
      suggestions: ['Delete or rename the extra connectors in the target environment, then import again.'],
    })
  }
  if (input.surface === 'dataverse') {
    work.solution = input.solution ?? (await sourceSolution(entry, solutions!, ctx))
    const solution = work.solution ? await solutions!.get(work.solution) : undefined
    work.prefix = solution?.publisherPrefix ?? defaultPrefix!
    const logicalName = connectorLogicalName(work.prefix, prepared.title)
    const id = deterministicConnectorId(logicalName)
    const rows = inventory.filter((c) => c.row)
    const byTitle = rows.filter((c) => c.displayName.trim().toLowerCase() === title)
    const found =
      rows.find((c) => remembered?.dataverseId && c.dataverseId?.toLowerCase() === remembered.dataverseId.toLowerCase()) ??
      rows.find((c) => c.dataverseId?.toLowerCase() === id) ??
      rows.find((c) => c.logicalName?.toLowerCase() === logicalName.toLowerCase()) ??
      (byTitle.length === 1 ? byTitle[0] : undefined)
    if (!found && byTitle.length > 1) ambiguous(byTitle)
    if (found) {
      work.existing = found
      const row = await (await session.dataverse()).getConnector(found.dataverseId!, connectorContentColumns)
      if (!row) throw new Error(`connector ${found.dataverseId} disappeared while it was read`)
      changes = dataverseChanges(prepared, row)
    }
    work.plan = {...work.plan, target: {surface: 'dataverse', ...(found?.name ? {name: found.name} : {}), dataverseId: found?.dataverseId ?? id, logicalName: found?.logicalName ?? logicalName, ...(work.solution ? {solution: work.solution} : {})}}
  } else {
    const apis = inventory.filter((c) => c.registration)
    const byTitle = apis.filter((c) => c.displayName.trim().toLowerCase() === title)
    const found = apis.find((c) => remembered?.name && c.name?.toLowerCase() === remembered.name.toLowerCase()) ?? (byTitle.length === 1 ? byTitle[0] : undefined)
    if (!found && byTitle.length > 1) ambiguous(byTitle)
    if (found) {
      work.existing = found
      const registration = await session.powerApps.getConnector(env.environmentId, found.name!)
      if (!registration) throw new Error(`connector ${found.name} disappeared while it was read`)
      changes = await rpChanges(session, prepared, env.environmentId, registration)
    }
    work.plan = {...work.plan, target: {surface: 'rp', ...(found?.name ? {name: found.name} : {}), ...(found?.dataverseId ? {dataverseId: found.dataverseId} : {})}}
  }

  let action: ConnectorPlan['action'] = !work.existing ? 'create' : changes.length > 0 ? 'update' : 'unchanged'
  let secretPlan: ConnectorPlan['secret'] = auth.needsSecret ? (work.secret ? 'send' : 'kept') : 'not needed'
  let reason: string | undefined
  let code: string | undefined
  if (auth.needsSecret && !work.secret && action === 'create') {
    action = 'skip'
    secretPlan = 'needed'
    code = 'OAUTH_SECRET_REQUIRED'
    reason = `${prepared.title} uses OAuth: creating it needs the client secret of its OAuth app for this environment (secrets are not exported).`
  }
  if (work.secret && action === 'unchanged') {
    if (input.reapplySecrets) {
      action = 'update'
      changes = ['secret']
    } else secretPlan = 'kept'
  }
  work.plan = {
    ...work.plan,
    auth: auth.kind,
    displayName: prepared.title,
    action,
    changes,
    ...(reason ? {reason, code} : {}),
    parametersApplied: prepared.applied,
    secret: secretPlan,
  }
  if (!reason) {
    delete work.plan.reason
    delete work.plan.code
  }
  const identity = overrideFor(input.overrides, [entry.folder, prepared.title, work.existing?.name])
  work.fixup = {
    displayName: prepared.title,
    auth,
    ...(work.existing ? {existing: {...(work.existing.name ? {name: work.existing.name} : {}), ...(work.existing.managedIdentity ? {managedIdentity: work.existing.managedIdentity} : {}), ...(work.existing.redirectUrl ? {redirectUrl: work.existing.redirectUrl} : {})}} : {}),
    ...(identity ? {identity} : {}),
    credentials: work.plan.credentials,
    redirectUris: work.plan.redirectUris,
  }
  return work
}

/** The first solution of the source that the target has (unmanaged); others are reported and left out. */
async function sourceSolution(entry: ManifestConnector, solutions: SolutionCache, ctx: CoreContext): Promise<string | undefined> {
  for (const name of entry.source.solutions ?? []) {
    const found = await solutions.get(name)
    if (found && !found.ismanaged) return found.uniquename
  }
  if ((entry.source.solutions ?? []).length > 0) {
    ctx.reporter.warn(`${entry.displayName}: the target has none of its source solutions (${entry.source.solutions.join(', ')}), so it goes into the Default solution only; pass --solution to choose one.`)
  }
  return undefined
}

class SolutionCache {
  private readonly cache = new Map<string, Promise<SolutionInfo | undefined>>()
  constructor(private readonly dataverse: DataverseClient) {}
  get(name: string): Promise<SolutionInfo | undefined> {
    const key = name.toLowerCase()
    if (!this.cache.has(key)) this.cache.set(key, this.dataverse.getSolution(name))
    return this.cache.get(key)!
  }
}
