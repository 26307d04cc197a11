import {basename, resolve} from 'node:path'

import {loadConnector} from '../connector/load.js'
import type {Connector} from '../connector/types.js'
import {type ConnectorContent, contentOf} from '../connector/write.js'
import type {CoreContext} from '../context.js'
import {parametersFor, rememberConnectorIds} from '../environments/project-environments.js'
import {type ResolvedEnvironment, type Session, withSession} from '../environments/session.js'
import {UsageError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {displayPath} from '../fs/paths.js'
import {preflightValidate} from '../validate/preflight.js'
import {pushToDataverse} from './dataverse-surface.js'
import {injectSecret, isLiteralSecret, oauthSettingsOf, settingsNeedingSecret} from './oauth.js'
import {applyParameters} from './parameters.js'
import {pushToRp} from './rp-surface.js'
import {settingsConnectorId, settingsFileFor} from './settings-file.js'
import type {PreparedConnector, PushOptions, PushResult} from './types.js'

export type {PushOptions, PushResult} from './types.js'

/**
 * Creates or updates a connector in an environment: one command, idempotent. Loads and validates the folder,
 * applies the environment's parameters from cc.yaml, finds the connector (remembered id, then by name) so that
 * a second push never makes a duplicate, sends it through the Power Apps resource provider or the Dataverse
 * connector table, and remembers its ids in settings.json and cc.yaml. Nothing local is written unless the push
 * succeeded; every write is atomic.
 */
export async function pushConnector(options: PushOptions, ctx: CoreContext): Promise<PushResult> {
  const dir = resolve(ctx.cwd, options.path ?? '.')
  ctx.reporter.step(`Reading ${displayPath(dir, ctx.cwd)}`)
  const connector = await loadConnector(dir)
  if (options.validate !== false) await preflightValidate([connector], {cwd: ctx.cwd})
  // Unreadable or missing files stop here, before anything is signed in or sent.
  const content = contentOf(connector)
  const secret = readSecret(options, ctx)
  return withSession(options, ctx, async (session) => {
    const env = await session.environment()
    const target = options.target ?? env.target ?? (env.dataverseUrl ? 'dataverse' : 'rp')
    if (options.solution && target !== 'dataverse') {
      throw new UsageError('--solution works with --target dataverse (solutions live in Dataverse).', {code: 'SOLUTION_NEEDS_DATAVERSE', suggestions: [`cc push --env ${env.ref} --target dataverse --solution ${options.solution}`]})
    }
    const prepared = prepareConnector(connector, content, session, secret, ctx)
    const remembered = session.choice.config?.connectors[prepared.folder]
    const outcome =
      target === 'rp'
        ? await pushToRp(
            session,
            env,
            prepared,
            {
              ...(options.connectorId ? {explicit: options.connectorId} : {}),
              remembered: [
                ...(remembered?.id ? [{id: remembered.id, from: 'cc.yaml' as const}] : []),
                ...(settingsConnectorId(connector, env.environmentId) ? [{id: settingsConnectorId(connector, env.environmentId)!, from: 'settings.json' as const}] : []),
              ],
            },
            options,
            ctx,
          )
        : await pushToDataverse(session, env, prepared, {...(options.connectorId ? {explicit: options.connectorId} : {}), ...(remembered?.dataverseId ? {remembered: remembered.dataverseId} : {})}, options, ctx)

    const rememberedFiles = options.remember === false ? [] : await remember(connector, prepared.folder, env, session, outcome)
    return {
      action: outcome.action,
      target,
      connector: {
        folder: displayPath(dir, ctx.cwd),
        displayName: prepared.title,
        ...(outcome.name ? {name: outcome.name} : {}),
        ...(outcome.dataverseId ? {dataverseId: outcome.dataverseId} : {}),
        ...(outcome.logicalName ? {logicalName: outcome.logicalName} : {}),
        ...(outcome.solution ? {solution: outcome.solution} : {}),
      },
      environment: {ref: env.ref, ...(env.alias ? {alias: env.alias} : {}), id: env.environmentId, ...(env.displayName ? {displayName: env.displayName} : {}), cloud: env.cloud},
      ...(outcome.foundBy ? {foundBy: outcome.foundBy} : {}),
      ...(outcome.redirectUrl ? {redirectUrl: outcome.redirectUrl} : {}),
      ...(outcome.managedIdentity ? {managedIdentity: outcome.managedIdentity} : {}),
      portalUrl: `${session.cloud.makerPortalUrl}/environments/${env.environmentId}/customconnectors`,
      script: outcome.script,
      icon: outcome.icon,
      secret: outcome.secret,
      parametersApplied: prepared.applied,
      serviceWarnings: outcome.serviceWarnings,
      remembered: rememberedFiles.map((f) => displayPath(f, ctx.cwd)),
    }
  })
}

/** The OAuth secret from --client-secret-env or stdin; undefined when none was given. */
function readSecret(options: PushOptions, ctx: CoreContext): string | undefined {
  if (options.clientSecretEnv) {
    const value = ctx.env[options.clientSecretEnv]
    if (!value) {
      throw new UsageError(`The environment variable ${options.clientSecretEnv} (--client-secret-env) is empty.`, {
        code: 'OAUTH_SECRET_MISSING',
        suggestions: [`export ${options.clientSecretEnv}=<the OAuth app's client secret>`],
      })
    }
    return value
  }
  return options.clientSecret === undefined || options.clientSecret === '' ? undefined : options.clientSecret
}

/**
 * A loaded connector made ready to send to the session's environment: its cc.yaml parameters applied (keyed by the
 * folder name), the secret (if any) injected. Shared with import (transfer), which sends exported folders the
 * same way push does.
 */
export function prepareConnector(connector: Connector, content: ConnectorContent, session: Session, secret: string | undefined, ctx: CoreContext): PreparedConnector {
  const folder = basename(connector.dir)
  const config = session.choice.config
  const origin = config ? `environments.${config.alias} in ${displayPath(config.place.file, ctx.cwd)}` : 'cc.yaml'
  const {apiDefinition, apiProperties, applied} = applyParameters(content.apiDefinition, content.apiProperties, parametersFor(config, folder), origin)
  const needsSecret = settingsNeedingSecret(apiProperties).length > 0
  const literal = oauthSettingsOf(apiProperties).some(({settings}) => isLiteralSecret(settings.clientSecret))
  if (secret !== undefined) {
    if (!needsSecret) ctx.reporter.warn('A client secret was given, but the connector has no OAuth setting that takes one; it was not sent.')
    else injectSecret(apiProperties, secret)
  } else if (literal) {
    ctx.reporter.warn(`${connector.apiProperties?.name ?? 'apiProperties.json'} holds a client secret in plain text; it is sent, but keep secrets out of files: use --client-secret-env or stdin.`)
  }
  const title = typeof apiDefinition.info?.title === 'string' && apiDefinition.info.title.trim() !== '' ? apiDefinition.info.title.trim() : folder
  return {
    connector,
    folder,
    apiDefinition,
    apiProperties,
    title,
    description: typeof apiDefinition.info?.description === 'string' ? apiDefinition.info.description : '',
    ...(content.icon ? {icon: content.icon} : {}),
    ...(content.script !== undefined ? {script: content.script} : {}),
    applied,
    hasSecret: (secret !== undefined && needsSecret) || literal,
    needsSecret,
  }
}

/** Writes the ids: settings.json (paconn-compatible) next to the connector, and cc.yaml for an alias. */
async function remember(connector: Connector, folder: string, env: ResolvedEnvironment, session: Session, outcome: {name?: string; dataverseId?: string}): Promise<string[]> {
  const written: string[] = []
  if (outcome.name) {
    const settings = settingsFileFor(connector, {connectorId: outcome.name, environment: env.environmentId, ...(session.cloud.name === 'local' ? {} : {powerAppsUrl: session.cloud.powerAppsUrl})})
    const before = connector.settings?.value ? JSON.stringify(connector.settings.value) : undefined
    if (before !== JSON.stringify(settings.content)) {
      await writeFileAtomic(settings.path, settings.data)
      written.push(settings.path)
    }
  }
  const project = session.choice.project
  if (project && session.choice.alias && (outcome.name || outcome.dataverseId)) {
    const changed = await rememberConnectorIds(project.path, session.choice.alias, folder, {
      ...(outcome.name ? {id: outcome.name} : {}),
      ...(outcome.dataverseId ? {dataverseId: outcome.dataverseId} : {}),
    })
    if (changed) written.push(project.path)
  }
  return written
}
