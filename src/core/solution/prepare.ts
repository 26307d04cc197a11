import {basename, resolve} from 'node:path'

import {loadConnector} from '../connector/load.js'
import type {Connector} from '../connector/types.js'
import type {CoreContext} from '../context.js'
import {CcError, throwIfAborted, UsageError} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import {loadProjectFile, type ProjectFile} from '../project/project-file.js'
import {preflightValidate} from '../validate/preflight.js'
import {solutionFiles} from './build.js'
import {certificationPreflight} from './certification.js'
import {buildSolutionConnector} from './connector.js'
import {connectorFilePaths} from './customizations.js'
import {deploymentSettings, type DeploymentSettings, mergeEnvVarDefinitions} from './env-vars.js'
import {readSolutionConfig, resolveSolution, type ResolvedSolution, type SolutionConfig, type SolutionFlags} from './options.js'
import type {EnvVarDefinition, EnvVarRequest, SolutionConnector, SolutionFile} from './types.js'

export interface PrepareSolutionOptions extends SolutionFlags {
  /** Connector folders (at least one). */
  connectors: readonly string[]
  /** Skip the pre-flight validation (broken JSON is then packaged from its tolerant reading, with a warning). */
  noValidate?: boolean
  /** The validation profile of the pre-flight check: base (default) or certification. */
  profile?: 'base' | 'certification'
  /** The project file to read `solution:` from; found from the current folder when not given (null: none). */
  project?: ProjectFile | null
}

/** A solution ready to be zipped: its files in order, and what the result reports about it. */
export interface PreparedSolution {
  resolved: ResolvedSolution
  project: ProjectFile | undefined
  config: SolutionConfig
  files: SolutionFile[]
  /** Each connector: its folder as shown, the loaded folder and its solution component. */
  connectors: Array<{folder: string; source: Connector; connector: SolutionConnector}>
  environmentVariables: EnvVarDefinition[]
  /** Present when the solution has environment variables. */
  deploymentSettings?: DeploymentSettings
}

/**
 * Loads the connector folders, runs the pre-flight validation, resolves the solution settings (flags, then cc.yaml
 * `solution:`, then defaults) and builds every file of the solution zip. Warnings go to the reporter.
 */
export async function prepareSolution(options: PrepareSolutionOptions, context: CoreContext): Promise<PreparedSolution> {
  if (options.connectors.length === 0) {
    throw new UsageError('Name at least one connector folder to put into the solution.', {
      code: 'NO_CONNECTORS',
      suggestions: ['cc package connectors/petstore --kind solution --publisher-prefix contoso'],
    })
  }
  const project = options.project === null ? undefined : (options.project ?? (await loadProjectFile(context.cwd)))
  const config = readSolutionConfig(project)

  const loaded: Connector[] = []
  for (const [i, dir] of options.connectors.entries()) {
    throwIfAborted(context.signal)
    context.reporter.progress(i, options.connectors.length, 'Reading connectors')
    loaded.push(await loadConnector(resolve(context.cwd, dir)))
  }
  context.reporter.progress(loaded.length, loaded.length, 'Reading connectors')
  if (!options.noValidate) {
    if (options.profile === 'certification') await certificationPreflight(loaded, project, context.cwd)
    else await preflightValidate(loaded, {cwd: context.cwd})
  }

  const titles = loaded.map((c) => {
    const title = c.apiDefinition?.value?.info?.title
    return typeof title === 'string' && title.trim() !== '' ? title.trim() : c.folderName
  })
  const resolved = resolveSolution({flags: options, config, ...(project ? {project} : {}), connectorTitles: titles})
  const requests = assignEnvVars(resolved.envVars, loaded, titles)

  const connectors: PreparedSolution['connectors'] = []
  const definitions: EnvVarDefinition[] = []
  const names = new Map<string, string>()
  for (const [i, source] of loaded.entries()) {
    throwIfAborted(context.signal)
    const built = buildSolutionConnector(source, {prefix: resolved.spec.publisher.prefix, envVars: requests[i]!, tolerant: Boolean(options.noValidate)})
    for (const warning of built.warnings) context.reporter.warn(warning)
    const clash = names.get(built.connector.name)
    if (clash) {
      throw new CcError(`${displayPath(clash, context.cwd)} and ${displayPath(source.dir, context.cwd)} have the same title, so they would be the same connector (${built.connector.name}) in the solution.`, {
        code: 'SOLUTION_DUPLICATE_CONNECTOR',
        file: `${source.dir}/${source.apiDefinition?.name ?? 'apiDefinition.swagger.json'}`,
        suggestions: ['Give each connector its own info.title, or package them into separate solutions.'],
      })
    }
    names.set(built.connector.name, source.dir)
    connectors.push({folder: displayPath(source.dir, context.cwd), source, connector: built.connector})
    definitions.push(...built.envVars)
  }
  const environmentVariables = mergeEnvVarDefinitions(definitions)
  const prepared: PreparedSolution = {
    resolved,
    project,
    config,
    files: solutionFiles(
      resolved.spec,
      connectors.map((c) => c.connector),
      environmentVariables,
    ),
    connectors,
    environmentVariables,
  }
  if (environmentVariables.length > 0) {
    prepared.deploymentSettings = deploymentSettings(environmentVariables)
    for (const v of environmentVariables.filter((d) => d.defaultValue === undefined)) {
      context.reporter.warn(`Fill in the value of ${v.schemaName} in the deployment settings file before import${v.type === 'Secret' ? ' (a Key Vault secret reference; the secret itself never goes into a file)' : ''}: an empty value stops the import.`)
    }
  }
  return prepared
}

/** Which requests apply to which connector: unqualified ones to all, `name:` ones to the matching folder or title. */
function assignEnvVars(requests: readonly EnvVarRequest[], connectors: readonly Connector[], titles: readonly string[]): EnvVarRequest[][] {
  const perConnector = connectors.map(() => [] as EnvVarRequest[])
  for (const request of requests) {
    if (request.connector === undefined) {
      perConnector.forEach((list) => list.push(request))
      continue
    }
    const wanted = request.connector.toLowerCase()
    const index = connectors.findIndex((c, i) => c.folderName.toLowerCase() === wanted || basename(c.dir).toLowerCase() === wanted || titles[i]!.toLowerCase() === wanted)
    if (index < 0) {
      throw new UsageError(`--env-var ${request.connector}:${request.target} names a connector that is not being packaged.`, {
        code: 'ENV_VAR_UNKNOWN_CONNECTOR',
        suggestions: [`Use the folder name of one of: ${connectors.map((c) => c.folderName).join(', ')}`],
      })
    }
    perConnector[index]!.push(request)
  }
  // The same target twice for one connector: the more specific (named) request wins.
  return perConnector.map((list) => {
    const byTarget = new Map<string, EnvVarRequest>()
    for (const request of list) {
      const seen = byTarget.get(request.target)
      if (!seen || (request.connector !== undefined && seen.connector === undefined)) byTarget.set(request.target, request)
    }
    return [...byTarget.values()]
  })
}

/** The zip paths of one connector's files (for the result). */
export function connectorZipPaths(connector: SolutionConnector): string[] {
  return Object.values(connectorFilePaths(connector)).filter((p): p is string => typeof p === 'string')
}
