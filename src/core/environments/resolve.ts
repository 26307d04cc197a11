import type {CoreContext} from '../context.js'
import {UsageError} from '../errors.js'
import {type CloudName, cloudNames, isCloudName} from './clouds.js'
import {type EnvironmentConfig, loadProjectEnvironments, type ProjectEnvironments} from './project-environments.js'

/**
 * Which environment a command means, decided without the network: `--env` (an alias from cc.yaml, an
 * environment id, a display name, or `local[:name]`), else `CC_ENV`, else cc.yaml's `defaultEnvironment`, else
 * `local` (the embedded emulator), so a fresh install works with no tenant at all.
 */
export interface EnvironmentRequest {
  /** The value of `--env` (the CLI fills it from CC_ENV as well). */
  env?: string
  /** Cloud for an environment given by id or display name (default: public, or CC_CLOUD). */
  cloud?: CloudName
  /** Tenant for an environment given by id or display name. */
  tenant?: string
}

export type EnvironmentKind = 'alias' | 'local' | 'id' | 'name'

export interface EnvironmentChoice {
  /** What was asked for, as typed. */
  ref: string
  source: 'option' | 'CC_ENV' | 'cc.yaml defaultEnvironment' | 'default'
  kind: EnvironmentKind
  alias?: string
  cloud: CloudName
  /** The platform's environment name, when known without a look-up. */
  environmentId?: string
  /** For `local:<name>` and local aliases: the emulator environment's name or display name. */
  localName?: string
  /** For a display name: what to look up. */
  displayName?: string
  tenant?: string
  config?: EnvironmentConfig
  project?: ProjectEnvironments
}

const environmentIdPattern = /^(default-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function looksLikeEnvironmentId(value: string): boolean {
  return environmentIdPattern.test(value)
}

export async function chooseEnvironment(request: EnvironmentRequest, ctx: Pick<CoreContext, 'cwd' | 'env'>): Promise<EnvironmentChoice> {
  const project = await loadProjectEnvironments(ctx.cwd)
  const fromOption = request.env?.trim()
  const fromEnv = ctx.env.CC_ENV?.trim()
  let ref: string
  let source: EnvironmentChoice['source']
  if (fromOption) {
    ref = fromOption
    source = fromOption === fromEnv ? 'CC_ENV' : 'option'
  } else if (fromEnv) {
    ref = fromEnv
    source = 'CC_ENV'
  } else if (project?.defaultEnvironment) {
    ref = project.defaultEnvironment
    source = 'cc.yaml defaultEnvironment'
  } else {
    ref = 'local'
    source = 'default'
  }
  const withProject = project ? {project} : {}

  const config = project?.environments.get(ref)
  if (config) {
    const base = {ref, source, alias: ref, cloud: config.cloud, config, ...withProject, ...(config.tenant ? {tenant: config.tenant} : {})}
    if (config.cloud === 'local') return {...base, kind: 'local', ...(config.environmentId ? {localName: config.environmentId} : {})}
    return {...base, kind: 'alias', environmentId: config.environmentId!}
  }

  const local = /^local(?::(.*))?$/i.exec(ref)
  if (local) {
    const name = local[1]?.trim()
    return {ref, source, kind: 'local', cloud: 'local', ...(name ? {localName: name} : {}), ...withProject}
  }

  const cloudText = request.cloud ?? ctx.env.CC_CLOUD?.trim()
  if (cloudText !== undefined && !isCloudName(cloudText)) {
    throw new UsageError(`Unknown cloud "${cloudText}" (CC_CLOUD).`, {code: 'UNKNOWN_CLOUD', suggestions: [`Use one of ${cloudNames.join(', ')}.`]})
  }
  const cloud = (cloudText as CloudName | undefined) ?? 'public'
  const tenant = request.tenant ?? ctx.env.CC_TENANT?.trim()
  const rest = {ref, source, cloud, ...(tenant ? {tenant} : {}), ...withProject}
  if (looksLikeEnvironmentId(ref)) return {...rest, kind: 'id', environmentId: ref}
  return {...rest, kind: 'name', displayName: ref}
}

/** The exact `cc login` that signs in for a chosen environment. */
export function loginCommandFor(choice: Pick<EnvironmentChoice, 'ref' | 'source' | 'kind' | 'tenant' | 'cloud'>, method?: string): string {
  const parts = ['cc login']
  if (choice.source !== 'default' || choice.ref !== 'local') parts.push(`--env ${quoteArg(choice.ref)}`)
  if ((choice.kind === 'id' || choice.kind === 'name') && choice.cloud !== 'public') parts.push(`--cloud ${choice.cloud}`)
  if ((choice.kind === 'id' || choice.kind === 'name') && choice.tenant) parts.push(`--tenant ${choice.tenant}`)
  if (method) parts.push(`--method ${method}`)
  return parts.join(' ')
}

function quoteArg(value: string): string {
  return /^[\w.:@/-]+$/.test(value) ? value : `"${value.replaceAll('"', '\\"')}"`
}
