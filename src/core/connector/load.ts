import {isUtf8} from 'node:buffer'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, join, resolve} from 'node:path'

import {CcError} from '../errors.js'
import {LineIndex, parseJsonDocument} from '../json/document.js'
import {assignFileRoles} from './layout.js'
import type {ApiProperties, Connector, ConnectorJsonFile, LoadProblem, PaconnSettings, Swagger} from './types.js'

export interface LoadConnectorOptions {
  /** Scan JSON files for duplicate keys (slower; on by default). */
  duplicates?: boolean
  /**
   * The folder's regular file names, when the caller has just listed it (validation's folder discovery): the
   * folder is then not checked and listed a second time.
   */
  files?: readonly string[]
}

/**
 * Loads a connector folder into memory (files are read synchronously: they are small, and sync reads are the
 * fast path for validating hundreds of folders). Tolerant where Microsoft's tools are (UTF-8 BOM, file-name case,
 * paconn settings.json pointing at other file names); every problem is reported with file and line:column
 * in `problems` instead of being thrown. Throws only when the folder itself cannot be read.
 */
export async function loadConnector(dir: string, options: LoadConnectorOptions = {}): Promise<Connector> {
  const root = resolve(dir)
  const names = options.files ?? listFiles(root, dir)

  const problems: LoadProblem[] = []
  const roles = assignFileRoles(names)
  for (const {role, used, ignored} of roles.ambiguous) {
    problems.push({
      ruleId: 'file-ambiguous',
      severity: 'warning',
      file: used,
      message: `several files could be the ${role}: using ${used}, ignoring ${ignored.join(', ')}`,
      hint: 'Keep one file per role, with the canonical name.',
    })
  }

  const connector: Connector = {dir: root, folderName: basename(root), otherFiles: roles.other, problems}
  const duplicates = options.duplicates !== false

  if (roles.settings) {
    connector.settings = readJsonFile<PaconnSettings>(root, roles.settings, problems, duplicates)
  }

  // paconn's settings.json may name other files; use them when they exist in the folder.
  const fromSettings = (key: 'apiDefinition' | 'apiProperties' | 'icon' | 'script'): string | undefined => {
    const value = connector.settings?.value?.[key]
    if (typeof value !== 'string' || value === '') return undefined
    const name = value.replaceAll('\\', '/').replace(/^\.\//, '')
    return names.includes(name) ? name : undefined
  }

  const definitionName = fromSettings('apiDefinition') ?? roles.apiDefinition
  if (definitionName) {
    connector.apiDefinition = /\.ya?ml$/i.test(definitionName)
      ? await readYamlFile<Swagger>(root, definitionName, problems)
      : readJsonFile<Swagger>(root, definitionName, problems, duplicates)
  } else {
    problems.push({
      ruleId: 'file-missing',
      severity: 'error',
      file: 'apiDefinition.swagger.json',
      message: 'the connector has no API definition (apiDefinition.swagger.json)',
      hint: 'Add the OpenAPI 2.0 file, or create one with `cc scaffold --from openapi.yaml`.',
    })
  }

  const propertiesName = fromSettings('apiProperties') ?? roles.apiProperties
  if (propertiesName) {
    connector.apiProperties = readJsonFile<ApiProperties>(root, propertiesName, problems, duplicates)
  } else {
    problems.push({
      ruleId: 'file-missing',
      severity: 'error',
      file: 'apiProperties.json',
      message: 'the connector has no apiProperties.json',
      hint: 'Add apiProperties.json with at least {"properties": {"iconBrandColor": "#da3b01"}}.',
    })
  }

  const iconName = fromSettings('icon') ?? roles.icon
  if (iconName) connector.icon = {path: join(root, iconName), name: iconName, bytes: readBytes(root, iconName)}

  const scriptName = fromSettings('script') ?? roles.script
  if (scriptName) {
    const bytes = readBytes(root, scriptName)
    const {text} = decode(bytes, scriptName, problems)
    connector.script = {path: join(root, scriptName), name: scriptName, text: stripBom(text)}
  }

  if (roles.readme) {
    const bytes = readBytes(root, roles.readme)
    connector.readme = {path: join(root, roles.readme), name: roles.readme, text: stripBom(decode(bytes, roles.readme, problems).text)}
  }

  return connector
}

/** The regular files of a connector folder; throws when the path is not a readable folder. */
function listFiles(root: string, dir: string): string[] {
  try {
    const info = statSync(root)
    if (!info.isDirectory()) {
      throw new CcError(`${dir} is a file, not a connector folder.`, {
        code: 'CONNECTOR_NOT_A_FOLDER',
        suggestions: ['Pass the folder that holds apiDefinition.swagger.json and apiProperties.json.'],
      })
    }
    return readdirSync(root, {withFileTypes: true})
      .filter((e) => e.isFile())
      .map((e) => e.name)
  } catch (error) {
    if (error instanceof CcError) throw error
    throw new CcError(`Connector folder not found: ${dir}`, {
      code: 'CONNECTOR_NOT_FOUND',
      cause: error,
      suggestions: ['Check the path, or create a connector with `cc scaffold <name>`.'],
    })
  }
}

/**
 * A file of the connector folder. A file that was listed but cannot be read (removed since, no permission, a
 * folder by that name) is the user's to fix, not a bug: it ends the load with FILE_UNREADABLE, naming the file.
 */
function readBytes(root: string, name: string): Buffer {
  const path = join(root, name)
  try {
    return readFileSync(path)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new CcError(`Cannot read ${path} (${reason}).`, {
      code: 'FILE_UNREADABLE',
      file: path,
      cause: error,
      suggestions: ['Check that the file exists and is readable, then run the command again.'],
    })
  }
}

function readJsonFile<T>(root: string, name: string, problems: LoadProblem[], duplicates: boolean): ConnectorJsonFile<T> {
  const path = join(root, name)
  const bytes = readBytes(root, name)
  const {text, invalidEncoding} = decode(bytes, name, problems)
  const doc = parseJsonDocument(text, {duplicates})
  if (doc.bom) {
    problems.push({
      ruleId: 'file-bom',
      severity: 'info',
      file: name,
      line: 1,
      column: 1,
      message: 'the file starts with a UTF-8 byte order mark (accepted; some tools, paconn create among them, reject it)',
      hint: 'Save the file as UTF-8 without BOM.',
    })
  }
  for (const problem of doc.problems) {
    problems.push({
      ruleId: problem.code,
      severity: 'error',
      file: name,
      line: problem.line,
      column: problem.column,
      ...(problem.pointer === undefined ? {} : {pointer: problem.pointer}),
      message: problem.message,
      hint: problem.code === 'json-duplicate-key' ? 'Remove one of the two keys; only the last is used.' : 'Fix the JSON syntax at this position.',
    })
  }
  return {path, name, format: 'json', doc, value: doc.value as T | undefined, invalidEncoding}
}

async function readYamlFile<T>(root: string, name: string, problems: LoadProblem[]): Promise<ConnectorJsonFile<T>> {
  const path = join(root, name)
  const bytes = readBytes(root, name)
  const {text, invalidEncoding} = decode(bytes, name, problems)
  const {load} = await import('js-yaml')
  let value: unknown
  try {
    value = load(stripBom(text))
  } catch (error) {
    const mark = (error as {mark?: {line: number; column: number}}).mark
    problems.push({
      ruleId: 'yaml-syntax',
      severity: 'error',
      file: name,
      line: (mark?.line ?? 0) + 1,
      column: (mark?.column ?? 0) + 1,
      message: ((error as {reason?: string}).reason ?? (error as Error).message).split('\n')[0]!,
      hint: 'Fix the YAML syntax at this position.',
    })
  }
  // Positions in YAML sources are approximate: the document is the JSON rendering of the parsed value.
  const doc = parseJsonDocument(JSON.stringify(value ?? null, null, 2), {duplicates: false})
  return {path, name, format: 'yaml', doc, value: value as T | undefined, invalidEncoding}
}

function decode(bytes: Buffer, name: string, problems: LoadProblem[]): {text: string; invalidEncoding: boolean} {
  // Connector files are small: synchronous reads and Buffer decoding are several times cheaper here than
  // fs/promises plus a fatal TextDecoder (measured on the corpus), and the BOM is kept for the JSON layer.
  if (isUtf8(bytes)) return {text: bytes.toString('utf8'), invalidEncoding: false}
  {
    const bad = firstInvalidUtf8(bytes)
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, bad))
    const position = new LineIndex(stripBom(prefix)).position(stripBom(prefix).length)
    problems.push({
      ruleId: 'file-encoding',
      severity: 'error',
      file: name,
      line: position.line,
      column: position.column,
      message: `the file is not valid UTF-8 (byte 0x${bytes[bad]?.toString(16).padStart(2, '0')} at offset ${bad})`,
      hint: 'Save the file as UTF-8 (the service and most tools read connector files as UTF-8).',
    })
    return {text: new TextDecoder('utf-8', {ignoreBOM: true}).decode(bytes), invalidEncoding: true}
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfe_ff ? text.slice(1) : text
}

/** Offset of the first byte that breaks UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    let extra = 0
    if (b < 0x80) extra = 0
    else if (b >= 0xc2 && b <= 0xdf) extra = 1
    else if (b >= 0xe0 && b <= 0xef) extra = 2
    else if (b >= 0xf0 && b <= 0xf4) extra = 3
    else return i
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
    }
    i += extra + 1
  }
  return bytes.length
}
