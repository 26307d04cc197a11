import {createHash} from 'node:crypto'
import {basename, dirname, extname, join, resolve} from 'node:path'

import type {CoreContext} from '../context.js'
import {UsageError} from '../errors.js'
import {writeFileAtomic, writeFilesAtomic} from '../fs/atomic.js'
import {displayPath} from '../fs/paths.js'
import {zipToBuffer} from '../zip/write.js'
import {certificationIntro, type FlowSolutionInfo, inspectFlowSolution, packageFiles, pkgAssetsFolder} from './certification.js'
import {replaceProjectVersion} from './options.js'
import {connectorZipPaths, type PreparedSolution, prepareSolution, type PrepareSolutionOptions} from './prepare.js'
import type {EnvVarDefinition, SolutionFile} from './types.js'

/** Deflate level of solution zips: zip's own default, a good size for JSON at a fraction of level 9's time. */
const zipLevel = 6

export interface SolutionPackageOptions extends PrepareSolutionOptions {
  /** The zip to write, or a folder for it. Default: cc.yaml `solution.output`, else dist/. */
  out?: string
}

export interface SolutionSummary {
  uniqueName: string
  displayName: string
  version: string
  managed: boolean
  publisher: {uniqueName: string; displayName: string; prefix: string}
}

export interface PackagedConnector {
  folder: string
  name: string
  displayName: string
  connectorId: string
  /** Files of the connector in the zip. */
  files: string[]
  /** apiProperties.json properties a solution has no place for. */
  notCarried: string[]
  /** Secrets that were left out (paths, never values). */
  secretsRemoved: string[]
}

export interface VersionInfo {
  value: string
  source: 'flag' | 'project' | 'default'
  /** The version before --bump-version. */
  bumpedFrom?: string
  /** cc.yaml, when the bumped version was written back to it. */
  savedTo?: string
}

export interface SolutionPackageResult {
  kind: 'solution'
  /** The zip written. */
  file: string
  bytes: number
  sha256: string
  solution: SolutionSummary
  version: VersionInfo
  connectors: PackagedConnector[]
  environmentVariables: Array<Omit<EnvVarDefinition, 'description'>>
  /** The deployment settings file for `pac solution import --settings-file`, when there are environment variables. */
  deploymentSettings?: string
}

/**
 * `cc package --kind solution`: connector folders into one Dataverse solution zip (and, with environment
 * variables, a deployment settings file beside it). Same input, same bytes. With --bump-version and a version from
 * cc.yaml, the new version is written back to cc.yaml once the zip is on disk.
 */
export async function packageSolution(options: SolutionPackageOptions, context: CoreContext): Promise<SolutionPackageResult> {
  const prepared = await prepareSolution(options, context)
  const spec = prepared.resolved.spec
  const zipPath = outputPath(options.out, prepared, context, `${spec.uniqueName}_${spec.version.replaceAll('.', '_')}${spec.managed ? '_managed' : ''}.zip`)
  context.reporter.step(`Writing ${displayPath(zipPath, context.cwd)}`)
  const bytes = await zipToBuffer(prepared.files, {level: zipLevel})
  const settingsPath = prepared.deploymentSettings ? join(dirname(zipPath), `${basename(zipPath, extname(zipPath))}.deploymentsettings.json`) : undefined
  await writeFilesAtomic([
    {path: zipPath, data: bytes},
    ...(settingsPath ? [{path: settingsPath, data: `${JSON.stringify(prepared.deploymentSettings, null, 2)}\n`}] : []),
  ])
  const result: SolutionPackageResult = {
    kind: 'solution',
    file: displayPath(zipPath, context.cwd),
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...summaryOf(prepared),
    version: await saveVersion(prepared, context),
  }
  if (settingsPath) result.deploymentSettings = displayPath(settingsPath, context.cwd)
  return result
}

export interface CertificationPackageOptions extends SolutionPackageOptions {
  /** The flow solution zip to put beside the connector solution. Default: cc.yaml `solution.certification.flowSolution`. */
  flowSolution?: string
  /** intro.md to use. Default: cc.yaml `solution.certification.intro`, the connector's intro.md or readme.md, or an outline. */
  intro?: string
}

export interface CertificationPackageResult extends Omit<SolutionPackageResult, 'kind' | 'deploymentSettings'> {
  kind: 'certification'
  intro: {source: string; generated: boolean}
  /** The solution zips in PkgAssets, in import order. */
  solutions: Array<{fileName: string; role: 'connector' | 'flow'; uniqueName: string; version: string}>
  /** True when the package has everything Microsoft's ConnectorPackageValidator checks for. */
  complete: boolean
  /** What is missing for submission (e.g. the flow solution). */
  missing: string[]
}

/**
 * `cc package --kind certification`: the package Partner Center takes. The outer zip holds intro.md and the
 * package zip; the package zip holds PkgAssets/ with the connector solution (unmanaged, as certification
 * requires), the flow solution given with --flow-solution, and ImportConfig.xml listing them connectors first.
 */
export async function packageCertification(options: CertificationPackageOptions, context: CoreContext): Promise<CertificationPackageResult> {
  if (options.managed) {
    throw new UsageError('Certification takes unmanaged solutions only.', {code: 'CERTIFICATION_MANAGED', suggestions: ['Leave out --managed for --kind certification.']})
  }
  const prepared = await prepareSolution({...options, managed: false, profile: 'certification'}, context)
  const spec = prepared.resolved.spec
  const project = prepared.project
  const fromProject = (path: string | undefined) => (path === undefined ? undefined : project ? resolve(project.dir, path) : resolve(context.cwd, path))
  const flowPath = options.flowSolution === undefined ? fromProject(prepared.config.certification?.flowSolution) : resolve(context.cwd, options.flowSolution)
  const introPath = options.intro === undefined ? fromProject(prepared.config.certification?.intro) : resolve(context.cwd, options.intro)

  let flow: (FlowSolutionInfo & {bytes: Buffer; fileName: string}) | undefined
  if (flowPath) {
    const label = displayPath(flowPath, context.cwd)
    const info = await inspectFlowSolution(flowPath, label)
    const {readFile} = await import('node:fs/promises')
    flow = {...info, bytes: await readFile(flowPath), fileName: basename(flowPath)}
    const ours = prepared.connectors.map((c) => c.connector.name)
    if (!ours.some((name) => info.connectors.includes(name))) {
      context.reporter.warn(`${label} holds no flow for ${ours.join(', ')} (its connectors: ${info.connectors.join(', ') || 'none'}); certification expects flows that use the connector being certified.`)
    }
  }

  const intro = await certificationIntro(prepared.connectors[0]!.source, introPath)
  if (intro.generated) context.reporter.warn('intro.md was generated from the API definition: fill in the prerequisites and how to obtain credentials before submitting (or pass --intro).')

  const connectorZip = `${spec.uniqueName}_${spec.version.replaceAll('.', '_')}.zip`
  if (flow && flow.fileName.toLowerCase() === connectorZip.toLowerCase()) flow.fileName = `flows_${flow.fileName}`
  context.reporter.step('Writing the certification package')
  const solutionBytes = await zipToBuffer(prepared.files, {level: zipLevel})
  const solutions = [{fileName: connectorZip, bytes: solutionBytes}, ...(flow ? [{fileName: flow.fileName, bytes: flow.bytes}] : [])]
  const packageName = `${spec.uniqueName}_${spec.version.replaceAll('.', '_')}_package.zip`
  const packageBytes = await zipToBuffer(packageFiles(solutions), {level: zipLevel})
  const outer: SolutionFile[] = [
    {path: 'intro.md', data: intro.text},
    {path: packageName, data: packageBytes},
  ]
  const bytes = await zipToBuffer(outer, {level: zipLevel})
  const zipPath = outputPath(options.out, prepared, context, `${spec.uniqueName}_${spec.version.replaceAll('.', '_')}_certification.zip`)
  await writeFileAtomic(zipPath, bytes)

  const missing = flow ? [] : [`a flow solution in ${pkgAssetsFolder} (--flow-solution): the validator expects the connector solution and a flow solution`]
  for (const m of missing) context.reporter.warn(`The package is not ready for submission: it lacks ${m}.`)
  const summary = summaryOf(prepared)
  return {
    kind: 'certification',
    file: displayPath(zipPath, context.cwd),
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...summary,
    version: await saveVersion(prepared, context),
    intro: {source: intro.source === 'generated' ? 'generated' : displayPath(intro.source, context.cwd), generated: intro.generated},
    solutions: [
      {fileName: connectorZip, role: 'connector', uniqueName: spec.uniqueName, version: spec.version},
      ...(flow ? [{fileName: flow.fileName, role: 'flow' as const, uniqueName: flow.uniqueName, version: flow.version}] : []),
    ],
    complete: missing.length === 0,
    missing,
  }
}

function summaryOf(prepared: PreparedSolution): Pick<SolutionPackageResult, 'solution' | 'connectors' | 'environmentVariables'> {
  const spec = prepared.resolved.spec
  return {
    solution: {
      uniqueName: spec.uniqueName,
      displayName: spec.displayName,
      version: spec.version,
      managed: spec.managed,
      publisher: {uniqueName: spec.publisher.uniqueName, displayName: spec.publisher.displayName, prefix: spec.publisher.prefix},
    },
    connectors: prepared.connectors.map(({folder, connector}) => ({
      folder,
      name: connector.name,
      displayName: connector.displayName,
      connectorId: connector.connectorId,
      files: connectorZipPaths(connector),
      notCarried: connector.notCarried,
      secretsRemoved: connector.secretsRemoved,
    })),
    environmentVariables: prepared.environmentVariables.map(({description: _description, ...rest}) => rest),
  }
}

/** Where the zip goes: `--out` (a .zip file, or a folder), else cc.yaml `solution.output`, else dist/ (as for connector zips). */
function outputPath(out: string | undefined, prepared: PreparedSolution, context: CoreContext, fileName: string): string {
  if (out !== undefined) {
    const path = resolve(context.cwd, out)
    return /\.zip$/i.test(path) ? path : join(path, fileName)
  }
  const configured = prepared.config.output
  if (configured !== undefined && prepared.project) return join(resolve(prepared.project.dir, configured), fileName)
  return join(context.cwd, 'dist', fileName)
}

/** After a successful write: the bumped version goes back to cc.yaml when it came from there. */
async function saveVersion(prepared: PreparedSolution, context: CoreContext): Promise<VersionInfo> {
  const resolved = prepared.resolved
  const info: VersionInfo = {value: resolved.spec.version, source: resolved.versionSource}
  if (resolved.bumpedFrom === undefined) return info
  info.bumpedFrom = resolved.bumpedFrom
  if (resolved.versionSource !== 'project' || !prepared.project) {
    if (resolved.versionSource === 'default' && prepared.project) {
      context.reporter.warn(`cc.yaml has no solution.version, so the bumped version ${resolved.spec.version} was not saved; add "version: ${resolved.spec.version}" under solution: to keep counting.`)
    }
    return info
  }
  const text = await replaceProjectVersion(prepared.project.text, resolved.spec.version)
  if (text === undefined) {
    context.reporter.warn(`Could not update solution.version in ${displayPath(prepared.project.path, context.cwd)}; set it to ${resolved.spec.version} by hand.`)
    return info
  }
  await writeFileAtomic(prepared.project.path, text)
  info.savedTo = displayPath(prepared.project.path, context.cwd)
  return info
}
