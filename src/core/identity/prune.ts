import type {CoreContext} from '../context.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {withSession} from '../environments/session.js'
import {UsageError} from '../errors.js'
import {authSummary} from '../transfer/auth-kind.js'
import {confirmChanges} from '../transfer/import.js'
import {quietContext} from '../transfer/inventory.js'
import {IdentityFixups, problemsError} from './fixups.js'
import {writeAccessProblems} from './plan-fixups.js'
import {ConnectorCatalog, type StaleCredential} from './stale.js'

export interface PruneOptions extends EnvironmentRequest {
  /** Client apps (application ids) to prune; default: the client apps of the custom connectors of --env. */
  apps?: string[]
  plan?: boolean
  yes?: boolean
  confirm?: (result: PruneResult) => Promise<boolean>
}

export interface PrunedApp {
  appId: string
  displayName?: string
  /** Federated credentials on the app before pruning. */
  credentials: number
  stale: StaleCredential[]
  removed: string[]
}

export interface PruneResult {
  applied: boolean
  apps: PrunedApp[]
  removed: number
}

/**
 * Removes the federated credentials cc wrote whose connector no longer exists in its environment, or was
 * re-created there (its managed identity changed): the ones that count towards Graph's limit of 20 for
 * nothing. Credentials anyone else wrote, and those of environments cc cannot read, are left alone.
 */
export async function pruneCredentials(options: PruneOptions, ctx: CoreContext): Promise<PruneResult> {
  return withSession(options, quietContext(ctx), async (session) => {
    const env = await session.environment()
    let apps = (options.apps ?? []).map((a) => a.trim().toLowerCase()).filter(Boolean)
    if (apps.length === 0) {
      ctx.reporter.step(`Finding the client apps of the connectors of ${env.displayName ?? env.environmentId}`)
      const registrations = await session.powerApps.listConnectors(env.environmentId, {customOnly: true})
      apps = [...new Set(registrations.flatMap((r) => authSummary({properties: {connectionParameters: (r.properties?.connectionParameters ?? {}) as never}}).clientIds))]
      if (apps.length === 0) throw new UsageError(`No connector of ${env.displayName ?? env.environmentId} names a client app; say which with --app.`, {code: 'USAGE', suggestions: ['cc identity prune --app <application (client) id>']})
    }
    const fixups = new IdentityFixups(session.graph, session.cloud.tokenExchangeAudience)
    ctx.reporter.step('Reading the federated credentials')
    await fixups.load(apps)
    const unreadable = new Map([...fixups.apps.values()].filter((a) => a.status !== 'ok').map((a) => [a.appId, new Set<string>()]))
    if (unreadable.size > 0) throw problemsError(await fixups.problems([], unreadable, async () => [], env.ref))
    const catalog = new ConnectorCatalog(session)
    const result: PruneResult = {applied: false, apps: [], removed: 0}
    for (const appId of apps) {
      const state = fixups.app(appId)
      result.apps.push({appId: state.appId, ...(state.displayName ? {displayName: state.displayName} : {}), credentials: state.credentials.length, stale: await catalog.stale(state.credentials), removed: []})
    }
    const changes = result.apps.reduce((n, a) => n + a.stale.length, 0)
    if (options.plan || changes === 0) return result
    const {confirm} = options
    await confirmChanges(changes, 'Pruning', `${result.apps.filter((a) => a.stale.length > 0).length} client app(s)`, {...(options.yes ? {yes: true} : {}), ...(confirm ? {ask: () => confirm(result)} : {})}, ctx, `cc identity prune${options.apps?.length ? options.apps.map((a) => ` --app ${a}`).join('') : ''} --env ${env.ref}`)
    const writesTo = new Map(result.apps.filter((a) => a.stale.length > 0).map((a) => [a.appId.toLowerCase(), new Set<string>()]))
    const forbidden = await writeAccessProblems({fixups, writesTo}, env.ref)
    if (forbidden.length > 0) throw problemsError(forbidden)
    for (const app of result.apps) {
      for (const stale of app.stale) {
        await fixups.deleteCredential(app.appId, stale.name)
        app.removed.push(stale.name)
        result.removed++
      }
    }
    result.applied = true
    return result
  })
}
