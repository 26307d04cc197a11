import {readFile, stat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {CcError} from '../errors.js'

export const projectFileNames = ['cc.yaml', 'cc.yml'] as const

/**
 * The project file `cc.yaml`, as found walking up from a folder. Each area reads its own section:
 * `validation` (rules), `environments` and `defaultEnvironment` (sign-in, push), `solution` (packaging),
 * `connectors` (the folder holding connector folders). The JSON schema is schemas/cc.schema.json.
 */
export interface ProjectFile {
  /** Absolute path of cc.yaml. */
  path: string
  /** Folder of cc.yaml; relative paths inside it resolve against this. */
  dir: string
  /** The parsed document (an object; an empty file gives {}). */
  data: Record<string, unknown>
  /** The raw text, for tools that rewrite the file while keeping comments. */
  text: string
}

/** Finds cc.yaml in `from` or the nearest parent folder. */
export async function findProjectFile(from: string): Promise<string | undefined> {
  let dir = resolve(from)
  for (;;) {
    for (const name of projectFileNames) {
      const candidate = join(dir, name)
      try {
        if ((await stat(candidate)).isFile()) return candidate
      } catch {
        // not here
      }
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** Reads and parses a project file; syntax errors become CcError with line and column. */
export async function readProjectFile(path: string): Promise<ProjectFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CcError(`Cannot read the project file ${path}.`, {code: 'PROJECT_FILE_UNREADABLE', file: path, cause: error})
  }
  const {load} = await import('js-yaml')
  let data: unknown
  try {
    data = text.trim() === '' ? {} : load(text)
  } catch (error) {
    const mark = (error as {mark?: {line: number; column: number}}).mark
    throw new CcError(`${path} is not valid YAML: ${((error as {reason?: string}).reason ?? (error as Error).message).split('\n')[0]}`, {
      code: 'PROJECT_FILE_INVALID',
      file: path,
      line: (mark?.line ?? 0) + 1,
      column: (mark?.column ?? 0) + 1,
      suggestions: ['Fix the YAML at this position; schemas/cc.schema.json describes the file.'],
    })
  }
  if (data === null || data === undefined) data = {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new CcError(`${path} must hold a mapping (key: value pairs) at the top level.`, {code: 'PROJECT_FILE_INVALID', file: path, line: 1, column: 1})
  }
  return {path, dir: dirname(path), data: data as Record<string, unknown>, text}
}

/** The project file for a folder, or undefined when there is none. */
export async function loadProjectFile(from: string): Promise<ProjectFile | undefined> {
  const path = await findProjectFile(from)
  return path ? readProjectFile(path) : undefined
}
