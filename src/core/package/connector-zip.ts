import {readdir, readlink, realpath, stat} from 'node:fs/promises'
import {basename, dirname, isAbsolute, join, resolve} from 'node:path'

import {CanonicalFile, assignFileRoles} from '../connector/layout.js'
import {loadConnector} from '../connector/load.js'
import type {Connector} from '../connector/types.js'
import {contentOf, serializeJson} from '../connector/write.js'
import {CcError, UsageError} from '../errors.js'
import {displayPath, isInside} from '../fs/paths.js'
import {loadProjectFile} from '../project/project-file.js'
import type {ZipFileEntry} from '../zip/write.js'
import {stripSecrets} from './secrets.js'

/** The files of a connector zip, in the layout of the PowerPlatformConnectors repository, at the zip root. */
export interface ConnectorZipContent {
  entries: ZipFileEntry[]
  /** Where each entry came from (file name in the folder). */
  sources: string[]
  /** JSON pointers (into apiProperties.json) of the client secrets left out. */
  secretsRemoved: string[]
  /** Files of the folder that are not part of a connector package (settings.json, notes, …). */
  leftOut: string[]
  /** What changed on the way (YAML written as JSON, a byte order mark dropped). */
  notes: string[]
}

/**
 * The connector folders to package: the paths given (folders, or files inside one), else the current folder when
 * it is a connector, else every connector folder in cc.yaml's connectors folder (or ./connectors).
 */
export async function connectorFolders(paths: readonly string[], cwd: string): Promise<string[]> {
  if (paths.length > 0) {
    return Promise.all(
      paths.map(async (path) => {
        const full = resolve(cwd, path)
        try {
          return (await stat(full)).isDirectory() ? full : dirname(full)
        } catch (error) {
          throw new UsageError(`No such file or folder: ${path}`, {code: 'PATH_NOT_FOUND', cause: error, suggestions: ['Pass a connector folder, e.g. cc package connectors/contoso.']})
        }
      }),
    )
  }
  if (await isConnectorFolder(cwd)) return [cwd]
  const project = await loadProjectFile(cwd)
  const folder = project && typeof project.data.connectors === 'string' ? resolve(project.dir, project.data.connectors) : resolve(project?.dir ?? cwd, 'connectors')
  let names: string[] = []
  try {
    names = (await readdir(folder, {withFileTypes: true})).filter((e) => e.isDirectory()).map((e) => e.name).sort()
  } catch {
    names = []
  }
  const found: string[] = []
  for (const name of names) if (await isConnectorFolder(join(folder, name))) found.push(join(folder, name))
  if (found.length > 0) return found
  throw new UsageError(`Nothing to package: ${displayPath(cwd, cwd)} is not a connector folder and ${displayPath(folder, cwd)} holds none.`, {
    code: 'PACKAGE_NOTHING_TO_PACKAGE',
    suggestions: ['cc package <connector folder>', 'cc scaffold <name> to create a connector'],
  })
}

async function isConnectorFolder(dir: string): Promise<boolean> {
  try {
    return assignFileRoles(await readdir(dir)).apiDefinition !== undefined
  } catch {
    return false
  }
}

/**
 * Loads a connector folder for packaging and refuses anything that would take a file from outside it: a symbolic
 * link whose target lies elsewhere, or a settings.json that names a file outside (`..`, absolute paths). Links
 * that stay inside are not followed: they are listed with the files left out.
 */
export async function loadForPackaging(dir: string, cwd: string): Promise<Connector> {
  const connector = await loadConnector(dir)
  const root = await realpath(connector.dir)
  const settings = connector.settings?.value ?? {}
  for (const key of ['apiDefinition', 'apiProperties', 'icon', 'script'] as const) {
    const value = settings[key]
    if (typeof value !== 'string' || value === '') continue
    const target = resolve(root, value.replaceAll('\\', '/'))
    if (isAbsolute(value) || !isInside(root, target)) {
      throw escapes(connector, connector.settings!.name, `names ${key} "${value}", which is outside the connector folder`, cwd)
    }
  }
  // loadConnector reads regular files only; links are checked here so that none can bring in an outside file.
  for (const entry of await readdir(root, {withFileTypes: true})) {
    if (!entry.isSymbolicLink()) continue
    let target: string
    try {
      target = await realpath(join(root, entry.name))
    } catch {
      target = resolve(root, await readlink(join(root, entry.name)))
    }
    if (!isInside(root, target)) throw escapes(connector, entry.name, `is a link to ${target}, outside the connector folder`, cwd)
    connector.otherFiles.push(entry.name)
  }
  return connector
}

function escapes(connector: Connector, file: string, what: string, cwd: string): CcError {
  return new CcError(`${displayPath(join(connector.dir, file), cwd)} ${what}; cc package only takes files from inside the folder.`, {
    code: 'PACKAGE_PATH_ESCAPES',
    file: join(connector.dir, file),
    suggestions: ['Copy the file into the connector folder instead of linking to it or naming a path outside.'],
  })
}

/**
 * The zip entries of a loaded connector: apiDefinition.swagger.json (YAML written as JSON), apiProperties.json
 * without client secrets, icon.png, script.csx and readme.md when present, with canonical names in that order.
 * JSON files keep the author's text unless something had to change. Throws when a JSON file is not valid JSON.
 */
export function connectorZipContent(connector: Connector): ConnectorZipContent {
  const content = contentOf(connector)
  const notes: string[] = []
  const definition = connector.apiDefinition!
  let definitionText: string
  if (definition.format === 'yaml') {
    definitionText = serializeJson(content.apiDefinition)
    notes.push(`${definition.name} written as ${CanonicalFile.apiDefinition}`)
  } else {
    definitionText = definition.doc.text
  }
  const properties = connector.apiProperties!
  const {value: stripped, removed} = stripSecrets(content.apiProperties)
  const propertiesText = removed.length > 0 ? serializeJson(stripped) : properties.doc.text
  for (const file of [definition, properties]) if (file.doc.bom) notes.push(`${file.name}: the UTF-8 byte order mark was left out`)

  const entries: ZipFileEntry[] = [
    {path: CanonicalFile.apiDefinition, data: definitionText},
    {path: CanonicalFile.apiProperties, data: propertiesText},
  ]
  const sources = [definition.name, properties.name]
  if (connector.icon) {
    entries.push({path: CanonicalFile.icon, data: connector.icon.bytes})
    sources.push(connector.icon.name)
  }
  if (connector.script) {
    entries.push({path: CanonicalFile.script, data: connector.script.text})
    sources.push(connector.script.name)
  }
  if (connector.readme) {
    entries.push({path: CanonicalFile.readme, data: connector.readme.text})
    sources.push(connector.readme.name)
  }
  const leftOut = [...(connector.settings ? [connector.settings.name] : []), ...connector.otherFiles.filter((name) => !sources.includes(name))].sort()
  return {entries, sources, secretsRemoved: removed, leftOut, notes}
}

/** The zip path of each connector: --out as a file for one connector, as a folder for several; default dist/<name>.zip. */
export async function zipPaths(dirs: readonly string[], out: string | undefined, cwd: string): Promise<string[]> {
  const names = dirs.map((dir) => basename(dir))
  const duplicate = names.find((name, i) => names.indexOf(name) !== i)
  if (duplicate) {
    throw new UsageError(`Two connector folders are named ${duplicate}; their zips would overwrite each other.`, {
      code: 'PACKAGE_DUPLICATE_NAME',
      suggestions: ['Package them one at a time with --out <file>.'],
    })
  }
  if (out === undefined) return names.map((name) => resolve(cwd, 'dist', `${name}.zip`))
  const target = resolve(cwd, out)
  let isFolder = /[/\\]$/.test(out)
  try {
    isFolder ||= (await stat(target)).isDirectory()
  } catch {
    // a new path
  }
  if (isFolder || (dirs.length > 1 && !/\.zip$/i.test(out))) return names.map((name) => join(target, `${name}.zip`))
  if (dirs.length > 1) {
    throw new UsageError(`--out ${out} names one zip file, but there are ${dirs.length} connectors to package.`, {
      code: 'PACKAGE_OUT_IS_FILE',
      suggestions: ['Pass a folder to --out (each connector becomes <folder>/<name>.zip), or package one connector.'],
    })
  }
  return [target]
}
