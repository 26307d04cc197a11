import {randomUUID} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import type {DataverseClient} from '../clients/dataverse.js'
import type {CoreContext} from '../context.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {environmentSummary, type EnvironmentSummary, type ResolvedEnvironment, type Session, withSession} from '../environments/session.js'
import {ApiError, CcError, throwIfAborted, UsageError} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import {isSolutionZip, notASolution, readSolutionZip, type SolutionZipContents} from '../solution/read.js'
import {openZip} from '../zip/read.js'

export interface SolutionImportOptions extends EnvironmentRequest {
  /** Solution zips, in any order: connector solutions are imported before the flow solutions that use them. */
  files: string[]
  /** Import an unmanaged solution as managed (ConvertToManaged). */
  convertToManaged?: boolean
}

export interface ImportedConnector {
  displayName: string
  logicalName: string
  dataverseId: string
  action: 'created' | 'updated'
  /** The runtime connector's name on the Power Apps surface (`shared_…`), once Dataverse has provisioned it. */
  powerAppsName?: string
  onPowerApps: boolean
}

export interface ImportedSolution {
  file: string
  uniqueName: string
  displayName: string
  version: string
  managed: boolean
  /** connectors: only connectors; flows: with Workflows (imported after the connector solutions). */
  kind: 'connectors' | 'flows'
  action: 'installed' | 'updated'
  importJobId: string
  connectors: ImportedConnector[]
  environmentVariables: string[]
}

export interface SolutionImportResult {
  environment: EnvironmentSummary
  solutions: ImportedSolution[]
  /** True when the files were imported in another order than given (connectors first). */
  reordered: boolean
  portalUrl: string
}

interface ReadSolution {
  file: string
  shown: string
  data: Buffer
  contents: SolutionZipContents
}

/**
 * `cc push --solution-zip`: imports solution zips through the Dataverse ImportSolution action, connector
 * solutions before the flow solutions whose connection references use them, and reports each connector on both
 * surfaces: its row of the connector table and the runtime connector Power Apps serves. Every zip is read and
 * checked (hostile zips, missing parts) before anything is sent.
 */
export async function importSolutions(options: SolutionImportOptions, ctx: CoreContext): Promise<SolutionImportResult> {
  if (options.files.length === 0) throw new UsageError('Name at least one solution zip.', {code: 'SOLUTION_ZIP_REQUIRED', suggestions: ['cc push --solution-zip dist/ContosoConnectors.zip --env test']})
  const read: ReadSolution[] = []
  for (const file of options.files) read.push(await readSolutionFile(resolve(ctx.cwd, file), ctx))
  const duplicate = read.find((s, i) => read.findIndex((t) => t.contents.manifest.uniqueName.toLowerCase() === s.contents.manifest.uniqueName.toLowerCase()) !== i)
  if (duplicate) {
    throw new UsageError(`Two of the zips hold the solution ${duplicate.contents.manifest.uniqueName} (${duplicate.shown} is the second).`, {code: 'SOLUTION_ZIP_TWICE', file: duplicate.shown, suggestions: ['Pass each solution once.']})
  }
  const ordered = [...read.filter((s) => !s.contents.hasWorkflows), ...read.filter((s) => s.contents.hasWorkflows)]
  const reordered = ordered.some((s, i) => s !== read[i])
  if (reordered) ctx.reporter.step(`Importing the connector solutions first: ${ordered.map((s) => s.contents.manifest.uniqueName).join(', ')}`)

  return withSession(options, ctx, async (session) => {
    const env = await session.environment()
    const dataverse = await session.dataverse()
    const solutions: ImportedSolution[] = []
    for (const solution of ordered) {
      throwIfAborted(ctx.signal)
      solutions.push(await importOne(solution, session, env, dataverse, options, ctx))
    }
    return {
      environment: environmentSummary(env),
      solutions,
      reordered,
      portalUrl: `${session.cloud.makerPortalUrl}/environments/${env.environmentId}/solutions`,
    }
  })
}

async function readSolutionFile(path: string, ctx: CoreContext): Promise<ReadSolution> {
  const shown = displayPath(path, ctx.cwd)
  ctx.reporter.step(`Reading ${shown}`)
  const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CcError(`Zip file not found: ${shown}`, {code: 'ZIP_NOT_FOUND', file: shown, suggestions: ['Check the path of the zip file.']})
    if (error.code === 'EISDIR') throw new CcError(`${shown} is a folder, not a zip file.`, {code: 'ZIP_INVALID', file: shown, suggestions: ['Pass the .zip file itself.']})
    throw new CcError(`Cannot read ${shown}: ${error.message}`, {code: 'FILE_UNREADABLE', file: shown})
  })
  // Read once: the same bytes are opened here and sent to ImportSolution.
  const archive = await openZip(data, {label: shown})
  try {
    if (!isSolutionZip(archive)) {
      const error = notASolution(archive)
      throw new CcError(error.message, {
        code: error.code,
        file: shown,
        suggestions: [...error.suggestions, 'A certification package holds its solutions in the zip inside it, under PkgAssets/: import those zips.'],
      })
    }
    const contents = await readSolutionZip(archive)
    for (const warning of contents.warnings) ctx.reporter.warn(warning)
    return {file: path, shown, data, contents}
  } finally {
    archive.close()
  }
}

async function importOne(solution: ReadSolution, session: Session, env: ResolvedEnvironment, dataverse: DataverseClient, options: SolutionImportOptions, ctx: CoreContext): Promise<ImportedSolution> {
  const {manifest, connectors} = solution.contents
  const before = await dataverse.getSolution(manifest.uniqueName)
  const existed = new Set<string>()
  for (const connector of connectors) {
    if (await dataverse.getConnector(connector.connectorId, ['connectorid'])) existed.add(connector.connectorId)
  }
  const importJobId = randomUUID()
  ctx.reporter.step(`Importing ${manifest.uniqueName} ${manifest.version} (${solution.shown}) into ${env.displayName ?? env.environmentId}`)
  try {
    await dataverse.importSolution(solution.data, {importJobId, overwriteUnmanagedCustomizations: true, publishWorkflows: true, ...(options.convertToManaged ? {convertToManaged: true} : {})})
  } catch (error) {
    // A service's refusal names the solution file; sign-in, network and interruption errors pass unchanged.
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403) {
      throw new CcError(`Importing ${solution.shown} (${manifest.uniqueName}) failed: ${error.message}`, {
        code: 'SOLUTION_IMPORT_FAILED',
        file: solution.shown,
        data: {status: error.status, ...(error.serviceCode ? {serviceCode: error.serviceCode} : {}), ...(error.requestId ? {requestId: error.requestId} : {})},
        suggestions: [
          ...error.suggestions,
          ...(solution.contents.hasWorkflows ? ['A flow solution needs the connectors its connection references use: import their solution first (pass both zips).'] : []),
        ],
      })
    }
    throw error
  }
  const job = await dataverse.getImportJob(importJobId)
  const failure = job?.data ? importFailure(job.data) : undefined
  if (failure) throw new CcError(`Importing ${solution.shown} (${manifest.uniqueName}) failed: ${failure}`, {code: 'SOLUTION_IMPORT_FAILED', file: solution.shown, suggestions: [`The import job ${importJobId} in the environment has the details.`]})

  const imported: ImportedConnector[] = []
  for (const connector of connectors) {
    const row = await dataverse.getConnector(connector.connectorId, ['connectorid', 'name', 'displayname', 'connectorinternalid'])
    if (!row) {
      throw new CcError(`${manifest.uniqueName} was imported, but its connector ${connector.name} (${connector.connectorId}) is not in the connector table.`, {code: 'SOLUTION_IMPORT_INCOMPLETE', file: solution.shown})
    }
    const internal = row.connectorinternalid ?? undefined
    const onPowerApps = internal ? (await session.powerApps.getConnector(env.environmentId, internal)) !== undefined : false
    if (!onPowerApps) ctx.reporter.warn(`${connector.displayName}: Dataverse has not provisioned the runtime connector yet; it shows in Power Apps in a minute (cc connector list --env ${env.ref}).`)
    imported.push({
      displayName: row.displayname ?? connector.displayName,
      logicalName: row.name,
      dataverseId: row.connectorid,
      action: existed.has(connector.connectorId) ? 'updated' : 'created',
      ...(internal ? {powerAppsName: internal} : {}),
      onPowerApps,
    })
  }
  return {
    file: solution.shown,
    uniqueName: manifest.uniqueName,
    displayName: manifest.displayName,
    version: manifest.version,
    managed: manifest.managed || options.convertToManaged === true,
    kind: solution.contents.hasWorkflows ? 'flows' : 'connectors',
    action: before ? 'updated' : 'installed',
    importJobId,
    connectors: imported,
    environmentVariables: solution.contents.environmentVariables.map((v) => v.schemaName),
  }
}

/** The first failure an import job's result XML reports (`<result result="failure" errortext="…"/>`). */
export function importFailure(data: string): string | undefined {
  for (const match of data.matchAll(/<result\b([^>]*)\/?>/gi)) {
    const attributes = match[1] ?? ''
    if (!/\bresult="failure"/i.test(attributes)) continue
    const text = /\berrortext="([^"]*)"/i.exec(attributes)?.[1]
    const code = /\berrorcode="([^"]*)"/i.exec(attributes)?.[1]
    return `${text ? decodeXml(text) : 'the import job reports a failure'}${code && code !== '0' ? ` (${code})` : ''}`
  }
  return undefined
}

function decodeXml(text: string): string {
  return text.replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}
