import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import type {CoreContext} from '../context.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {type EnvironmentSummary, environmentSummary, withSession} from '../environments/session.js'
import {CcError, UsageError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {displayPath} from '../fs/paths.js'
import {readSolutionZip} from '../solution/read.js'
import {type UnpackResult, unpackSolution} from '../solution/unpack.js'
import {openZip} from '../zip/read.js'

export interface SolutionExportOptions extends EnvironmentRequest {
  /** Unique name of the solution. */
  solution: string
  /** Export as managed. */
  managed?: boolean
  /** Where the zip goes (default: ./<UniqueName>_<version with underscores>[_managed].zip, as the portal names it). */
  out?: string
  /** Also unpack its connectors into connector folders here. */
  unpack?: string
  /** Replace a zip (and connector folders) that already exist. */
  force?: boolean
}

export interface SolutionExportResult {
  environment: EnvironmentSummary
  solution: {uniqueName: string; displayName: string; version: string; managed: boolean; publisher: string}
  /** The zip written (as shown to the user). */
  file: string
  bytes: number
  /** False when the file already held exactly these bytes. */
  written: boolean
  connectors: Array<{name: string; displayName: string; connectorId: string}>
  /** With --unpack: what `cc unpack` wrote. */
  unpacked?: UnpackResult
}

/**
 * `cc pull --solution`: exports a solution through the Dataverse ExportSolution action, checks that what came
 * back is a readable solution zip (with the same hostile-zip guards as `cc unpack`), writes it atomically, and
 * with --unpack turns its connectors into connector folders.
 */
export async function exportSolution(options: SolutionExportOptions, ctx: CoreContext): Promise<SolutionExportResult> {
  const managed = options.managed === true
  return withSession(options, ctx, async (session) => {
    const env = await session.environment()
    const dataverse = await session.dataverse()
    ctx.reporter.step(`Reading solution ${options.solution}`)
    const info = await dataverse.getSolution(options.solution)
    if (!info) {
      throw new CcError(`There is no solution "${options.solution}" in ${env.displayName ?? env.environmentId}.`, {
        code: 'SOLUTION_NOT_FOUND',
        suggestions: ['Give the unique name of the solution (not its display name): Solutions → the solution → Settings in the maker portal.'],
      })
    }
    ctx.reporter.step(`Exporting ${info.uniquename}${managed ? ' (managed)' : ''}`)
    const data = await dataverse.exportSolution(info.uniquename, {managed})
    const label = `ExportSolution(${info.uniquename})`
    const archive = await openZip(data, {label})
    let contents
    try {
      contents = await readSolutionZip(archive)
    } finally {
      archive.close()
    }
    const m = contents.manifest
    const path = resolve(ctx.cwd, options.out ?? `${m.uniqueName}_${m.version.replaceAll('.', '_')}${m.managed ? '_managed' : ''}.zip`)
    const shown = displayPath(path, ctx.cwd)
    const current = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw new CcError(`Cannot read ${shown}: ${error.message}`, {code: 'FILE_UNREADABLE', file: shown})
    })
    const same = current !== undefined && current.equals(data)
    if (current !== undefined && !same && !options.force) {
      throw new UsageError(`${shown} already exists and differs from the export.`, {code: 'SOLUTION_ZIP_EXISTS', file: shown, suggestions: [`cc pull --solution ${options.solution} --out <another file>`, `or replace it: cc pull --solution ${options.solution} --force`]})
    }
    if (!same) await writeFileAtomic(path, data)
    const unpacked = options.unpack === undefined ? undefined : await unpackSolution({zip: path, out: options.unpack, ...(options.force ? {force: true} : {})}, ctx)
    return {
      environment: environmentSummary(env),
      solution: {uniqueName: m.uniqueName, displayName: m.displayName, version: m.version, managed: m.managed, publisher: m.publisher.uniqueName},
      file: shown,
      bytes: data.length,
      written: !same,
      connectors: contents.connectors.map((c) => ({name: c.name, displayName: c.displayName, connectorId: c.connectorId})),
      ...(unpacked ? {unpacked} : {}),
    }
  })
}
