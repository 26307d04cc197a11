import type {FederatedIdentityCredential, GraphClient} from '../clients/graph.js'
import {ApiError, CcError} from '../errors.js'
import {KeyedQueue} from '../transfer/pool.js'
import {credentialDescription, credentialLimit, credentialName, credentialOwner} from './credential-names.js'

/**
 * The per-environment identity fix-ups of connectors on their client apps, through Microsoft Graph: one federated
 * identity credential per managed-identity connector (its issuer and subject, as the platform shows them) and
 * the connector's per-connector redirect URL in `web.redirectUris`.
 *
 * `load` reads every app once (its credentials and redirect URIs); `plan*` decide what would change without
 * writing; `problems` lists what must stop the run before anything is written (a missing app, no permission, a
 * name taken by someone else's credential, the limit of 20 credentials). Writes for one app run one at a time
 * (Graph answers 409 to concurrent writes under one parent), and each is idempotent: a credential with the same
 * issuer and subject counts as done, whatever its name.
 */
export interface AppState {
  appId: string
  status: 'ok' | 'missing' | 'forbidden'
  displayName?: string
  redirectUris: string[]
  credentials: FederatedIdentityCredential[]
  /** The service's message when the app could not be read. */
  detail?: string
}

export interface ConnectorIdentity {
  /** Power Apps name in the environment, when the connector exists there. */
  name?: string
  displayName: string
  environmentId: string
}

export type CredentialAction = 'present' | 'create' | 'update'

export interface CredentialPlan {
  appId: string
  name: string
  action: CredentialAction
  /** The name of the credential that already has this issuer and subject (when present under another name). */
  existingName?: string
}

/** Something that stops a run before it writes anything. */
export interface BlockingProblem {
  code: string
  message: string
  suggestions: string[]
  appId?: string
}

export class IdentityFixups {
  readonly apps = new Map<string, AppState>()
  private readonly queue = new KeyedQueue()

  constructor(
    readonly graph: GraphClient,
    /** The token-exchange audience of the cloud (`api://AzureADTokenExchange` in the public cloud). */
    readonly audience: string,
  ) {}

  /** Reads the apps (concurrently; each app once). A missing app or a 403 is recorded, not thrown. */
  async load(appIds: Iterable<string>): Promise<void> {
    const wanted = [...new Set([...appIds].map((id) => id.toLowerCase()))].filter((id) => !this.apps.has(id))
    await Promise.all(wanted.map(async (appId) => this.apps.set(appId, await this.read(appId))))
  }

  app(appId: string): AppState {
    const state = this.apps.get(appId.toLowerCase())
    if (!state) throw new Error(`app ${appId} was not loaded`)
    return state
  }

  private async read(appId: string): Promise<AppState> {
    try {
      const app = await this.graph.getApplication(appId)
      if (!app) return {appId, status: 'missing', redirectUris: [], credentials: []}
      const credentials = await this.graph.listFederatedCredentials(appId)
      return {appId, status: 'ok', ...(app.displayName ? {displayName: app.displayName} : {}), redirectUris: [...(app.web?.redirectUris ?? [])], credentials}
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) return {appId, status: 'forbidden', redirectUris: [], credentials: [], detail: error.message}
      throw error
    }
  }

  /**
   * Checks, without changing anything, that the caller may write to the app: an empty PATCH of the application
   * (Graph checks permissions and changes nothing). A 403 is recorded on the app.
   */
  async probeWrite(appId: string): Promise<void> {
    const state = this.app(appId)
    if (state.status !== 'ok') return
    try {
      await this.graph.http.request({method: 'PATCH', path: `v1.0/applications(appId='${encodeURIComponent(state.appId)}')`, json: {}, purpose: `checking write access to application ${state.appId}`})
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        state.status = 'forbidden'
        state.detail = error.message
        return
      }
      throw error
    }
  }

  /**
   * What writing the credential of a connector would do. `values` are the connector's issuer and subject when
   * it exists already; a connector created by this run has new ones, which no credential can have yet.
   */
  planCredential(appId: string, connector: ConnectorIdentity, values: {issuer: string; subject: string} | undefined): CredentialPlan {
    const state = this.app(appId)
    const name = credentialName(connector.displayName, connector.environmentId)
    const same = values ? state.credentials.find((c) => c.issuer === values.issuer && c.subject === values.subject) : undefined
    if (same) return {appId: state.appId, name, action: 'present', ...(same.name === name ? {} : {existingName: same.name})}
    return {appId: state.appId, name, action: state.credentials.some((c) => c.name === name) ? 'update' : 'create'}
  }

  /** Whether a redirect URL is on the app already. */
  hasRedirectUri(appId: string, url: string): boolean {
    return this.app(appId).redirectUris.includes(url)
  }

  /**
   * What must stop the run before any write: apps that do not exist or cannot be written, credential names
   * that someone else's credential holds (or that two connectors would share), and apps that would pass the
   * limit of 20 credentials. `writesTo` maps the apps to be written to the connectors that use them; `stale`
   * names the credentials cc created whose connector is gone or was re-created.
   */
  async problems(plans: Array<CredentialPlan & {connector: ConnectorIdentity}>, writesTo: ReadonlyMap<string, ReadonlySet<string>>, stale: (appId: string) => Promise<string[]>, environmentRef: string): Promise<BlockingProblem[]> {
    const problems: BlockingProblem[] = []
    for (const [appId, users] of writesTo) {
      const state = this.app(appId)
      const whose = users.size > 0 ? ` (client app of ${[...users].join(', ')})` : ''
      if (state.status === 'missing') {
        problems.push({
          code: 'CLIENT_APP_NOT_FOUND',
          appId: state.appId,
          message: `There is no application ${state.appId} in the tenant${whose}.`,
          suggestions: [`Create it: cc entra app create --connector <folder> --env ${environmentRef}`, `or set the right client id for this environment: parameters.clientId of environments.${environmentRef} in cc.yaml`],
        })
      } else if (state.status === 'forbidden') {
        problems.push({
          code: 'GRAPH_FORBIDDEN',
          appId: state.appId,
          message: `Microsoft Graph refused access to application ${state.appId}${whose}: ${state.detail ?? '403 Forbidden'}`,
          suggestions: [
            'Sign in as an owner of the app, an Application Administrator or a Cloud Application Administrator (delegated Application.ReadWrite.All), or use a service principal with Application.ReadWrite.All (or Application.ReadWrite.OwnedBy and ownership of the app).',
            '--skip-identity imports the connectors and leaves the credentials and redirect URIs to be set up by someone who may.',
          ],
        })
      }
    }
    const byApp = new Map<string, Array<CredentialPlan & {connector: ConnectorIdentity}>>()
    for (const plan of plans) byApp.set(plan.appId.toLowerCase(), [...(byApp.get(plan.appId.toLowerCase()) ?? []), plan])
    for (const [appId, appPlans] of byApp) {
      const state = this.app(appId)
      if (state.status !== 'ok') continue
      const seen = new Map<string, ConnectorIdentity>()
      for (const plan of appPlans) {
        const other = seen.get(plan.name)
        if (other && other.displayName !== plan.connector.displayName) {
          problems.push({
            code: 'CREDENTIAL_NAME_COLLISION',
            appId: state.appId,
            message: `"${other.displayName}" and "${plan.connector.displayName}" would both need the federated credential ${plan.name} on application ${state.appId}.`,
            suggestions: ['Give one of the connectors a distinct display name (names differing only in punctuation map to the same credential name).'],
          })
        }
        seen.set(plan.name, plan.connector)
        if (plan.action !== 'update') continue
        const holder = state.credentials.find((c) => c.name === plan.name)!
        const owner = credentialOwner(holder.description)
        if (!owner || owner.environmentId.toLowerCase() !== plan.connector.environmentId.toLowerCase()) {
          problems.push({
            code: 'CREDENTIAL_NAME_COLLISION',
            appId: state.appId,
            message: `Application ${state.appId} has a federated credential named ${plan.name} that cc did not write for "${plan.connector.displayName}" in this environment (issuer ${holder.issuer}, subject ${holder.subject}); cc will not overwrite it.`,
            suggestions: ['Rename or delete that credential in the Entra admin center (credential names cannot change), or rename the connector.'],
          })
        }
      }
      const creates = appPlans.filter((p) => p.action === 'create').length
      if (state.credentials.length + creates > credentialLimit) {
        const staleNames = await stale(state.appId)
        problems.push({
          code: 'CREDENTIAL_LIMIT',
          appId: state.appId,
          message:
            `Application ${state.appId}${state.displayName ? ` (${state.displayName})` : ''} has ${state.credentials.length} federated credentials and needs ${creates} more, past Microsoft Graph's limit of ${credentialLimit} per app. Nothing was changed. ` +
            (staleNames.length > 0 ? `Stale credentials cc created (connector deleted or re-created): ${staleNames.join(', ')}.` : 'None of its credentials is a stale one of cc.'),
          suggestions: [
            ...(staleNames.length > 0 ? [`cc identity prune --app ${state.appId} --env ${environmentRef}   (removes only those stale credentials)`] : []),
            'Use another client app for some connectors (parameters.clientId per connector in cc.yaml): the limit of 20 cannot be raised.',
          ],
        })
      }
    }
    return problems
  }

  /**
   * Makes sure the app has a federated credential for the connector's issuer and subject: present (under any
   * name) counts as done; otherwise created or updated by its deterministic name with `Prefer: create-if-missing`.
   * One write per app at a time. Returns what it did and the name of the credential.
   */
  async ensureCredential(appId: string, connector: ConnectorIdentity & {name: string}, values: {issuer: string; subject: string}): Promise<{action: 'created' | 'updated' | 'unchanged'; name: string}> {
    return this.queue.run(appId.toLowerCase(), async () => {
      const state = this.app(appId)
      const name = credentialName(connector.displayName, connector.environmentId)
      const same = state.credentials.find((c) => c.issuer === values.issuer && c.subject === values.subject)
      if (same) return {action: 'unchanged' as const, name: same.name}
      const holder = state.credentials.find((c) => c.name === name)
      const owner = holder ? credentialOwner(holder.description) : undefined
      if (holder && (!owner || owner.environmentId.toLowerCase() !== connector.environmentId.toLowerCase())) {
        throw new CcError(`Application ${state.appId} has a federated credential named ${name} that cc did not write for this connector; cc will not overwrite it.`, {
          code: 'CREDENTIAL_NAME_COLLISION',
          suggestions: ['Rename or delete that credential in the Entra admin center, or rename the connector.'],
        })
      }
      if (!holder && state.credentials.length >= credentialLimit) {
        throw new CcError(`Application ${state.appId} has reached Microsoft Graph's limit of ${credentialLimit} federated credentials.`, {
          code: 'CREDENTIAL_LIMIT',
          suggestions: [`cc identity prune --app ${state.appId}   (removes stale credentials cc created)`],
        })
      }
      const credential: FederatedIdentityCredential = {name, issuer: values.issuer, subject: values.subject, audiences: [this.audience], description: credentialDescription(connector)}
      try {
        await this.graph.upsertFederatedCredential(state.appId, credential)
      } catch (error) {
        // A duplicate (by name or by issuer and subject) written meanwhile: read again and settle.
        if (!(error instanceof ApiError) || !(error.status === 409 || error.serviceCode === 'InvalidFederatedIdentityCredentialValue')) throw error
        state.credentials = await this.graph.listFederatedCredentials(state.appId)
        const now = state.credentials.find((c) => c.issuer === values.issuer && c.subject === values.subject)
        if (now) return {action: 'unchanged' as const, name: now.name}
        throw error
      }
      state.credentials = [...state.credentials.filter((c) => c.name !== name), credential]
      return {action: holder ? ('updated' as const) : ('created' as const), name}
    })
  }

  /** Adds redirect URIs to the app's web platform, keeping the ones it has (read again right before the write). */
  async ensureRedirectUris(appId: string, urls: readonly string[]): Promise<string[]> {
    return this.queue.run(appId.toLowerCase(), async () => {
      const state = this.app(appId)
      const app = await this.graph.getApplication(state.appId)
      if (!app) throw new CcError(`Application ${state.appId} no longer exists.`, {code: 'CLIENT_APP_NOT_FOUND'})
      const current = [...(app.web?.redirectUris ?? [])]
      const missing = [...new Set(urls)].filter((u) => !current.includes(u))
      if (missing.length > 0) await this.graph.setRedirectUris(state.appId, [...current, ...missing])
      state.redirectUris = [...current, ...missing]
      return missing
    })
  }

  /** Deletes a credential (one write per app at a time). */
  async deleteCredential(appId: string, name: string): Promise<boolean> {
    return this.queue.run(appId.toLowerCase(), async () => {
      const state = this.app(appId)
      const deleted = await this.graph.deleteFederatedCredential(state.appId, name)
      state.credentials = state.credentials.filter((c) => c.name !== name)
      return deleted
    })
  }
}

/** Turns the problems of a plan into one error (the first problem's code; every problem in the message). */
export function problemsError(problems: BlockingProblem[]): CcError {
  const first = problems[0]!
  const message = problems.length === 1 ? first.message : `Nothing was changed, because:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`
  return new CcError(message, {code: first.code, suggestions: [...new Set(problems.flatMap((p) => p.suggestions))], data: {problems: problems.map(({code, appId, message}) => ({code, ...(appId ? {appId} : {}), message}))}})
}
