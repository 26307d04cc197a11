import {join, resolve} from 'node:path'

import type {CoreContext} from '../context.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {CloudName} from '../environments/clouds.js'
import {CcError, UsageError} from '../errors.js'
import {exportConnectors, type ExportResult} from './export.js'
import {importConnectors, type ImportOptions} from './import.js'
import type {ImportResult} from './types.js'

export interface MigrateOptions extends Omit<ImportOptions, 'dir' | 'env' | 'connectors' | 'target'> {
  from: string
  to: string
  cloud?: CloudName
  tenant?: string
  connectors?: string[]
  all?: boolean
  /** The export folder (kept: it holds the journal that lets an interrupted migration resume). */
  out?: string
  /** Surface to read from in the source. */
  sourceTarget?: PushTarget
  /** Surface to write to in the target. */
  target?: PushTarget
}

export interface MigrateResult {
  out: string
  export: ExportResult
  import: ImportResult
}

/**
 * Export from one environment and import into another in one go, with the same plan, confirmation and fix-ups
 * as `cc import`. The export folder (default `<config dir>/migrations/<from>--<to>`) keeps both journals, so
 * running the same migration again after an interruption carries on where it stopped.
 */
export async function migrateConnectors(options: MigrateOptions, ctx: CoreContext): Promise<MigrateResult> {
  if (options.from.trim().toLowerCase() === options.to.trim().toLowerCase()) {
    throw new UsageError('--from and --to name the same environment.', {code: 'USAGE', suggestions: ['cc migrate --from dev --to test --all']})
  }
  const out = resolve(ctx.cwd, options.out ?? join(ctx.configDir, 'migrations', `${slug(options.from)}--${slug(options.to)}`))
  const where = {...(options.cloud ? {cloud: options.cloud} : {}), ...(options.tenant ? {tenant: options.tenant} : {})}
  const exported = await exportConnectors(
    {
      env: options.from,
      ...where,
      ...(options.connectors ? {connectors: options.connectors} : {}),
      ...(options.all ? {all: true} : {}),
      out,
      ...(options.sourceTarget ? {target: options.sourceTarget} : {}),
      ...(options.concurrency ? {concurrency: options.concurrency} : {}),
    },
    ctx,
  )
  const folders = exported.connectors.filter((c) => c.status !== 'failed').map((c) => c.folder)
  const {from: _from, to: _to, all: _all, out: _out, sourceTarget: _source, connectors: _connectors, ...importOptions} = options
  const imported =
    folders.length === 0 && exported.counts.failed > 0
      ? undefined
      : await importConnectors({...importOptions, ...where, dir: out, env: options.to, connectors: folders}, ctx)
  if (!imported) {
    throw new CcError(`Nothing was migrated: every connector failed to export (${exported.connectors.map((c) => `${c.displayName}: ${c.reason}`).join('; ')}).`, {code: 'EXPORT_FAILED', suggestions: ['Run the same command again: the export resumes where it stopped.']})
  }
  return {out: exported.out, export: exported, import: imported}
}

function slug(ref: string): string {
  return ref.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'env'
}
