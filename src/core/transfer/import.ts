import {resolve} from 'node:path'

import type {CoreContext} from '../context.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {type ResolvedEnvironment, type Session, withSession} from '../environments/session.js'
import {CcError, isCcError, UsageError} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import {problemsError} from '../identity/fixups.js'
import {applyCredentials, RedirectBatch, writeAccessProblems} from '../identity/plan-fixups.js'
import {type IdentityOverrides, readIdentityOverrides} from '../identity/identity-values.js'
import {pushToDataverse} from '../push/dataverse-surface.js'
import {prepareConnector} from '../push/push.js'
import {pushToRp} from '../push/rp-surface.js'
import type {SurfaceOutcome} from '../push/types.js'
import {quietContext} from './inventory.js'
import {Journal} from './journal.js'
import {type ExportManifest, type ManifestConnector, readManifest} from './manifest.js'
import {type ImportJournalEntry, type ImportWork, planImport, type PlannedImport} from './plan.js'
import {defaultConcurrency, runPool} from './pool.js'
import {resolveSecrets, type SecretSources} from './secrets.js'
import type {ImportedConnector, ImportPlan, ImportResult} from './types.js'

export type {ConnectorPlan, ImportedConnector, ImportPlan, ImportResult} from './types.js'

export interface ImportOptions extends EnvironmentRequest {
  /** The export folder (manifest.json and one folder per connector). */
  dir: string
  /** Only these connectors (export folder names or display names). */
  connectors?: string[]
  /** rp or dataverse (default: the environment's target in cc.yaml, else dataverse where the environment has it). */
  target?: PushTarget
  /** Solution for --target dataverse (default: the environment's; else the source's solution when the target has it). */
  solution?: string
  concurrency?: number
  /** Only say what would change. */
  plan?: boolean
  /** Go ahead without asking. */
  yes?: boolean
  /** Asks the person at the terminal (only called when `ctx.interactive`). */
  confirm?: (plan: ImportPlan) => Promise<boolean>
  secrets?: SecretSources
  /** Send given secrets to connectors that are otherwise unchanged too. */
  reapplySecrets?: boolean
  /** Managed-identity values pasted from the portal (--issuer/--subject, --identity-file). */
  issuer?: string
  subject?: string
  identityFile?: string
  /** false: leave federated credentials and redirect URIs alone (--skip-identity). */
  identity?: boolean
}

/**
 * Imports an export folder into an environment: each connector is created or updated there exactly as push does
 * it (same lookup, same surfaces, the target's cc.yaml parameters), then the per-environment fix-ups are made:
 * a federated credential on the client app for each managed-identity connector (issuer and subject read from
 * the platform after the import), the per-connector redirect URL on the client app, OAuth secrets from
 * environment variables or stdin. A plan comes first and nothing is written when it finds a problem; `plan`
 * returns it without writing. Connectors run concurrently (`concurrency`), Graph writes per app one at a time;
 * a journal in the export folder lets an interrupted import carry on without duplicates.
 */
export async function importConnectors(options: ImportOptions, ctx: CoreContext): Promise<ImportResult> {
  const dir = resolve(ctx.cwd, options.dir)
  const manifest = await readManifest(dir, ctx.cwd)
  const picked = pickConnectors(manifest, options.connectors ?? [])
  const secrets = resolveSecrets(options.secrets, ctx.env)
  const overrides = await identityOverrides(options, picked, ctx.cwd)
  const quiet = quietContext(ctx)
  return withSession(options, quiet, async (session) => {
    const env = await session.environment()
    const surface: PushTarget = options.target ?? env.target ?? (env.dataverseUrl ? 'dataverse' : 'rp')
    if (options.solution && surface !== 'dataverse') {
      throw new UsageError('--solution works with --target dataverse (solutions live in Dataverse).', {code: 'SOLUTION_NEEDS_DATAVERSE'})
    }
    const journal = await Journal.open<ImportJournalEntry>(dir, `import-${env.environmentId.toLowerCase()}`, 'import', env.environmentId)
    ctx.reporter.step(`Planning the import of ${picked.length} connector${picked.length === 1 ? '' : 's'} into ${env.displayName ?? env.environmentId}`)
    const solution = options.solution ?? env.solution
    const planned = await planImport({
      session,
      env,
      manifest,
      dir,
      picked,
      surface,
      ...(solution ? {solution} : {}),
      journal,
      secrets,
      reapplySecrets: options.reapplySecrets === true,
      identity: options.identity !== false,
      overrides,
      concurrency: options.concurrency ?? defaultConcurrency,
      ctx: quiet,
    })
    if (planned.problems.length > 0) throw problemsError(planned.problems)
    const journalPath = displayPath(journal.path, ctx.cwd)
    if (options.plan) return planOnly(planned.plan, journalPath)
    const {confirm} = options
    await confirmChanges(planned.plan.changes, 'The import', env.displayName ?? env.environmentId, {...(options.yes ? {yes: true} : {}), ...(confirm ? {ask: () => confirm(planned.plan)} : {})}, ctx, `cc import ${displayPath(dir, ctx.cwd)} --env ${env.ref}`)
    const forbidden = await writeAccessProblems(planned.identity, env.ref)
    if (forbidden.length > 0) throw problemsError(forbidden)
    await journal.start()
    return applyImport(planned, {session, env, journal, journalPath, options, ctx, quiet})
  })
}

/**
 * Asks before changing anything: --yes, or a person at a terminal; without either it refuses (exit 2).
 * `what` names the run ("The import"), `where` the environment.
 */
export async function confirmChanges(changes: number, what: string, where: string, options: {yes?: boolean; ask?: () => Promise<boolean>}, ctx: CoreContext, command: string): Promise<void> {
  if (changes === 0 || options.yes) return
  if (!ctx.interactive || !options.ask) {
    throw new UsageError(`${what} would make ${changes} change${changes === 1 ? '' : 's'} in ${where}; without a terminal to confirm, pass --yes (or --plan to see them first).`, {
      code: 'CONFIRMATION_REQUIRED',
      suggestions: [`${command} --plan`, `${command} --yes`],
    })
  }
  if (!(await options.ask())) throw new CcError('Cancelled; nothing was changed.', {code: 'CANCELLED', suggestions: [`${command} --plan   (review the changes)`]})
}

function planOnly(plan: ImportPlan, journal: string): ImportResult {
  return {applied: false, plan, connectors: [], counts: {created: 0, updated: 0, unchanged: 0, failed: 0}, credentials: {created: 0, updated: 0, unchanged: 0}, redirectUris: {added: 0}, needsSecret: plan.connectors.filter((c) => c.secret === 'needed').map((c) => c.folder), journal}
}

function pickConnectors(manifest: ExportManifest, wanted: string[]): ManifestConnector[] {
  if (wanted.length === 0) return manifest.connectors
  const missing: string[] = []
  const picked: ManifestConnector[] = []
  for (const value of wanted) {
    const lower = value.trim().toLowerCase()
    const found = manifest.connectors.filter((c) => c.folder.toLowerCase() === lower || c.displayName.trim().toLowerCase() === lower || c.source.name?.toLowerCase() === lower)
    if (found.length === 0) missing.push(value)
    for (const c of found) if (!picked.includes(c)) picked.push(c)
  }
  if (missing.length > 0) {
    throw new UsageError(`The export has no connector ${missing.map((m) => `"${m}"`).join(', ')}. It has: ${manifest.connectors.map((c) => c.folder).join(', ') || 'none'}.`, {code: 'CONNECTOR_NOT_FOUND', suggestions: ['--connector takes an export folder name or a display name.']})
  }
  return picked
}

async function identityOverrides(options: ImportOptions, picked: ManifestConnector[], cwd: string): Promise<IdentityOverrides | undefined> {
  if (options.issuer === undefined && options.subject === undefined && !options.identityFile) return undefined
  const overrides = await readIdentityOverrides({...(options.issuer !== undefined ? {issuer: options.issuer} : {}), ...(options.subject !== undefined ? {subject: options.subject} : {}), ...(options.identityFile ? {file: options.identityFile} : {})}, cwd)
  if (overrides.single) {
    const managed = picked.filter((c) => c.managedIdentity)
    if (managed.length !== 1) {
      throw new UsageError(`--issuer and --subject are for one managed-identity connector, and this import has ${managed.length}.`, {code: 'USAGE', suggestions: ['Pick it with --connector <folder>, or map each connector in --identity-file FILE.']})
    }
    overrides.byConnector.set(managed[0]!.folder.toLowerCase(), overrides.single)
  }
  return overrides
}

interface ApplyContext {
  session: Session
  env: ResolvedEnvironment
  journal: Journal<ImportJournalEntry>
  journalPath: string
  options: ImportOptions
  ctx: CoreContext
  quiet: CoreContext
}

/** Writes what the plan says: connectors through the pool, credentials per app one at a time, then redirect URIs. */
async function applyImport(planned: PlannedImport, run: ApplyContext): Promise<ImportResult> {
  const {ctx} = run
  const {work} = planned
  ctx.reporter.step(`Importing into ${run.env.displayName ?? run.env.environmentId}`)
  const redirects = new RedirectBatch<ImportedConnector>()
  const settled = await runPool(work, run.options.concurrency ?? defaultConcurrency, (w) => importOne(w, run, planned, redirects), {
    ...(ctx.signal ? {signal: ctx.signal} : {}),
    onSettled: (done, total) => ctx.reporter.progress(done, total, 'Imported'),
  })
  const results = settled.map((s, i) => (s.status === 'fulfilled' ? s.value : failedResult(work[i]!, s.reason, 'not imported')))

  if (redirects.size > 0) ctx.reporter.step('Adding redirect URIs to the client apps')
  await redirects.flush(planned.identity.fixups, (c, step) => {
    if ('error' in step) fail(c, `the redirect URI could not be added to application ${step.appId}: ${messageOf(step.error)}`, step.error)
    else c.redirectUris.push(step)
  })
  const failed = results.filter((r) => r.status === 'failed').length
  if (failed === 0) await run.journal.complete()
  const credentials = results.flatMap((r) => r.credentials)
  return {
    applied: true,
    plan: planned.plan,
    connectors: results,
    counts: {created: count(results, 'created'), updated: count(results, 'updated'), unchanged: count(results, 'unchanged'), failed},
    credentials: {created: credentials.filter((c) => c.action === 'created').length, updated: credentials.filter((c) => c.action === 'updated').length, unchanged: credentials.filter((c) => c.action === 'unchanged').length},
    redirectUris: {added: results.flatMap((r) => r.redirectUris).filter((r) => r.action === 'added').length},
    needsSecret: results.filter((r) => r.secret === 'needed').map((r) => r.folder),
    journal: run.journalPath,
  }
}

async function importOne(w: ImportWork, run: ApplyContext, planned: PlannedImport, redirects: RedirectBatch<ImportedConnector>): Promise<ImportedConnector> {
  const {session, env, journal, quiet} = run
  const plan = w.plan
  const result: ImportedConnector = {
    folder: plan.folder,
    displayName: plan.displayName,
    auth: plan.auth,
    status: 'unchanged',
    connector: 'not imported',
    ...(plan.resumed ? {resumed: true} : {}),
    target: {...plan.target},
    secret: plan.secret === 'send' ? 'sent' : plan.secret === 'kept' ? 'kept by the service' : plan.secret,
    credentials: [],
    redirectUris: [],
  }
  if (plan.action === 'skip') return fail(result, plan.reason ?? 'not importable', {code: plan.code})

  let values: Pick<SurfaceOutcome, 'redirectUrl' | 'managedIdentity'> = {
    ...(w.existing?.redirectUrl ? {redirectUrl: w.existing.redirectUrl} : {}),
    ...(w.existing?.managedIdentity ? {managedIdentity: w.existing.managedIdentity} : {}),
  }
  let name = w.existing?.name
  if (plan.action === 'create' || plan.action === 'update') {
    const prepared = w.secret ? prepareConnector(w.connector!, w.content!, session, w.secret.value, quiet) : w.prepared!
    const outcome =
      w.surface === 'dataverse'
        ? await pushToDataverse(session, {...env, publisherPrefix: w.prefix!}, prepared, w.existing?.dataverseId ? {explicit: w.existing.dataverseId} : {}, {validate: false, ...(w.solution ? {solution: w.solution} : {})}, quiet)
        : await pushToRp(session, env, prepared, w.existing?.name ? {explicit: w.existing.name, remembered: []} : {remembered: []}, {validate: false}, quiet)
    name = outcome.name ?? name
    values = {...(outcome.redirectUrl ? {redirectUrl: outcome.redirectUrl} : {}), ...(outcome.managedIdentity ? {managedIdentity: outcome.managedIdentity} : {})}
    result.connector = outcome.action
    result.status = outcome.action
    result.secret = outcome.secret === 'sent' ? 'sent' : result.secret
    result.target = {...result.target, ...(outcome.name ? {name: outcome.name} : {}), ...(outcome.dataverseId ? {dataverseId: outcome.dataverseId} : {}), ...(outcome.logicalName ? {logicalName: outcome.logicalName} : {})}
    await journal.record(plan.folder, {action: outcome.action, ...(outcome.name ? {name: outcome.name} : {}), ...(outcome.dataverseId ? {dataverseId: outcome.dataverseId} : {}), ...(outcome.logicalName ? {logicalName: outcome.logicalName} : {}), at: new Date().toISOString()})
  } else {
    result.connector = 'unchanged'
    if (!journal.get(plan.folder)) {
      await journal.record(plan.folder, {action: 'unchanged', ...(w.existing?.name ? {name: w.existing.name} : {}), ...(w.existing?.dataverseId ? {dataverseId: w.existing.dataverseId} : {}), at: new Date().toISOString()})
    }
  }
  if (values.redirectUrl) result.redirectUrl = values.redirectUrl
  if (values.managedIdentity) result.managedIdentity = values.managedIdentity
  if (run.options.identity === false || !w.fixup) return result

  try {
    result.credentials.push(...(await applyCredentials(planned.identity.fixups, w.fixup, {...(name ? {name} : {}), environmentId: env.environmentId, ...(values.managedIdentity ? {managedIdentity: values.managedIdentity} : {})})))
  } catch (error) {
    return fail(result, messageOf(error), error)
  }
  const written = result.credentials.filter((c) => c.action !== 'unchanged')
  if (written.length > 0) await journal.record(plan.folder, {credentials: {...journal.get(plan.folder)?.credentials, ...Object.fromEntries(written.map((c) => [c.appId, c.name]))}})
  if (w.fixup.auth.perConnectorRedirect && values.redirectUrl) for (const appId of w.fixup.auth.clientIds) redirects.add(appId, values.redirectUrl, result)
  return result
}

function failedResult(w: ImportWork, error: unknown, connector: ImportedConnector['connector']): ImportedConnector {
  const plan = w.plan
  return fail(
    {
      folder: plan.folder,
      displayName: plan.displayName,
      auth: plan.auth,
      status: 'failed',
      connector,
      target: {...plan.target},
      secret: plan.secret === 'send' ? 'sent' : plan.secret === 'kept' ? 'kept by the service' : plan.secret,
      credentials: [],
      redirectUris: [],
    },
    messageOf(error),
    error,
  )
}

/** Marks a connector failed; a connector that was written keeps saying so in the reason. */
function fail(result: ImportedConnector, reason: string, error: unknown): ImportedConnector {
  const done = result.connector === 'created' || result.connector === 'updated' ? `${result.connector}, but ` : ''
  result.status = 'failed'
  result.reason = `${done}${reason}`
  const code = isCcError(error) ? error.code : (error as {code?: unknown})?.code
  if (typeof code === 'string') result.code = code
  return result
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function count(results: ImportedConnector[], status: ImportedConnector['status']): number {
  return results.filter((r) => r.status === status).length
}
