import {readFile} from 'node:fs/promises'

import type {Swagger} from '../connector/types.js'
import type {CoreContext} from '../context.js'
import {CcError, throwIfAborted} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import {parseJsonDocument} from '../json/document.js'
import {OpenApi3Converter} from './convert.js'
import {isObject, type Json, NoteBook} from './notes.js'
import {normalizeForConnector} from './normalize.js'
import type {ImportedDefinition} from './types.js'

/** How many problems of the input file are listed (the rest are counted). */
const maxInputProblems = 20

/**
 * Reads an OpenAPI 2.0 or 3.x file (JSON or YAML) and turns it into a connector's Swagger 2.0 definition: 3.x is
 * converted, references to other files are bundled in, every operation gets an operationId, one security scheme
 * is kept. What could not be converted is listed with JSON pointers. The input is also checked with
 * @readme/openapi-parser; its complaints are listed, but do not stop the import.
 */
export async function importOpenApi(path: string, ctx: CoreContext): Promise<ImportedDefinition> {
  const shown = displayPath(path, ctx.cwd)
  const {doc, syntax} = await readOpenApiFile(path, shown)
  const version = typeof doc.openapi === 'string' ? doc.openapi : typeof doc.swagger === 'string' ? doc.swagger : String(doc.swagger ?? doc.openapi ?? '')
  if (!/^(2\.0|3\.[01](\.\d+)?)$/.test(version)) {
    throw new CcError(`${shown} is not an OpenAPI 2.0, 3.0 or 3.1 document${version ? ` (it says ${doc.openapi === undefined ? 'swagger' : 'openapi'}: ${version})` : ' (no "swagger" or "openapi" field)'}.`, {
      code: 'OPENAPI_UNSUPPORTED_VERSION',
      file: path,
      suggestions: ['Pass an OpenAPI file with "swagger: 2.0" or "openapi: 3.0.x"/"3.1.x" at the top.'],
    })
  }

  const parser = await import('@readme/openapi-parser')
  let source: Json = doc
  if (hasExternalRefs(doc)) {
    ctx.reporter.step(`Bundling the files ${shown} refers to`)
    try {
      source = (await parser.bundle(path, {resolve: {external: true, file: true, http: {timeout: 5000}}})) as unknown as Json
    } catch (error) {
      throw new CcError(`${shown} refers to a file that cannot be read: ${firstLine(error)}`, {
        code: 'OPENAPI_REF_UNRESOLVED',
        file: path,
        cause: error,
        suggestions: ['Check the $ref paths (they are relative to the file), or bundle the definition into one file first.'],
      })
    }
  }
  throwIfAborted(ctx.signal)

  ctx.reporter.step(`Checking ${shown}`)
  const inputProblems: string[] = []
  try {
    const result = await parser.validate(structuredClone(source) as never, {validate: {errors: {colorize: false}}})
    if (!result.valid) {
      inputProblems.push(...result.errors.slice(0, maxInputProblems).map((e) => firstLine(e.message)))
      const more = result.errors.length - maxInputProblems + result.additionalErrors
      if (more > 0) inputProblems.push(`… and ${more} more`)
    }
  } catch (error) {
    inputProblems.push(firstLine(error))
  }
  throwIfAborted(ctx.signal)

  const notes = new NoteBook()
  let swagger: Swagger
  const converted = version.startsWith('3')
  if (converted) {
    ctx.reporter.step('Converting OpenAPI 3 to Swagger 2.0')
    const converter = new OpenApi3Converter(source)
    swagger = converter.convert()
    notes.notConverted.push(...converter.notes.notConverted)
    notes.approximated.push(...converter.notes.approximated)
  } else {
    swagger = structuredClone(source) as Swagger
  }
  const auth = normalizeForConnector(swagger, notes, {converted})
  return {
    file: path,
    syntax,
    version,
    swagger,
    notConverted: notes.notConverted,
    approximated: notes.approximated,
    inputProblems,
    ...(auth ? {auth} : {}),
  }
}

/** Reads and parses the file as JSON or YAML (by extension, else by its first character); syntax errors carry line:column. */
async function readOpenApiFile(path: string, shown: string): Promise<{doc: Json; syntax: 'json' | 'yaml'}> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CcError(code === 'EISDIR' ? `${shown} is a folder; --from needs an OpenAPI file.` : `OpenAPI file not found: ${shown}`, {
      code: code === 'EISDIR' ? 'OPENAPI_NOT_A_FILE' : 'OPENAPI_NOT_FOUND',
      file: path,
      cause: error,
      suggestions: ['Check the path given to --from.'],
    })
  }
  text = text.replace(/^\uFEFF/, '')
  const syntax = /\.json$/i.test(path) ? 'json' : /\.ya?ml$/i.test(path) ? 'yaml' : text.trimStart().startsWith('{') ? 'json' : 'yaml'
  let value: unknown
  if (syntax === 'json') {
    const doc = parseJsonDocument(text, {duplicates: false})
    const problem = doc.problems.find((p) => p.code === 'json-syntax')
    if (problem) {
      throw new CcError(`${shown} is not valid JSON: ${problem.message}`, {
        code: 'OPENAPI_SYNTAX',
        file: path,
        line: problem.line,
        column: problem.column,
        suggestions: ['Fix the JSON at this position.'],
      })
    }
    value = doc.value
  } else {
    const {load} = await import('js-yaml')
    try {
      value = load(text)
    } catch (error) {
      const mark = (error as {mark?: {line: number; column: number}}).mark
      throw new CcError(`${shown} is not valid YAML: ${firstLine((error as {reason?: string}).reason ?? error)}`, {
        code: 'OPENAPI_SYNTAX',
        file: path,
        line: (mark?.line ?? 0) + 1,
        column: (mark?.column ?? 0) + 1,
        suggestions: ['Fix the YAML at this position.'],
      })
    }
  }
  if (!isObject(value)) {
    throw new CcError(`${shown} does not hold an OpenAPI document (the top level must be an object).`, {code: 'OPENAPI_UNSUPPORTED_VERSION', file: path, line: 1, column: 1})
  }
  return {doc: value, syntax}
}

function hasExternalRefs(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasExternalRefs)
  if (!isObject(value)) return false
  if (typeof value.$ref === 'string' && !value.$ref.startsWith('#')) return true
  return Object.values(value).some(hasExternalRefs)
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text
}
