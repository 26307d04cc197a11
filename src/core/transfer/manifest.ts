import {createHash} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {serializeJson} from '../connector/write.js'
import type {PushTarget} from '../environments/project-environments.js'
import {CcError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {displayPath, isInside} from '../fs/paths.js'
import {parseJsonDocument} from '../json/document.js'
import type {AuthKind} from './auth-kind.js'

/**
 * The export folder: one connector folder per connector and `manifest.json`, which says where they came from.
 * The source's ids, redirect URL and managed identity are information only: every environment has its own,
 * and import reads the target's from the platform.
 */
export const manifestFileName = 'manifest.json'
/** Journals of export and import runs live here, inside the export folder. */
export const journalFolderName = '.journal'
export const manifestFormat = 'cc-connector-export'

export interface ManifestEnvironment {
  ref: string
  environmentId: string
  displayName?: string
  cloud: string
  tenantId?: string
}

export interface ManifestConnector {
  /** Folder (inside the export folder) holding the connector's files. */
  folder: string
  displayName: string
  auth: AuthKind
  /** OAuth client ids (Entra ID) the connector names. */
  clientIds: string[]
  /** Needs an OAuth client secret, which is not exported. */
  needsSecret: boolean
  managedIdentity: boolean
  source: {
    /** Power Apps resource provider name (`shared_…`). */
    name?: string
    dataverseId?: string
    logicalName?: string
    /** Where the connector is visible in the source: the RP, the Dataverse connector table, or both. */
    surfaces: PushTarget[]
    /** Unmanaged and managed solutions (unique names) the connector is a component of, besides Default. */
    solutions: string[]
    /** Information only: the source's per-connector redirect URL. */
    redirectUrl?: string
    /** Information only: the source's managed identity (never reused elsewhere). */
    managedIdentity?: {issuer: string; subject: string}
    /** When the connector last changed in the source (lets a resumed export skip it). */
    modifiedOn?: string
  }
  /** SHA-256 of the folder's files (names and bytes). */
  sha256: string
  files: string[]
}

export interface ExportManifest {
  format: typeof manifestFormat
  version: 1
  exportedAt: string
  source: ManifestEnvironment & {readFrom: PushTarget}
  connectors: ManifestConnector[]
}

/** SHA-256 over a folder's files, in name order (name, NUL, bytes). */
export async function folderDigest(dir: string): Promise<{sha256: string; files: string[]}> {
  const files = (await readdir(dir, {withFileTypes: true})).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort()
  const hash = createHash('sha256')
  for (const name of files) hash.update(name).update('\0').update(await readFile(join(dir, name))).update('\0')
  return {sha256: hash.digest('hex'), files}
}

export async function writeManifest(dir: string, manifest: ExportManifest): Promise<string> {
  const path = join(dir, manifestFileName)
  await writeFileAtomic(path, serializeJson(manifest))
  return path
}

/** Reads and checks an export folder's manifest; every problem names the file (and line for syntax). */
export async function readManifest(dir: string, cwd: string): Promise<ExportManifest> {
  const path = join(dir, manifestFileName)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new CcError(`${displayPath(dir, cwd)} is not an export folder: it has no ${manifestFileName}.`, {
      code: 'EXPORT_NOT_FOUND',
      file: path,
      suggestions: [`cc export --env <source> --all --out ${displayPath(dir, cwd)}`, 'Pass the folder that cc export wrote (it holds manifest.json and one folder per connector).'],
    })
  }
  const doc = parseJsonDocument(text, {duplicates: false})
  const problem = doc.problems[0]
  if (problem) throw invalid(path, `is not valid JSON: ${problem.message}`, problem)
  const value = doc.value as Partial<ExportManifest> | undefined
  const where = (pointer: string) => {
    const p = doc.locate(pointer)
    return {line: p.line, column: p.column}
  }
  if (!value || typeof value !== 'object' || value.format !== manifestFormat) throw invalid(path, `is not a cc export manifest (format must be "${manifestFormat}").`, where('/format'))
  if (value.version !== 1) throw invalid(path, `has version ${String(value.version)}; this cc reads version 1.`, where('/version'))
  if (!value.source || typeof value.source.environmentId !== 'string') throw invalid(path, 'has no source environment.', where('/source'))
  if (!Array.isArray(value.connectors)) throw invalid(path, 'has no connectors list.', where('/connectors'))
  const folders = new Set<string>()
  value.connectors.forEach((c, i) => {
    const folder = (c as Partial<ManifestConnector>)?.folder
    if (typeof folder !== 'string' || folder === '' || folder.startsWith('.') || /[\\/]/.test(folder) || !isInside(dir, folder)) {
      throw invalid(path, `connectors[${i}].folder must be the name of a folder inside the export folder.`, where(`/connectors/${i}/folder`))
    }
    if (typeof c.displayName !== 'string' || c.displayName.trim() === '') throw invalid(path, `connectors[${i}].displayName is missing.`, where(`/connectors/${i}`))
    if (folders.has(folder.toLowerCase())) throw invalid(path, `connectors[${i}].folder "${folder}" appears twice.`, where(`/connectors/${i}/folder`))
    folders.add(folder.toLowerCase())
  })
  return value as ExportManifest
}

function invalid(path: string, message: string, at: {line: number; column: number}): CcError {
  return new CcError(`${path} ${message}`, {
    code: 'EXPORT_MANIFEST_INVALID',
    file: path,
    line: at.line,
    column: at.column,
    suggestions: ['Export again with cc export (the manifest is written by cc; edit the connector folders, not the manifest).'],
  })
}

/** Folder names for connectors: the display name as a slug, with `-2`, `-3`… for repeats (in the given order). */
export function uniqueFolderNames(slugs: readonly string[]): string[] {
  const used = new Set<string>()
  return slugs.map((slug) => {
    let name = slug
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${slug}-${n}`
    used.add(name.toLowerCase())
    return name
  })
}
