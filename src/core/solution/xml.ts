import {XMLBuilder, XMLParser, XMLValidator} from 'fast-xml-parser'

import {CcError} from '../errors.js'

/**
 * XML as Dataverse solution files use it, on fast-xml-parser: the builder keeps element order as given (object key
 * order), writes attributes from `@_`-prefixed keys and escapes text and attribute values; the parser keeps every
 * value a string (no number guessing: `0123` stays `0123`).
 */

export const xsiNamespace = 'http://www.w3.org/2001/XMLSchema-instance'
/** `xsi:nil="true"`, as exports write unset publisher fields. */
export const nil = {'@_xsi:nil': 'true'} as const

const BOM = '\uFEFF'
const declaration = '<?xml version="1.0" encoding="utf-8"?>'

export type XmlTree = {[key: string]: XmlValue}
export type XmlValue = string | number | XmlTree | XmlTree[] | string[] | undefined

export interface RenderXmlOptions {
  /** Start with a UTF-8 byte order mark, as Dataverse exports do. Default true. */
  bom?: boolean
  /** Indent with two spaces (false: one line, as [Content_Types].xml is exported). Default true. */
  indent?: boolean
}

let prettyBuilder: XMLBuilder | undefined
let lineBuilder: XMLBuilder | undefined

/** Renders a tree to XML text with the `<?xml … encoding="utf-8"?>` declaration. Undefined values are left out. */
export function renderXml(tree: XmlTree, options: RenderXmlOptions = {}): string {
  const indent = options.indent !== false
  const builder = indent
    ? (prettyBuilder ??= makeBuilder(true))
    : (lineBuilder ??= makeBuilder(false))
  const body = builder.build(tree) as string
  return `${options.bom === false ? '' : BOM}${declaration}${indent ? '\n' : ''}${body.replace(/\n$/, '')}${indent ? '\n' : ''}`
}

function makeBuilder(format: boolean): XMLBuilder {
  return new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format,
    indentBy: '  ',
    suppressEmptyNode: true,
    suppressBooleanAttributes: false,
    suppressUnpairedNode: false,
  })
}

/** Removes the characters XML 1.0 cannot hold (control characters other than tab, CR, LF; lone surrogates). */
export function xmlSafeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
}

/**
 * Parses a solution XML file. Elements named in `arrays` (dotted paths from the root) always parse as arrays.
 * Refuses DOCTYPE declarations (no real export has one; they are how entity-expansion attacks start) and reports
 * syntax errors with line and column.
 */
export function parseXml(text: string, file: string, arrays: readonly string[] = []): Record<string, unknown> {
  const body = text.charCodeAt(0) === 0xfe_ff ? text.slice(1) : text
  if (/<!DOCTYPE/i.test(body)) {
    throw new CcError(`${file} contains a DOCTYPE declaration, which solution files never have; refusing to read it.`, {
      code: 'SOLUTION_XML_INVALID',
      file,
      suggestions: ['Export the solution again from the source environment.'],
    })
  }
  const valid = XMLValidator.validate(body)
  if (valid !== true) {
    throw new CcError(`${file} is not well-formed XML: ${valid.err.msg}`, {
      code: 'SOLUTION_XML_INVALID',
      file,
      line: valid.err.line,
      column: valid.err.col,
      suggestions: ['Export the solution again, or fix the XML at this position.'],
    })
  }
  const arraySet = new Set(arrays)
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    processEntities: true,
    isArray: (_name, jpath) => arraySet.has(String(jpath)),
  })
  return parser.parse(body) as Record<string, unknown>
}

/** The text of a parsed element (`<a>text</a>` or `<a attr="…">text</a>`), or undefined for an empty one. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node === '' ? undefined : node
  if (node && typeof node === 'object' && '#text' in node) {
    const text = (node as {'#text'?: unknown})['#text']
    return text === undefined || text === '' ? undefined : String(text)
  }
  return undefined
}

/** An attribute of a parsed element. */
export function attributeOf(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined
  const value = (node as Record<string, unknown>)[`@_${name}`]
  return value === undefined ? undefined : String(value)
}
