import type {CoreContext} from '../context.js'
import {throwIfAborted, UsageError} from '../errors.js'
import type {SolutionFlags} from '../solution/options.js'
import type {CertificationPackageResult, SolutionPackageResult} from '../solution/package.js'
import {displayPath} from '../fs/paths.js'
import {preflightValidate} from '../validate/preflight.js'
import {writeZipFile} from '../zip/write.js'
import {connectorFolders, connectorZipContent, loadForPackaging, zipPaths} from './connector-zip.js'

export const packageKinds = ['connector', 'solution', 'certification'] as const
export type PackageKind = (typeof packageKinds)[number]

export interface PackageOptions extends SolutionFlags {
  /** What to build. Default: connector. */
  kind?: PackageKind
  /** Connector folders (or files inside them). Default: the current folder, else the project's connectors. */
  paths?: readonly string[]
  /** The zip file (one connector) or the folder of zips (several). Default: dist/<name>.zip. */
  out?: string
  /** Run the pre-flight validation first (default true; --no-validate turns it off). */
  validate?: boolean
  /** --kind certification: the flow solution zip to put beside the connector solution. */
  flowSolution?: string
  /** --kind certification: the intro.md to use. */
  intro?: string
}

export interface ConnectorPackage {
  /** The connector folder (relative to the current folder when inside it). */
  connector: string
  /** Folder name; the zip is named after it. */
  name: string
  /** info.title of the API definition. */
  title?: string
  /** The zip written. */
  output: string
  bytes: number
  sha256: string
  /** Entries of the zip, in order, with the file each came from. */
  files: Array<{path: string; from: string}>
  /** JSON pointers into apiProperties.json of the client secrets left out of the zip. */
  secretsRemoved: string[]
  /** Files of the folder that are not part of a connector package. */
  leftOut: string[]
  notes: string[]
}

export interface ConnectorPackageResult {
  kind: 'connector'
  /** False with --no-validate. */
  validated: boolean
  packages: ConnectorPackage[]
}

export type PackageResult = ConnectorPackageResult

/** What `cc package` returns for any --kind. */
export type AnyPackageResult = ConnectorPackageResult | SolutionPackageResult | CertificationPackageResult

/**
 * `cc package`: the one entry point for every kind of package. `connector` writes one zip per connector folder in
 * the PowerPlatformConnectors layout (deterministic: the same folder gives the same bytes), with client secrets
 * stripped and reported; the folders are validated first (pre-flight) unless `validate` is false, and nothing is
 * written when one of them fails.
 */
export async function packageConnectors(options: PackageOptions & {kind?: 'connector'}, ctx: CoreContext): Promise<ConnectorPackageResult>
export async function packageConnectors(options: PackageOptions, ctx: CoreContext): Promise<AnyPackageResult>
export async function packageConnectors(options: PackageOptions, ctx: CoreContext): Promise<AnyPackageResult> {
  const kind = options.kind ?? 'connector'
  switch (kind) {
    case 'connector': {
      const misplaced = (Object.keys(solutionOnly) as Array<keyof typeof solutionOnly>).find((key) => options[key] !== undefined && options[key] !== false)
      if (misplaced) {
        throw new UsageError(`${solutionOnly[misplaced]} applies to --kind solution and --kind certification.`, {
          code: 'PACKAGE_FLAG_NOT_FOR_KIND',
          suggestions: [`cc package --kind solution ${solutionOnly[misplaced]} …`],
        })
      }
      return packageConnectorZips(options, ctx)
    }
    case 'solution':
    case 'certification':
      return packageSolutionKind(kind, options, ctx)
  }
}

const solutionOnly = {
  solutionName: '--solution-name',
  solutionVersion: '--solution-version',
  bumpVersion: '--bump-version',
  publisherName: '--publisher-name',
  publisherPrefix: '--publisher-prefix',
  managed: '--managed',
  envVars: '--env-var',
  flowSolution: '--flow-solution',
  intro: '--intro',
} as const

/** `--kind solution|certification` (src/core/solution): all the connectors go into one solution zip. */
async function packageSolutionKind(kind: 'solution' | 'certification', options: PackageOptions, ctx: CoreContext): Promise<SolutionPackageResult | CertificationPackageResult> {
  if (kind === 'solution') {
    for (const key of ['flowSolution', 'intro'] as const) {
      if (options[key] !== undefined) throw new UsageError(`${solutionOnly[key]} applies to --kind certification only.`, {code: 'PACKAGE_FLAG_NOT_FOR_KIND', suggestions: [`cc package --kind certification ${solutionOnly[key]} …`]})
    }
  }
  const {packageCertification, packageSolution} = await import('../solution/package.js')
  const {kind: _kind, paths, validate, ...rest} = options
  const solutionOptions = {...rest, connectors: await connectorFolders(paths ?? [], ctx.cwd), noValidate: validate === false}
  return kind === 'solution' ? packageSolution(solutionOptions, ctx) : packageCertification(solutionOptions, ctx)
}

async function packageConnectorZips(options: PackageOptions, ctx: CoreContext): Promise<ConnectorPackageResult> {
  const dirs = await connectorFolders(options.paths ?? [], ctx.cwd)
  const outputs = await zipPaths(dirs, options.out, ctx.cwd)
  if (dirs.length > 1) ctx.reporter.step(`Reading ${dirs.length} connectors`)
  const connectors = []
  for (const dir of dirs) {
    throwIfAborted(ctx.signal)
    connectors.push(await loadForPackaging(dir, ctx.cwd))
  }
  const validate = options.validate !== false
  if (validate) {
    ctx.reporter.step('Validating')
    await preflightValidate(connectors, {cwd: ctx.cwd})
  }
  // Everything is checked before the first zip is written.
  const contents = connectors.map((connector) => connectorZipContent(connector))

  const packages: ConnectorPackage[] = []
  for (const [i, connector] of connectors.entries()) {
    throwIfAborted(ctx.signal)
    const content = contents[i]!
    const output = outputs[i]!
    ctx.reporter.step(`Writing ${displayPath(output, ctx.cwd)}`)
    const written = await writeZipFile(output, content.entries)
    for (const pointer of content.secretsRemoved) {
      ctx.reporter.warn(`${connector.folderName}: left the client secret at ${connector.apiProperties!.name}#${pointer} out of the zip (secrets never go into packages; cc push takes them from an environment variable or stdin).`)
    }
    const title = connector.apiDefinition?.value?.info?.title
    packages.push({
      connector: displayPath(connector.dir, ctx.cwd),
      name: connector.folderName,
      ...(typeof title === 'string' ? {title} : {}),
      output: displayPath(output, ctx.cwd),
      bytes: written.bytes,
      sha256: written.sha256,
      files: content.entries.map((entry, k) => ({path: entry.path, from: content.sources[k]!})),
      secretsRemoved: content.secretsRemoved,
      leftOut: content.leftOut,
      notes: content.notes,
    })
    if (dirs.length > 1) ctx.reporter.progress(i + 1, dirs.length, 'connectors')
  }
  return {kind: 'connector', validated: validate, packages}
}
