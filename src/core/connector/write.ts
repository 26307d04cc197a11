import {join} from 'node:path'

import {writeFilesAtomic} from '../fs/atomic.js'
import {CanonicalFile} from './layout.js'
import {CcError} from '../errors.js'
import type {ApiProperties, Connector, PaconnSettings, Swagger} from './types.js'

/** The content of a connector folder, ready to be written. */
export interface ConnectorContent {
  apiDefinition: Swagger
  apiProperties: ApiProperties
  icon?: Uint8Array
  script?: string
  settings?: PaconnSettings
  readme?: string
}

/** JSON as connector files are written: 2-space indent, key order as given, newline at the end. */
export function serializeJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}

/**
 * Writes a connector folder with canonical file names. All files are staged first and renamed into place
 * together, so a failure leaves the folder as it was. Returns the paths written.
 */
export async function writeConnector(dir: string, content: ConnectorContent): Promise<string[]> {
  const files: Array<{path: string; data: string | Uint8Array}> = [
    {path: join(dir, CanonicalFile.apiDefinition), data: serializeJson(content.apiDefinition)},
    {path: join(dir, CanonicalFile.apiProperties), data: serializeJson(content.apiProperties)},
  ]
  if (content.icon) files.push({path: join(dir, CanonicalFile.icon), data: content.icon})
  if (content.script !== undefined) files.push({path: join(dir, CanonicalFile.script), data: content.script})
  if (content.settings) files.push({path: join(dir, CanonicalFile.settings), data: serializeJson(content.settings)})
  if (content.readme !== undefined) files.push({path: join(dir, CanonicalFile.readme), data: content.readme})
  await writeFilesAtomic(files)
  return files.map((f) => f.path)
}

/**
 * The content of a loaded connector, for writing it elsewhere. Throws when the definition or properties are
 * missing or not strict JSON (a tolerant parse may have lost data), unless `tolerant` is set.
 */
export function contentOf(connector: Connector, options: {tolerant?: boolean} = {}): ConnectorContent {
  for (const [file, canonical] of [
    [connector.apiDefinition, CanonicalFile.apiDefinition],
    [connector.apiProperties, CanonicalFile.apiProperties],
  ] as const) {
    const name = file?.name ?? canonical
    const problem = connector.problems.find((p) => p.file === name && p.severity === 'error')
    const unusable = file?.value === undefined || (!options.tolerant && !file.doc.strict)
    if (!unusable) continue
    throw new CcError(`${name} in ${connector.dir} ${file ? 'is not valid JSON' : 'is missing'}${problem ? `: ${problem.message}` : ''}.`, {
      code: file ? 'CONNECTOR_UNREADABLE' : 'CONNECTOR_INCOMPLETE',
      file: join(connector.dir, name),
      ...(problem?.line === undefined ? {} : {line: problem.line, column: problem.column ?? 1}),
      suggestions: ['Run `cc validate` on the folder to see every problem with its position.'],
    })
  }
  return {
    apiDefinition: connector.apiDefinition!.value!,
    apiProperties: connector.apiProperties!.value!,
    ...(connector.icon ? {icon: connector.icon.bytes} : {}),
    ...(connector.script ? {script: connector.script.text} : {}),
    ...(connector.settings?.value ? {settings: connector.settings.value} : {}),
    ...(connector.readme ? {readme: connector.readme.text} : {}),
  }
}
