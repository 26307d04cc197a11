import {randomBytes} from 'node:crypto'
import {mkdir, readdir, rename, rm, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {type DataverseClient} from '../clients/dataverse.js'
import {collectPages} from '../clients/paging.js'
import type {ApiProperties} from '../connector/types.js'
import {writeConnector} from '../connector/write.js'
import type {CoreContext} from '../context.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {type ResolvedEnvironment, type Session, withSession} from '../environments/session.js'
import {CcError, isCcError, UsageError} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import {folderNameFor, pullFromDataverse, pullFromRp, type PulledConnector} from '../pull/pull.js'
import {oauthSettingsOf, stripSecrets} from '../push/oauth.js'
import {type AuthKind, authSummary} from './auth-kind.js'
import {environmentConnectors, type EnvironmentConnector, quietContext, selectConnectors} from './inventory.js'
import {Journal} from './journal.js'
import {type ExportManifest, folderDigest, type ManifestConnector, type ManifestEnvironment, manifestFileName, manifestFormat, readManifest, uniqueFolderNames, writeManifest, journalFolderName} from './manifest.js'
import {defaultConcurrency, runPool} from './pool.js'

export interface ExportOptions extends EnvironmentRequest {
  /** Connectors to export: Power Apps names, Dataverse ids or logical names, or display names. */
  connectors?: string[]
  /** Export every custom connector of the environment. */
  all?: boolean
  /** The export folder (created; an earlier export of the same environment there is resumed). */
  out: string
  /** Read from the Power Apps RP or the Dataverse connector table (default: dataverse where the environment has it). */
  target?: PushTarget
  concurrency?: number
}

export interface ExportedConnector {
  folder: string
  displayName: string
  name?: string
  dataverseId?: string
  auth: AuthKind
  /** exported: written now; unchanged: the folder from an earlier run is up to date (not read again). */
  status: 'exported' | 'unchanged' | 'failed'
  /** Written by an earlier, interrupted run of this export. */
  resumed?: boolean
  reason?: string
  code?: string
}

export interface ExportResult {
  source: ManifestEnvironment & {readFrom: PushTarget}
  out: string
  manifest: string
  connectors: ExportedConnector[]
  counts: {exported: number; unchanged: number; failed: number}
  /** Folders of connectors that are no longer in the source (with --all), removed from the export. */
  removed: string[]
}

/** What the journal keeps per exported connector: its manifest entry (folder, digest, source's change time). */
type ExportJournalEntry = ManifestConnector

/** Where the platform puts the per-connector redirect URL; exported folders hold the generic one. */
const globalRedirectUrl = 'https://global.consent.azure-apim.net/redirect'

/**
 * Writes one folder per connector of an environment, plus manifest.json (source environment, ids, surfaces,
 * solution membership, auth kind, and the source's redirect URL and managed identity as information). Folders
 * are replaced atomically, secrets are never written, and the per-connector redirect URL is reset to the
 * generic one (every environment has its own). Resumable: a journal in the folder records what is done, and a
 * connector unchanged in the source since it was exported is not read again.
 */
export async function exportConnectors(options: ExportOptions, ctx: CoreContext): Promise<ExportResult> {
  const wanted = options.connectors?.filter((c) => c.trim() !== '') ?? []
  if (wanted.length === 0 && !options.all) {
    throw new UsageError('Say which connectors to export: --connector ID|NAME (repeatable) or --all.', {code: 'EXPORT_NOTHING_SELECTED', suggestions: ['cc export --env dev --all --out exports/dev']})
  }
  if (wanted.length > 0 && options.all) throw new UsageError('Pass either --connector or --all, not both.', {code: 'USAGE'})
  const out = resolve(ctx.cwd, options.out)
  const quiet = quietContext(ctx)
  return withSession(options, quiet, async (session) => {
    const env = await session.environment()
    const previous = await checkExportFolder(out, env, ctx)
    const readFrom: PushTarget = options.target ?? (env.dataverseUrl ? 'dataverse' : 'rp')
    ctx.reporter.step(`Listing the connectors of ${env.displayName ?? env.environmentId}`)
    const all = await environmentConnectors(session, env, {dataverse: readFrom === 'dataverse' || (env.dataverseUrl ? 'if-allowed' : false)})
    const selected = options.all ? all : selectConnectors(all, wanted, env, `cc export --env ${env.ref}`)
    const memberships = all.some((c) => c.row) ? await solutionMemberships(await session.dataverse()) : new Map<string, string[]>()

    await mkdir(out, {recursive: true})
    await removeStaging(out)
    const journal = await Journal.open<ExportJournalEntry>(out, 'export', 'export', env.environmentId)
    await journal.start()
    const folders = folderNamesFor(selected, journal, previous)
    const source = {ref: env.ref, environmentId: env.environmentId, ...(env.displayName ? {displayName: env.displayName} : {}), cloud: env.cloud, ...(env.tenantId ? {tenantId: env.tenantId} : {}), readFrom}

    ctx.reporter.step(`Exporting ${selected.length} connector${selected.length === 1 ? '' : 's'} to ${displayPath(out, ctx.cwd)}`)
    const entries: Array<ManifestConnector | undefined> = []
    const settled = await runPool(
      selected,
      options.concurrency ?? defaultConcurrency,
      async (item, index) => {
        const folder = folders[index]!
        const key = journalKey(item)
        const done = journal.get(key)
        const dir = join(out, folder)
        if (done && done.folder === folder && done.source.modifiedOn === item.modifiedOn && (await folderDigest(dir).catch(() => undefined))?.sha256 === done.sha256) {
          entries[index] = {...done, source: sourceInfo(item, memberships)}
          return {status: 'unchanged' as const, auth: done.auth, ...(journal.interrupted.has(key) ? {resumed: true} : {})}
        }
        const pulled = readFrom === 'dataverse' && item.dataverseId && item.row ? await pullFromDataverse(session, env, item.dataverseId) : await readFromRp(session, env, item, quiet)
        const apiProperties = exportedProperties(pulled.apiProperties)
        await replaceFolder(out, folder, async (staging) => {
          await writeConnector(staging, {apiDefinition: pulled.apiDefinition, apiProperties, ...(pulled.icon ? {icon: pulled.icon} : {}), ...(pulled.script !== undefined ? {script: pulled.script} : {})})
        })
        const digest = await folderDigest(dir)
        const auth = authSummary(apiProperties, pulled.apiDefinition)
        const entry: ManifestConnector = {
          folder,
          displayName: pulled.displayName,
          auth: auth.kind,
          clientIds: auth.clientIds,
          needsSecret: auth.needsSecret,
          managedIdentity: auth.managedIdentity,
          source: sourceInfo(item, memberships),
          sha256: digest.sha256,
          files: digest.files,
        }
        entries[index] = entry
        await journal.record(key, entry)
        return {status: 'exported' as const, auth: auth.kind}
      },
      {...(ctx.signal ? {signal: ctx.signal} : {}), onSettled: (done, total) => ctx.reporter.progress(done, total, 'Exported')},
    )

    const connectors: ExportedConnector[] = selected.map((item, index) => {
      const outcome = settled[index]!
      const base = {folder: folders[index]!, displayName: item.displayName, ...(item.name ? {name: item.name} : {}), ...(item.dataverseId ? {dataverseId: item.dataverseId} : {})}
      if (outcome.status === 'fulfilled') return {...base, ...outcome.value}
      const error = outcome.reason
      return {...base, auth: 'none' as AuthKind, status: 'failed' as const, reason: error instanceof Error ? error.message : String(error), ...(isCcError(error) ? {code: error.code} : {})}
    })

    // With --all, connectors the source no longer has leave the export; otherwise earlier entries stay.
    const exportedFolders = new Set(folders.map((f) => f.toLowerCase()))
    const earlier = (previous?.connectors ?? []).filter((c) => !exportedFolders.has(c.folder.toLowerCase()))
    const removed: string[] = []
    if (options.all) {
      for (const c of earlier) {
        await rm(join(out, c.folder), {recursive: true, force: true})
        removed.push(c.folder)
      }
    }
    const manifest: ExportManifest = {
      format: manifestFormat,
      version: 1,
      exportedAt: new Date().toISOString(),
      source,
      connectors: [...(options.all ? [] : earlier), ...entries.filter((e): e is ManifestConnector => e !== undefined)].sort((a, b) => a.folder.localeCompare(b.folder)),
    }
    const manifestPath = await writeManifest(out, manifest)
    if (connectors.every((c) => c.status !== 'failed')) await journal.complete()
    return {
      source,
      out: displayPath(out, ctx.cwd),
      manifest: displayPath(manifestPath, ctx.cwd),
      connectors,
      counts: {exported: count(connectors, 'exported'), unchanged: count(connectors, 'unchanged'), failed: count(connectors, 'failed')},
      removed,
    }
  })
}

function count(connectors: ExportedConnector[], status: ExportedConnector['status']): number {
  return connectors.filter((c) => c.status === status).length
}

function journalKey(item: EnvironmentConnector): string {
  return (item.name ?? item.dataverseId ?? item.displayName).toLowerCase()
}

/** An existing folder is fine when empty or an export of the same environment; anything else is refused. */
async function checkExportFolder(out: string, env: ResolvedEnvironment, ctx: CoreContext): Promise<ExportManifest | undefined> {
  let names: string[]
  try {
    if (!(await stat(out)).isDirectory()) throw new UsageError(`${displayPath(out, ctx.cwd)} is a file, not a folder.`, {code: 'EXPORT_FOLDER_INVALID', file: out})
    names = await readdir(out)
  } catch (error) {
    if (isCcError(error)) throw error
    return undefined
  }
  if (names.filter((n) => !n.startsWith('.')).length === 0) return undefined
  if (!names.includes(manifestFileName) && !names.includes(journalFolderName)) {
    throw new CcError(`${displayPath(out, ctx.cwd)} is not empty and is not a cc export; nothing was written.`, {
      code: 'EXPORT_FOLDER_NOT_EMPTY',
      file: out,
      suggestions: ['Pass a new or empty folder with --out.'],
    })
  }
  const manifest = names.includes(manifestFileName) ? await readManifest(out, ctx.cwd) : undefined
  if (manifest && manifest.source.environmentId.toLowerCase() !== env.environmentId.toLowerCase()) {
    throw new CcError(`${displayPath(out, ctx.cwd)} holds an export of environment ${manifest.source.displayName ?? manifest.source.environmentId}, not of ${env.displayName ?? env.environmentId}; nothing was written.`, {
      code: 'EXPORT_FOLDER_IN_USE',
      file: join(out, manifestFileName),
      suggestions: ['Export each environment to its own folder (--out exports/<environment>).'],
    })
  }
  return manifest
}

/** Stable folder names: the one an earlier run used for the same connector, else the display name as a slug. */
function folderNamesFor(items: EnvironmentConnector[], journal: Journal<ExportJournalEntry>, previous: ExportManifest | undefined): string[] {
  const remembered = items.map((item) => journal.get(journalKey(item))?.folder ?? previous?.connectors.find((c) => (c.source.name && c.source.name === item.name) || (c.source.dataverseId && c.source.dataverseId === item.dataverseId))?.folder)
  const taken = new Set(remembered.filter((f): f is string => f !== undefined).map((f) => f.toLowerCase()))
  const fresh = uniqueFolderNames([...taken, ...items.filter((_, i) => remembered[i] === undefined).map((item) => folderNameFor(item.displayName))]).slice(taken.size)
  let next = 0
  return remembered.map((f) => f ?? fresh[next++]!)
}

function sourceInfo(item: EnvironmentConnector, memberships: Map<string, string[]>): ManifestConnector['source'] {
  const surfaces: PushTarget[] = [...(item.registration ? (['rp'] as const) : []), ...(item.row ? (['dataverse'] as const) : [])]
  return {
    ...(item.name ? {name: item.name} : {}),
    ...(item.dataverseId ? {dataverseId: item.dataverseId} : {}),
    ...(item.logicalName ? {logicalName: item.logicalName} : {}),
    surfaces,
    solutions: item.dataverseId ? (memberships.get(item.dataverseId.toLowerCase()) ?? []) : [],
    ...(item.redirectUrl ? {redirectUrl: item.redirectUrl} : {}),
    ...(item.managedIdentity ? {managedIdentity: item.managedIdentity} : {}),
    ...(item.modifiedOn ? {modifiedOn: item.modifiedOn} : {}),
  }
}

async function readFromRp(session: Session, env: ResolvedEnvironment, item: EnvironmentConnector, ctx: CoreContext): Promise<PulledConnector> {
  if (!item.name) throw new CcError(`${item.displayName} has no runtime connector in the Power Apps resource provider yet.`, {code: 'CONNECTOR_NOT_PROVISIONED', suggestions: ['Export again in a minute, or with --target dataverse.']})
  return pullFromRp(session, env, item.name, ctx)
}

/** The properties as they go into an exported folder: no secrets, and the generic redirect URL. */
export function exportedProperties(apiProperties: ApiProperties): ApiProperties {
  const copy = structuredClone(apiProperties)
  stripSecrets(copy)
  for (const {settings} of oauthSettingsOf(copy)) {
    if (String(settings.redirectMode ?? '').toLowerCase() === 'globalperconnector' && typeof settings.redirectUrl === 'string') settings.redirectUrl = globalRedirectUrl
  }
  return copy
}

/** Solutions (other than Default) that each connector is a component of, by connectorid. */
async function solutionMemberships(dataverse: DataverseClient): Promise<Map<string, string[]>> {
  const [components, solutions] = await Promise.all([
    collectPages<{objectid?: string; _solutionid_value?: string}>(dataverse.http, {
      path: 'api/data/v9.2/solutioncomponents',
      query: {$select: 'objectid,_solutionid_value', $filter: 'componenttype eq 372'},
      purpose: 'reading the solution membership of connectors',
    }),
    collectPages<{solutionid?: string; uniquename?: string}>(dataverse.http, {path: 'api/data/v9.2/solutions', query: {$select: 'solutionid,uniquename'}, purpose: 'listing solutions'}),
  ])
  const names = new Map(solutions.map((s) => [String(s.solutionid).toLowerCase(), String(s.uniquename)]))
  const out = new Map<string, string[]>()
  for (const c of components) {
    const solution = names.get(String(c._solutionid_value).toLowerCase())
    if (!solution || solution === 'Default' || !c.objectid) continue
    const key = c.objectid.toLowerCase()
    out.set(key, [...new Set([...(out.get(key) ?? []), solution])].sort())
  }
  return out
}

/**
 * Replaces `<parent>/<name>` with a folder written by `write`, as one step as far as the file system allows: the
 * new folder is staged beside it and renamed into place; the old one is moved aside first and removed after.
 */
async function replaceFolder(parent: string, name: string, write: (staging: string) => Promise<void>): Promise<void> {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`
  const staging = join(parent, `.${name}.${tag}.staging`)
  const old = join(parent, `.${name}.${tag}.old`)
  await write(staging)
  const target = join(parent, name)
  let moved = false
  try {
    await rename(target, old)
    moved = true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(staging, {recursive: true, force: true})
      throw error
    }
  }
  await rename(staging, target)
  if (moved) await rm(old, {recursive: true, force: true})
}

/** Leftovers of a run that was killed while it replaced a folder. */
async function removeStaging(out: string): Promise<void> {
  for (const name of await readdir(out)) {
    if (/^\..+\.\d+\.[0-9a-f]{8}\.(staging|old)$/.test(name)) await rm(join(out, name), {recursive: true, force: true})
  }
}
