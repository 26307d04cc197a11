import {type Node, parse as parseTolerant, ParseErrorCode, parseTree, type ParseError, printParseErrorCode, visit} from 'jsonc-parser'

import {formatPointer, parsePointer, type PointerSegment} from './pointer.js'

export interface Position {
  /** 1-based line. */
  line: number
  /** 1-based column, in UTF-16 code units (as editors and ESLint count). */
  column: number
  /** 0-based offset into the text (BOM excluded). */
  offset: number
}

export type JsonProblemCode = 'json-syntax' | 'json-duplicate-key'

export interface JsonProblem extends Position {
  code: JsonProblemCode
  message: string
  /** JSON pointer of the place, where known (duplicate keys). */
  pointer?: string
}

export interface JsonDocument {
  /** The text as parsed, without a leading BOM. */
  readonly text: string
  /** True when the original text started with a UTF-8 BOM. */
  readonly bom: boolean
  /** The parsed value. For broken JSON this is the best-effort value of a tolerant parse (may be undefined). */
  readonly value: unknown
  /** True when the text is strict JSON (JSON.parse accepts it). Duplicate keys do not make it false. */
  readonly strict: boolean
  /** Syntax errors and duplicate keys, in text order. */
  readonly problems: JsonProblem[]
  /** Position of an offset. */
  position(offset: number): Position
  /**
   * Position of the value (or, with `key`, of the property name) at a JSON pointer. When the pointer does not
   * exist, the position of its nearest existing ancestor; `exact` tells which.
   */
  locate(pointer: string | PointerSegment[], target?: 'key' | 'value'): Position & {exact: boolean}
}

export interface ParseJsonOptions {
  /** Scan for duplicate keys (a second pass over the text). Default true. */
  duplicates?: boolean
}

/** Parses JSON text, keeping what is needed to report exact positions. Never throws. */
export function parseJsonDocument(input: string, options: ParseJsonOptions = {}): JsonDocument {
  const bom = input.charCodeAt(0) === 0xfe_ff
  const text = bom ? input.slice(1) : input
  let value: unknown
  let strict = true
  const problems: JsonProblem[] = []
  const lines = new LineIndex(text)

  try {
    value = JSON.parse(text)
  } catch {
    strict = false
    const errors: ParseError[] = []
    value = parseTolerant(text, errors, {allowEmptyContent: false, allowTrailingComma: false, disallowComments: true})
    let lastEnd = -2
    for (const error of errors) {
      // The tolerant parser reports follow-on errors right after the first one; keep the first of a run.
      if (error.offset <= lastEnd + 1) continue
      lastEnd = error.offset + Math.max(error.length, 1)
      const control = error.error === ParseErrorCode.InvalidCharacter ? firstControlCharInString(text, error.offset) : -1
      const comma =
        error.error === ParseErrorCode.ValueExpected || error.error === ParseErrorCode.PropertyNameExpected
          ? trailingCommaBefore(text, error.offset)
          : -1
      let offset = error.offset
      let message = syntaxMessage(error, text)
      if (control >= 0) [offset, message] = [control, controlCharMessage(text, control)]
      else if (comma >= 0) [offset, message] = [comma, `trailing comma before ${JSON.stringify(text[error.offset] ?? 'end of file')} (remove it)`]
      problems.push({code: 'json-syntax', message, ...lines.position(offset)})
    }
    if (errors.length === 0) {
      // JSON.parse is stricter than the tolerant parser in a few places (raw control characters in strings).
      const offset = firstControlCharInString(text, 0)
      problems.push({
        code: 'json-syntax',
        message: offset >= 0 ? controlCharMessage(text, offset) : 'invalid JSON',
        ...lines.position(Math.max(offset, 0)),
      })
    }
  }

  if (options.duplicates !== false && text.length > 0) {
    for (const duplicate of findDuplicateKeys(text)) {
      problems.push({code: 'json-duplicate-key', ...lines.position(duplicate.offset), message: duplicate.message, pointer: duplicate.pointer})
    }
    problems.sort((a, b) => a.offset - b.offset)
  }

  let tree: Node | undefined | null = null
  const getTree = (): Node | undefined => {
    if (tree === null) tree = parseTree(text, [], {allowTrailingComma: true, disallowComments: false}) ?? undefined
    return tree
  }

  return {
    text,
    bom,
    value,
    strict,
    problems,
    position: (offset) => lines.position(offset),
    locate(pointer, target = 'value') {
      const segments = typeof pointer === 'string' ? parsePointer(pointer) : pointer
      const root = getTree()
      if (!root) return {...lines.position(0), exact: false}
      for (let length = segments.length; length >= 0; length--) {
        const node = nodeAt(root, segments, length)
        if (!node) continue
        const exact = length === segments.length
        if (target === 'key' && exact && node.parent?.type === 'property' && node.parent.children?.[0]) {
          return {...lines.position(node.parent.children[0].offset), exact}
        }
        return {...lines.position(node.offset), exact}
      }
      return {...lines.position(root.offset), exact: false}
    },
  }
}

function nodeAt(root: Node, segments: readonly PointerSegment[], length: number): Node | undefined {
  let node: Node | undefined = root
  for (let i = 0; i < length && node; i++) {
    const segment = segments[i]!
    if (node.type === 'object') {
      const key = String(segment)
      let match: Node | undefined
      // The last of duplicate keys wins, as in JSON.parse.
      for (const property of node.children ?? []) {
        if (property.children?.[0]?.value === key) match = property.children[1]
      }
      node = match
    } else if (node.type === 'array') {
      node = typeof segment === 'number' || /^\d+$/.test(segment) ? node.children?.[Number(segment)] : undefined
    } else return undefined
  }
  return node
}

/** Offsets of line starts, for offset → line:column. */
export class LineIndex {
  private starts: number[] | undefined
  constructor(private readonly text: string) {}

  position(offset: number): Position {
    const starts = (this.starts ??= computeLineStarts(this.text))
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (starts[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return {line: low + 1, column: offset - starts[low]! + 1, offset}
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) starts.push(i + 1)
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++
      starts.push(i + 1)
    }
  }
  return starts
}

function syntaxMessage(error: ParseError, text: string): string {
  const code = printParseErrorCode(error.error)
  const found = text.slice(error.offset, error.offset + Math.max(error.length, 1)).slice(0, 20)
  const readable: Record<string, string> = {
    CloseBraceExpected: "expected '}'",
    CloseBracketExpected: "expected ']'",
    ColonExpected: "expected ':'",
    CommaExpected: "expected ','",
    EndOfFileExpected: 'unexpected text after the end of the JSON value',
    InvalidCharacter: 'invalid character',
    InvalidCommentToken: 'comments are not allowed in JSON',
    InvalidEscapeCharacter: 'invalid escape sequence',
    InvalidNumberFormat: 'invalid number',
    InvalidSymbol: 'unexpected token',
    InvalidUnicode: 'invalid \\u escape',
    PropertyNameExpected: 'expected a property name in double quotes (trailing comma?)',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfNumber: 'unterminated number',
    UnexpectedEndOfString: 'unterminated string',
    ValueExpected: 'expected a value (trailing comma?)',
  }
  const what = readable[code] ?? code
  return found.trim() ? `${what}, found ${JSON.stringify(found)}` : what
}

/** Offset of a comma directly before `offset` (only white space between), else -1. */
function trailingCommaBefore(text: string, offset: number): number {
  let i = offset - 1
  while (i >= 0 && /\s/.test(text[i]!)) i--
  return text[i] === ',' && (text[offset] === ']' || text[offset] === '}') ? i : -1
}

function controlCharMessage(text: string, offset: number): string {
  const code = text.charCodeAt(offset)
  const name = code === 9 ? 'tab' : code === 10 ? 'line break' : code === 13 ? 'carriage return' : `U+${code.toString(16).padStart(4, '0').toUpperCase()}`
  const escape = code === 9 ? '\\t' : code === 10 ? '\\n' : code === 13 ? '\\r' : `\\u${code.toString(16).padStart(4, '0')}`
  return `raw ${name} inside a string (write it as ${escape})`
}

/** First raw control character inside a string, scanning from `from` (which must be outside a string or at its quote). */
function firstControlCharInString(text: string, from: number): number {
  let inString = false
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
      else if (c < 0x20) return i
    } else if (c === 34) inString = true
  }
  return -1
}

interface Duplicate {
  offset: number
  pointer: string
  message: string
}

/** Finds keys that occur twice in one object (JSON.parse silently keeps the last). */
export function findDuplicateKeys(text: string): Duplicate[] {
  const found: Duplicate[] = []
  const stack: Array<{keys: Map<string, number> | undefined; index: number}> = []
  const path: PointerSegment[] = []
  visit(
    text,
    {
      onArrayBegin() {
        stack.push({keys: undefined, index: 0})
        path.push(0)
      },
      onArrayEnd() {
        stack.pop()
        path.pop()
        bumpIndex()
      },
      onObjectBegin() {
        stack.push({keys: new Map(), index: 0})
        path.push('')
      },
      onObjectEnd() {
        stack.pop()
        path.pop()
        bumpIndex()
      },
      onObjectProperty(property, offset) {
        const top = stack.at(-1)
        if (!top?.keys) return
        path[path.length - 1] = property
        const first = top.keys.get(property)
        if (first === undefined) top.keys.set(property, offset)
        else {
          found.push({
            offset,
            pointer: formatPointer(path),
            message: `duplicate key ${JSON.stringify(property)} (JSON.parse keeps only the last one)`,
          })
        }
      },
      onLiteralValue() {
        bumpIndex()
      },
    },
    {allowTrailingComma: true, disallowComments: false},
  )
  return found

  function bumpIndex(): void {
    const top = stack.at(-1)
    if (top && !top.keys) {
      top.index++
      path[path.length - 1] = top.index
    }
  }
}
