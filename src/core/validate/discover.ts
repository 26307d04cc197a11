import {readdirSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'

import {CcError, UsageError} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import type {ProjectFile} from '../project/project-file.js'

const connectorFile = /^(apidefinition\.swagger\.(json|ya?ml)|apiproperties\.json)$/i
const skipped = new Set(['node_modules', '.git', 'dist', 'bin', 'obj'])

/** True when a folder's file names make it a connector folder (an API definition or apiProperties.json). */
export function isConnectorFolder(names: readonly string[]): boolean {
  return names.some((n) => connectorFile.test(n) || /\.swagger\.(json|ya?ml)$/i.test(n))
}

/** A connector folder found by discovery, with the names of its files as listed then. */
export interface FoundConnector {
  dir: string
  /** The folder's regular files (what loadConnector would list), so that loading need not list it again. */
  files: string[]
}

interface Entry {
  name: string
  dir: boolean
  file: boolean
}

// Directory listings are read synchronously: walking a folder of hundreds of connectors one awaited readdir at a
// time cost an event-loop round trip per folder (discovery of the corpus took about 100 ms, now about 50 ms).
function entries(dir: string): Entry[] {
  const list = readdirSync(dir, {withFileTypes: true})
  return list.map((e) => ({name: e.name, dir: e.isDirectory(), file: e.isFile()}))
}

/** The folder as a FoundConnector when its listing makes it a connector folder. */
function asConnector(dir: string, list: readonly Entry[]): FoundConnector | undefined {
  if (!isConnectorFolder(list.filter((e) => !e.dir).map((e) => e.name))) return undefined
  return {dir, files: list.filter((e) => e.file).map((e) => e.name)}
}

/** Connector folders at or below `dir` (a connector folder's own subfolders are not searched). */
export async function findConnectorFolders(dir: string): Promise<string[]> {
  return (await findConnectors(dir)).map((c) => c.dir)
}

/** Connector folders at or below `dir`, each with its file names (a connector folder's subfolders are not searched). */
export async function findConnectors(dir: string): Promise<FoundConnector[]> {
  const found: FoundConnector[] = []
  const walk = async (current: string): Promise<void> => {
    let list: Entry[]
    try {
      list = entries(current)
    } catch {
      return
    }
    const connector = asConnector(current, list)
    if (connector) {
      found.push(connector)
      return
    }
    for (const entry of list.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.dir && !entry.name.startsWith('.') && !skipped.has(entry.name)) await walk(join(current, entry.name))
    }
  }
  await walk(dir)
  return found
}

/**
 * The connector folders to validate. Each path is a connector folder, a file inside one, or a folder searched
 * recursively. Without paths: the current folder when it is a connector, else cc.yaml's `connectors` folder,
 * else ./connectors.
 */
export async function resolveConnectorPaths(paths: readonly string[], cwd: string, project: ProjectFile | undefined): Promise<string[]> {
  return (await resolveConnectors(paths, cwd, project)).map((c) => c.dir)
}

/** What resolveConnectorPaths finds, each folder with the file names read while looking (see FoundConnector). */
export async function resolveConnectors(paths: readonly string[], cwd: string, project: ProjectFile | undefined): Promise<FoundConnector[]> {
  if (paths.length === 0) return defaultConnectors(cwd, project)
  const dirs: FoundConnector[] = []
  for (const path of paths) {
    const absolute = resolve(cwd, path)
    let info
    try {
      info = statSync(absolute)
    } catch {
      throw new UsageError(`No such file or folder: ${path}`, {code: 'PATH_NOT_FOUND', suggestions: ['Check the path; pass a connector folder or a folder that holds connector folders.']})
    }
    if (info.isFile()) {
      const parent = dirname(absolute)
      const connector = asConnector(parent, entries(parent))
      if (!connector) {
        throw new UsageError(`${path} is a file, and its folder is not a connector folder.`, {code: 'NOT_A_CONNECTOR', suggestions: ['Pass the folder that holds apiDefinition.swagger.json.']})
      }
      dirs.push(connector)
      continue
    }
    const found = await findConnectors(absolute)
    if (found.length === 0) {
      throw new UsageError(`No connector folder in ${displayPath(absolute, cwd)} (a connector folder holds apiDefinition.swagger.json or apiProperties.json).`, {
        code: 'NO_CONNECTORS',
        suggestions: ['cc scaffold <name> to create one', 'cc validate <path to a connector folder>'],
      })
    }
    dirs.push(...found)
  }
  // A folder named twice (or found from two paths) is validated once.
  const seen = new Set<string>()
  return dirs.filter((c) => !seen.has(c.dir) && seen.add(c.dir))
}

async function defaultConnectors(cwd: string, project: ProjectFile | undefined): Promise<FoundConnector[]> {
  try {
    const connector = asConnector(cwd, entries(cwd))
    if (connector) return [connector]
  } catch {
    // an unreadable cwd is reported below as "nothing found"
  }
  const configured = project && typeof project.data.connectors === 'string' ? resolve(project.dir, project.data.connectors) : undefined
  const candidates = [configured, resolve(project?.dir ?? cwd, 'connectors'), resolve(cwd, 'connectors')].filter((c): c is string => c !== undefined)
  for (const candidate of [...new Set(candidates)]) {
    try {
      if (!statSync(candidate).isDirectory()) continue
    } catch {
      continue
    }
    const found = await findConnectors(candidate)
    if (found.length > 0) return found
  }
  throw new CcError(`No connectors to validate: ${basename(cwd)} is not a connector folder and there is no connectors/ folder with any.`, {
    code: 'NO_CONNECTORS',
    exitCode: 2,
    suggestions: ['cc validate <connector folder>', 'cc scaffold <name> to create a connector', 'set "connectors: <folder>" in cc.yaml'],
  })
}
