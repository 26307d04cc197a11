import type {CoreContext} from '../context.js'
import {AuthRequiredError, CcError, type ApiError} from '../errors.js'
import {openTokenSource, type TokenSource} from '../auth/token-source.js'
import {BapClient, FlowClient, type PlatformEnvironment} from '../clients/environments-api.js'
import {DataverseClient} from '../clients/dataverse.js'
import {GraphClient} from '../clients/graph.js'
import {envNumber, HttpClient, httpDebugEnabled} from '../clients/http.js'
import {PowerAppsClient} from '../clients/powerapps-rp.js'
import {type Cloud, clouds, dataverseAudience, defaultScope, localCloud} from './clouds.js'
import {connectEmulator, type EmulatorHandle} from './emulator.js'
import type {PushTarget} from './project-environments.js'
import {chooseEnvironment, type EnvironmentChoice, type EnvironmentRequest, loginCommandFor} from './resolve.js'

/**
 * Everything a command needs to talk to one environment: the cloud, a token source, typed clients for each
 * service, and the environment's details (looked up once, when first needed). For `local`, the session also
 * holds the emulator it found or started, and `close()` stops one it started.
 */
export interface ResolvedEnvironment {
  ref: string
  alias?: string
  cloud: Cloud['name']
  /** The platform's environment name (`Default-<tenant>` or a GUID). */
  environmentId: string
  displayName?: string
  isDefault?: boolean
  tenantId?: string
  dataverseUrl?: string
  solution?: string
  publisherPrefix?: string
  target?: PushTarget
  /** The emulator's URL for local environments. */
  emulatorUrl?: string
}

/** How a result names the environment it worked on (the same object in every command's --json). */
export interface EnvironmentSummary {
  ref: string
  alias?: string
  id: string
  displayName?: string
  cloud: string
}

export function environmentSummary(env: ResolvedEnvironment): EnvironmentSummary {
  return {ref: env.ref, ...(env.alias ? {alias: env.alias} : {}), id: env.environmentId, ...(env.displayName ? {displayName: env.displayName} : {}), cloud: env.cloud}
}

export interface Session {
  choice: EnvironmentChoice
  cloud: Cloud
  tokens: TokenSource
  /** The `cc login …` that fixes a sign-in problem for this environment. */
  loginCommand: string
  /** Resolves the environment (id, display name, Dataverse URL) once. */
  environment(): Promise<ResolvedEnvironment>
  powerApps: PowerAppsClient
  bap: BapClient
  flow: FlowClient
  graph: GraphClient
  /** For SAS URLs (blob upload and download): no token. */
  storage: HttpClient
  /** The Dataverse client of the environment's organisation (throws when it has none). */
  dataverse(): Promise<DataverseClient>
  close(): Promise<void>
}

export interface SessionOptions extends EnvironmentRequest {
  /** Replaces global fetch (tests that count requests). */
  fetch?: typeof fetch
}

export async function openSession(options: SessionOptions, ctx: CoreContext): Promise<Session> {
  const choice = await chooseEnvironment(options, ctx)
  let emulator: EmulatorHandle | undefined
  if (choice.cloud === 'local') emulator = await connectEmulator(ctx)
  try {
    return await buildSession(choice, emulator, options, ctx)
  } catch (error) {
    await emulator?.close()
    throw error
  }
}

/** Runs `fn` with a session and always closes it. */
export async function withSession<T>(options: SessionOptions, ctx: CoreContext, fn: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(options, ctx)
  try {
    return await fn(session)
  } finally {
    await session.close()
  }
}

async function buildSession(choice: EnvironmentChoice, emulator: EmulatorHandle | undefined, options: SessionOptions, ctx: CoreContext): Promise<Session> {
  const base = emulator ? localCloud(emulator.url) : clouds[choice.cloud as Exclude<Cloud['name'], 'local'>]
  const cloud: Cloud = {...base, ...choice.config?.services}
  const loginCommand = loginCommandFor(choice)
  const tokens = await openTokenSource({
    cloud,
    ...(choice.tenant ? {tenant: choice.tenant} : {}),
    configDir: ctx.configDir,
    env: ctx.env,
    ...(emulator ? {emulatorUrl: emulator.url} : {}),
    loginCommand,
    ...(options.fetch ? {fetch: options.fetch} : {}),
  })
  const debug = httpDebugEnabled(ctx.env)
  const timeoutMs = envNumber(ctx.env, 'CC_HTTP_TIMEOUT_MS')
  const retries = envNumber(ctx.env, 'CC_HTTP_RETRIES')
  const client = (service: string, baseUrl: string, scope?: string) =>
    new HttpClient({
      service,
      baseUrl,
      ...(scope ? {token: async () => (await tokens.getToken(scope)).token} : {}),
      onUnauthorized: (error) => unauthorized(error, loginCommand),
      reporter: ctx.reporter,
      debug,
      ...(ctx.signal ? {signal: ctx.signal} : {}),
      ...(timeoutMs === undefined ? {} : {timeoutMs}),
      ...(retries === undefined ? {} : {retries}),
      ...(options.fetch ? {fetch: options.fetch} : {}),
    })
  const powerAppsScope = defaultScope(cloud.audiences.powerApps)
  const bap = new BapClient(client('Power Platform (BAP)', cloud.bapUrl, powerAppsScope))
  const powerApps = new PowerAppsClient(client('Power Apps', cloud.powerAppsUrl, powerAppsScope))
  const flow = new FlowClient(client('Power Automate', cloud.flowUrl, defaultScope(cloud.audiences.flow)))
  const graph = new GraphClient(client('Microsoft Graph', cloud.graphUrl, defaultScope(cloud.audiences.graph)))
  const storage = client('Blob storage', cloud.powerAppsUrl)

  let resolved: Promise<ResolvedEnvironment> | undefined
  const environment = () => (resolved ??= resolveEnvironment(choice, bap, emulator, tokens))
  let dataverse: DataverseClient | undefined
  return {
    choice,
    cloud,
    tokens,
    loginCommand,
    environment,
    powerApps,
    bap,
    flow,
    graph,
    storage,
    async dataverse() {
      if (dataverse) return dataverse
      const env = await environment()
      if (!env.dataverseUrl) {
        throw new CcError(`Environment ${env.displayName ?? env.environmentId} has no Dataverse database (or its URL is not known).`, {
          code: 'NO_DATAVERSE',
          suggestions: [
            ...(choice.alias ? [`Add dataverseUrl: https://<org>.crm.dynamics.com to environments.${choice.alias} in ${choice.project?.path ?? 'cc.yaml'}.`] : []),
            'Use --target rp to work with the Power Apps resource provider instead.',
          ],
        })
      }
      const orgUrl = env.dataverseUrl.replace(/\/+$/, '')
      dataverse = new DataverseClient(client('Dataverse', orgUrl, defaultScope(dataverseAudience(orgUrl))), orgUrl)
      return dataverse
    },
    close: async () => {
      await emulator?.close()
    },
  }
}

async function resolveEnvironment(choice: EnvironmentChoice, bap: BapClient, emulator: EmulatorHandle | undefined, tokens: TokenSource): Promise<ResolvedEnvironment> {
  const config = choice.config
  const fromConfig = {
    ref: choice.ref,
    ...(choice.alias ? {alias: choice.alias} : {}),
    cloud: choice.cloud,
    ...(config?.solution ? {solution: config.solution} : {}),
    ...(config?.publisherPrefix ? {publisherPrefix: config.publisherPrefix} : {}),
    ...(config?.target ? {target: config.target} : {}),
    ...(config?.dataverseUrl ? {dataverseUrl: config.dataverseUrl} : {}),
    ...(tokens.tenantId ? {tenantId: tokens.tenantId} : choice.tenant ? {tenantId: choice.tenant} : {}),
    ...(emulator ? {emulatorUrl: emulator.url} : {}),
  }
  let found: PlatformEnvironment | undefined
  if (choice.kind === 'local' || choice.kind === 'name') {
    const all = await bap.listEnvironments()
    const wanted = choice.kind === 'local' ? choice.localName : choice.displayName
    found = pickEnvironment(all, wanted, choice)
  } else {
    try {
      found = await bap.getEnvironment(choice.environmentId!)
    } catch (error) {
      // Service principals often may not read BAP; the environment id from cc.yaml or --env is enough for connectors.
      if ((error as ApiError).status !== 403 && (error as ApiError).status !== 401) throw error
    }
    if (!found && !config) {
      throw new CcError(`There is no environment ${choice.environmentId} that the signed-in account can see.`, {
        code: 'ENVIRONMENT_NOT_FOUND',
        suggestions: ['cc env list   (lists the environments you can reach)', 'Check --cloud and --tenant for environments outside the public cloud.'],
      })
    }
  }
  const environmentId = found?.name ?? choice.environmentId!
  const dataverseUrl = fromConfig.dataverseUrl ?? found?.dataverseUrl ?? (emulator && found ? `${emulator.url}/dataverse/${found.name}` : undefined)
  return {
    ...fromConfig,
    environmentId,
    ...(found ? {displayName: found.displayName, isDefault: found.isDefault} : {}),
    ...(dataverseUrl ? {dataverseUrl} : {}),
  }
}

function pickEnvironment(all: PlatformEnvironment[], wanted: string | undefined, choice: EnvironmentChoice): PlatformEnvironment {
  if (wanted === undefined) {
    const preferred = all.find((e) => e.isDefault) ?? all[0]
    if (!preferred) throw new CcError('The emulator has no environments.', {code: 'ENVIRONMENT_NOT_FOUND', suggestions: ['cc emulator reset   (seeds it again)']})
    return preferred
  }
  const lower = wanted.toLowerCase()
  const byId = all.find((e) => e.name.toLowerCase() === lower)
  if (byId) return byId
  const byName = all.filter((e) => e.displayName.toLowerCase() === lower)
  if (byName.length === 1) return byName[0]!
  const names = all.map((e) => `${e.displayName} (${e.name})`).join(', ')
  if (byName.length > 1) {
    throw new CcError(`Several environments are called "${wanted}": ${byName.map((e) => e.name).join(', ')}.`, {code: 'ENVIRONMENT_AMBIGUOUS', suggestions: [`Pass the id: --env ${byName[0]!.name}`]})
  }
  throw new CcError(`No environment "${wanted}"${choice.cloud === 'local' ? ' in the emulator' : ''}. Known: ${names || 'none'}.`, {
    code: 'ENVIRONMENT_NOT_FOUND',
    suggestions: [choice.cloud === 'local' ? 'cc env list --env local' : 'cc env list --env <alias or id>'],
  })
}

function unauthorized(error: ApiError, loginCommand: string): CcError {
  const service = `${error.serviceCode ?? ''} ${error.message}`
  const code = /tenant|issuer/i.test(service) ? 'AUTH_WRONG_TENANT' : /expired/i.test(service) ? 'AUTH_EXPIRED' : 'AUTH_REJECTED'
  return new AuthRequiredError(error.message, {code, suggestions: [loginCommand], data: error.data ?? {}})
}
