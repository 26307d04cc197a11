import type {ApiProperties} from '../connector/types.js'
import type {CoreContext} from '../context.js'
import {parametersFor} from '../environments/project-environments.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {withSession} from '../environments/session.js'
import {isCcError} from '../errors.js'
import {folderNameFor} from '../pull/pull.js'
import {type AuthKind, authSummary} from '../transfer/auth-kind.js'
import {confirmChanges} from '../transfer/import.js'
import {environmentConnectors, quietContext, selectConnectors} from '../transfer/inventory.js'
import {defaultConcurrency, runPool} from '../transfer/pool.js'
import {resolveSecrets, type SecretSources} from '../transfer/secrets.js'
import {problemsError} from './fixups.js'
import {overrideFor, readIdentityOverrides} from './identity-values.js'
import {type AppliedCredential, type AppPlan, applyCredentials, type CredentialStep, type FixupTarget, planIdentityFixups, RedirectBatch, type RedirectStep, writeAccessProblems} from './plan-fixups.js'
import {applyRuntimeSecret} from './runtime-secret.js'

export interface SyncOptions extends EnvironmentRequest {
  /** Only these connectors (Power Apps name, Dataverse id, logical or display name); default every OAuth connector. */
  connectors?: string[]
  plan?: boolean
  yes?: boolean
  confirm?: (plan: SyncPlan) => Promise<boolean>
  secrets?: SecretSources
  issuer?: string
  subject?: string
  identityFile?: string
  concurrency?: number
}

export interface SyncConnectorPlan {
  displayName: string
  name?: string
  auth: AuthKind
  secret: 'send' | 'kept' | 'not needed'
  credentials: CredentialStep[]
  redirectUris: RedirectStep[]
}

export interface SyncPlan {
  environment: {ref: string; environmentId: string; displayName?: string; cloud: string}
  connectors: SyncConnectorPlan[]
  apps: AppPlan[]
  changes: number
}

export interface SyncedConnector {
  displayName: string
  name?: string
  auth: AuthKind
  status: 'changed' | 'unchanged' | 'failed'
  reason?: string
  code?: string
  secret: 'sent' | 'kept by the service' | 'not needed'
  credentials: AppliedCredential[]
  redirectUris: Array<{appId: string; url: string; action: 'added' | 'present'}>
}

export interface SyncResult {
  applied: boolean
  plan: SyncPlan
  connectors: SyncedConnector[]
  counts: {changed: number; unchanged: number; failed: number}
}

/**
 * The per-environment fix-ups alone, for connectors already in an environment (after a solution import, a
 * push, or to repair): their managed identity as a federated credential on the client app, their redirect URL
 * in the app's redirect URIs, and OAuth client secrets when given. Same plan, checks and confirmation as
 * cc import. The client app is the connector's client id, else `parameters.clientId` of the environment in
 * cc.yaml.
 */
export async function syncIdentity(options: SyncOptions, ctx: CoreContext): Promise<SyncResult> {
  const secrets = resolveSecrets(options.secrets, ctx.env)
  const overrides =
    options.issuer !== undefined || options.subject !== undefined || options.identityFile
      ? await readIdentityOverrides({...(options.issuer !== undefined ? {issuer: options.issuer} : {}), ...(options.subject !== undefined ? {subject: options.subject} : {}), ...(options.identityFile ? {file: options.identityFile} : {})}, ctx.cwd)
      : undefined
  const quiet = quietContext(ctx)
  return withSession(options, quiet, async (session) => {
    const env = await session.environment()
    ctx.reporter.step(`Reading the connectors of ${env.displayName ?? env.environmentId}`)
    const all = await environmentConnectors(session, env, {dataverse: false})
    const wanted = options.connectors?.filter((c) => c.trim() !== '') ?? []
    const selected = wanted.length > 0 ? selectConnectors(all, wanted, env, `cc identity sync --env ${env.ref}`) : all
    const items = selected.map((c) => {
      const props = c.registration?.properties
      const apiProperties: ApiProperties = {properties: {connectionParameters: (props?.connectionParameters ?? {}) as never, ...(props?.connectionParameterSets ? {connectionParameterSets: props.connectionParameterSets as never} : {})}}
      const auth = authSummary(apiProperties)
      const fromProject = parametersFor(session.choice.config, folderNameFor(c.displayName)).clientId
      if (auth.clientIds.length === 0 && fromProject && (auth.managedIdentity || auth.perConnectorRedirect)) auth.clientIds = [fromProject.toLowerCase()]
      const secret = auth.needsSecret ? secrets.for(folderNameFor(c.displayName), c.displayName) : undefined
      const pasted = overrideFor(overrides, [c.name, c.displayName, folderNameFor(c.displayName)]) ?? (overrides?.single && selected.length === 1 ? overrides.single : undefined)
      const target: FixupTarget = {
        displayName: c.displayName,
        auth,
        existing: {...(c.name ? {name: c.name} : {}), ...(c.managedIdentity ? {managedIdentity: c.managedIdentity} : {}), ...(c.redirectUrl ? {redirectUrl: c.redirectUrl} : {})},
        ...(pasted ? {identity: pasted} : {}),
        credentials: [],
        redirectUris: [],
      }
      return {connector: c, target, secret}
    })
    const relevant = wanted.length > 0 ? items : items.filter((i) => i.target.auth.managedIdentity || i.target.auth.perConnectorRedirect || i.secret)
    const planning = await planIdentityFixups(session, env, relevant.map((i) => i.target), new Map(all.filter((c) => c.name).map((c) => [c.name!.toLowerCase(), c.managedIdentity])))
    if (planning.problems.length > 0) throw problemsError(planning.problems)
    const plan: SyncPlan = {
      environment: {ref: env.ref, environmentId: env.environmentId, ...(env.displayName ? {displayName: env.displayName} : {}), cloud: env.cloud},
      connectors: relevant.map(({connector, target, secret}) => ({
        displayName: connector.displayName,
        ...(connector.name ? {name: connector.name} : {}),
        auth: target.auth.kind,
        secret: secret ? 'send' : target.auth.needsSecret ? 'kept' : 'not needed',
        credentials: target.credentials,
        redirectUris: target.redirectUris,
      })),
      apps: planning.apps,
      changes: planning.changes + relevant.filter((i) => i.secret).length,
    }
    if (options.plan) return {applied: false, plan, connectors: [], counts: {changed: 0, unchanged: 0, failed: 0}}
    const {confirm} = options
    await confirmChanges(plan.changes, 'Syncing', env.displayName ?? env.environmentId, {...(options.yes ? {yes: true} : {}), ...(confirm ? {ask: () => confirm(plan)} : {})}, ctx, `cc identity sync --env ${env.ref}`)
    const forbidden = await writeAccessProblems(planning, env.ref)
    if (forbidden.length > 0) throw problemsError(forbidden)

    const redirects = new RedirectBatch<SyncedConnector>()
    const settled = await runPool(
      relevant,
      options.concurrency ?? defaultConcurrency,
      async ({connector, target, secret}) => {
        const result: SyncedConnector = {
          displayName: connector.displayName,
          ...(connector.name ? {name: connector.name} : {}),
          auth: target.auth.kind,
          status: 'unchanged',
          secret: target.auth.needsSecret ? 'kept by the service' : 'not needed',
          credentials: [],
          redirectUris: [],
        }
        try {
          if (secret && connector.name) {
            await applyRuntimeSecret(session, env, connector.name, secret.value)
            result.secret = 'sent'
          }
          result.credentials.push(...(await applyCredentials(planning.fixups, target, {...(connector.name ? {name: connector.name} : {}), environmentId: env.environmentId, ...(connector.managedIdentity ? {managedIdentity: connector.managedIdentity} : {})})))
        } catch (error) {
          return {...result, status: 'failed' as const, reason: error instanceof Error ? error.message : String(error), ...(isCcError(error) ? {code: error.code} : {})}
        }
        if (target.auth.perConnectorRedirect && connector.redirectUrl) for (const appId of target.auth.clientIds) redirects.add(appId, connector.redirectUrl, result)
        return result
      },
      {...(ctx.signal ? {signal: ctx.signal} : {}), onSettled: (done, total) => ctx.reporter.progress(done, total, 'Synced')},
    )
    const connectors = settled.map((s, i): SyncedConnector => {
      if (s.status === 'fulfilled') return s.value
      const {connector, target} = relevant[i]!
      return {displayName: connector.displayName, auth: target.auth.kind, status: 'failed', reason: s.reason instanceof Error ? s.reason.message : String(s.reason), secret: 'not needed', credentials: [], redirectUris: []}
    })
    await redirects.flush(planning.fixups, (c, step) => {
      if ('error' in step) {
        c.status = 'failed'
        c.reason = `the redirect URI could not be added to application ${step.appId}: ${step.error instanceof Error ? step.error.message : String(step.error)}`
      } else c.redirectUris.push(step)
    })
    for (const c of connectors) {
      if (c.status === 'failed') continue
      if (c.secret === 'sent' || c.credentials.some((x) => x.action !== 'unchanged') || c.redirectUris.some((r) => r.action === 'added')) c.status = 'changed'
    }
    return {
      applied: true,
      plan,
      connectors,
      counts: {changed: connectors.filter((c) => c.status === 'changed').length, unchanged: connectors.filter((c) => c.status === 'unchanged').length, failed: connectors.filter((c) => c.status === 'failed').length},
    }
  })
}
