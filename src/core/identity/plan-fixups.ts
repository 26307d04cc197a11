import type {ResolvedEnvironment, Session} from '../environments/session.js'
import {CcError} from '../errors.js'
import type {AuthSummary} from '../transfer/auth-kind.js'
import {credentialLimit} from './credential-names.js'
import {type BlockingProblem, type ConnectorIdentity, type CredentialPlan, IdentityFixups} from './fixups.js'
import type {IdentityValues} from './identity-values.js'
import {ConnectorCatalog} from './stale.js'

/**
 * Planning and applying the identity fix-ups of a set of connectors in one environment, shared by cc import
 * (connectors about to be created or updated) and cc identity sync (connectors already there).
 */
export interface CredentialStep {
  appId: string
  name: string
  action: 'present' | 'create' | 'update' | 'values needed'
  existingName?: string
}

export interface RedirectStep {
  appId: string
  url?: string
  action: 'present' | 'add' | 'after import'
}

export interface FixupTarget {
  displayName: string
  auth: AuthSummary
  /** The connector in the environment, when it exists now (with what the platform shows for it). */
  existing?: {name?: string; managedIdentity?: IdentityValues; redirectUrl?: string}
  /** Issuer and subject pasted by the user, for when the platform does not return them. */
  identity?: IdentityValues
  /** Filled by planning. */
  credentials: CredentialStep[]
  redirectUris: RedirectStep[]
}

export interface AppPlan {
  appId: string
  displayName?: string
  credentials: {existing: number; create: number; update: number; limit: number}
  redirectUris: {add: string[]; afterImport: number}
}

export interface FixupPlanning {
  fixups: IdentityFixups
  problems: BlockingProblem[]
  /** Apps to be written to, with the connectors that use them. */
  writesTo: Map<string, Set<string>>
  apps: AppPlan[]
  /** Credential and redirect URI writes the plan makes (those after import included). */
  changes: number
}

/**
 * Reads every client app once and fills each target's credential and redirect steps; returns what must stop
 * the run before it writes. `known` are the environment's connectors by lower-case name with their managed
 * identity (to tell stale credentials without listing the environment again).
 */
export async function planIdentityFixups(session: Session, env: ResolvedEnvironment, targets: FixupTarget[], known: Map<string, IdentityValues | undefined>): Promise<FixupPlanning> {
  const fixups = new IdentityFixups(session.graph, session.cloud.tokenExchangeAudience)
  const active = targets.filter((t) => t.auth.managedIdentity || t.auth.perConnectorRedirect)
  await fixups.load(active.flatMap((t) => t.auth.clientIds))
  const credentialPlans: Array<CredentialPlan & {connector: ConnectorIdentity}> = []
  const writesTo = new Map<string, Set<string>>()
  const writes = (appId: string, t: FixupTarget) => writesTo.set(appId.toLowerCase(), (writesTo.get(appId.toLowerCase()) ?? new Set()).add(t.displayName))
  for (const t of active) {
    const connector: ConnectorIdentity = {displayName: t.displayName, environmentId: env.environmentId, ...(t.existing?.name ? {name: t.existing.name} : {})}
    for (const appId of t.auth.clientIds) {
      const state = fixups.app(appId)
      if (state.status !== 'ok') {
        writes(appId, t)
        continue
      }
      if (t.auth.managedIdentity) {
        const values = t.existing ? (t.existing.managedIdentity ?? t.identity) : undefined
        if (t.existing && !values) t.credentials.push({appId: state.appId, name: '', action: 'values needed'})
        else {
          const plan = fixups.planCredential(appId, connector, values)
          credentialPlans.push({...plan, connector})
          t.credentials.push({appId: plan.appId, name: plan.name, action: plan.action, ...(plan.existingName ? {existingName: plan.existingName} : {})})
          if (plan.action !== 'present') writes(appId, t)
        }
      }
      if (t.auth.perConnectorRedirect) {
        const url = t.existing?.redirectUrl
        const action = !url ? 'after import' : fixups.hasRedirectUri(appId, url) ? 'present' : 'add'
        t.redirectUris.push({appId: state.appId, ...(url ? {url} : {}), action})
        if (action !== 'present') writes(appId, t)
      }
    }
  }
  const catalog = new ConnectorCatalog(session)
  catalog.add(env.environmentId, known)
  const problems = await fixups.problems(credentialPlans, writesTo, async (appId) => (await catalog.stale(fixups.app(appId).credentials)).map((s) => `${s.name} (${s.reason}: ${s.connector})`), env.ref)
  const apps: AppPlan[] = [...fixups.apps.values()]
    .filter((a) => a.status === 'ok')
    .map((a) => {
      const credentials = targets.flatMap((t) => t.credentials.filter((c) => c.appId === a.appId))
      const redirects = targets.flatMap((t) => t.redirectUris.filter((r) => r.appId === a.appId))
      return {
        appId: a.appId,
        ...(a.displayName ? {displayName: a.displayName} : {}),
        credentials: {existing: a.credentials.length, create: credentials.filter((c) => c.action === 'create').length, update: credentials.filter((c) => c.action === 'update').length, limit: credentialLimit},
        redirectUris: {add: [...new Set(redirects.filter((r) => r.action === 'add').map((r) => r.url!))], afterImport: redirects.filter((r) => r.action === 'after import').length},
      }
    })
  const changes = apps.reduce((n, a) => n + a.credentials.create + a.credentials.update + a.redirectUris.add.length + a.redirectUris.afterImport, 0)
  return {fixups, problems, writesTo, apps, changes}
}

/**
 * Right before the first write: may the caller change the client apps? Graph has no read-only way to ask, so
 * each app gets an empty PATCH (which changes nothing); a 403 stops the run with nothing written.
 */
export async function writeAccessProblems(planning: Pick<FixupPlanning, 'fixups' | 'writesTo'>, environmentRef: string): Promise<BlockingProblem[]> {
  const {fixups, writesTo} = planning
  await Promise.all([...writesTo.keys()].map((appId) => fixups.probeWrite(appId)))
  return fixups.problems([], new Map([...writesTo].filter(([appId]) => fixups.app(appId).status === 'forbidden')), async () => [], environmentRef)
}

export interface AppliedCredential {
  appId: string
  name: string
  action: 'created' | 'updated' | 'unchanged'
}

/**
 * The credentials of one connector, now that it exists: its issuer and subject (from the platform, else
 * pasted) on each client app. Throws a CcError naming what is missing or what Graph refused.
 */
export async function applyCredentials(fixups: IdentityFixups, target: FixupTarget, connector: {name?: string; environmentId: string; managedIdentity?: IdentityValues}): Promise<AppliedCredential[]> {
  if (!target.auth.managedIdentity) return []
  const values = connector.managedIdentity ?? target.identity
  if (!values) {
    throw new CcError(`the platform did not return the managed identity's issuer and subject of ${target.displayName}; pass them as shown in the portal (--issuer and --subject, or --identity-file).`, {code: 'MANAGED_IDENTITY_UNKNOWN'})
  }
  if (!connector.name) throw new CcError(`the runtime connector of ${target.displayName} is not provisioned yet; run the command again in a minute.`, {code: 'CONNECTOR_NOT_PROVISIONED'})
  const done: AppliedCredential[] = []
  for (const appId of target.auth.clientIds) {
    try {
      done.push({appId: fixups.app(appId).appId, ...(await fixups.ensureCredential(appId, {name: connector.name, displayName: target.displayName, environmentId: connector.environmentId}, values))})
    } catch (error) {
      throw new CcError(`the federated credential could not be written on application ${appId}: ${error instanceof Error ? error.message : String(error)}`, {code: (error as {code?: string}).code ?? 'CREDENTIAL_WRITE_FAILED', cause: error})
    }
  }
  return done
}

/**
 * Redirect URIs gathered from many connectors, added per app in one write each (after the connectors exist);
 * `add` registers a connector's URL, `flush` writes and reports, per registration, added or present.
 */
export class RedirectBatch<T> {
  private readonly byApp = new Map<string, Map<string, T[]>>()

  add(appId: string, url: string, owner: T): void {
    const byUrl = this.byApp.get(appId.toLowerCase()) ?? new Map<string, T[]>()
    byUrl.set(url, [...(byUrl.get(url) ?? []), owner])
    this.byApp.set(appId.toLowerCase(), byUrl)
  }

  get size(): number {
    return this.byApp.size
  }

  async flush(fixups: IdentityFixups, report: (owner: T, step: {appId: string; url: string; action: 'added' | 'present'} | {appId: string; error: unknown}) => void): Promise<void> {
    await Promise.all(
      [...this.byApp].map(async ([appId, byUrl]) => {
        try {
          const added = new Set(await fixups.ensureRedirectUris(appId, [...byUrl.keys()]))
          for (const [url, owners] of byUrl) for (const owner of owners) report(owner, {appId: fixups.app(appId).appId, url, action: added.has(url) ? 'added' : 'present'})
        } catch (error) {
          for (const owners of byUrl.values()) for (const owner of owners) report(owner, {appId, error})
        }
      }),
    )
  }
}
