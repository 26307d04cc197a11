import type {PointerSegment} from './pointer.js'

/**
 * A hand-written JSON scanner that keeps positions. It is the slow path of `parseJsonDocument`: strict files are
 * parsed with the native `JSON.parse`, and this scanner only runs (a) to build an offset index of a document when
 * a finding needs a line:column, (b) to find duplicate keys once a cheap count showed there are some, and (c) as
 * a tolerant parser for text that is not strict JSON, reporting every recoverable fault (trailing and missing
 * commas, raw control characters, non-ASCII white space, comments, a missing closing bracket) with its exact offset
 * and stopping at the first fault it cannot recover from, so that one slip does not produce a cascade of errors.
 */

/** A value in the text: where it starts and ends, and for containers their members. */
export interface JsonNode {
  kind: 'object' | 'array' | 'string' | 'number' | 'literal'
  /** Offset of the first character of the value. */
  offset: number
  /** Offset just after the value (the text length for containers left open by a fatal error). */
  end: number
  /** Offset of the opening quote of the property name, or -1 when the value is not an object member. */
  keyOffset: number
  /** Array elements, or object member values in text order. */
  children?: JsonNode[]
  /** Object members by name; the last of duplicate keys wins, as in JSON.parse. */
  members?: Map<string, JsonNode>
}

export interface ScanError {
  offset: number
  message: string
}

export interface ScanDuplicate {
  /** Offset of the second (or later) occurrence of the key. */
  offset: number
  key: string
  path: PointerSegment[]
}

export interface ScanOptions {
  /** Build the JavaScript value as well (for text that JSON.parse rejected). */
  values?: boolean
  /** Describes an offset as `line:column` in messages that refer to another place. */
  describe?: (offset: number) => string
}

export interface ScanResult {
  root: JsonNode | undefined
  value: unknown
  errors: ScanError[]
  duplicates: ScanDuplicate[]
}

interface Frame {
  node: JsonNode
  /** The value being built (values mode). */
  value: Record<string, unknown> | unknown[] | undefined
  /** Object frames: the name and key offset of the member whose value comes next. */
  key: string
  keyOffset: number
  /** Offset of the last comma seen in this container, -1 after a value. */
  comma: number
  /** True when the container has at least one member. */
  filled: boolean
}

const enum State {
  /** A value must come next. */
  Value,
  /** Inside an object, a property name (or `}` when the object is empty) must come next. */
  Key,
  /** After a value inside a container: `,` or the closing bracket. */
  After,
  /** The root value is complete. */
  Done,
}

class FatalError extends Error {}

const nonAsciiSpaces = new Set([0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff])
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Scans JSON text; never throws. */
export function scanJson(text: string, options: ScanOptions = {}): ScanResult {
  const scanner = new Scanner(text, options)
  return scanner.run()
}

class Scanner {
  private pos = 0
  private readonly stack: Frame[] = []
  private readonly errors: ScanError[] = []
  private readonly duplicates: ScanDuplicate[] = []
  private root: JsonNode | undefined
  private rootValue: unknown
  private readonly values: boolean
  private readonly describe: (offset: number) => string

  constructor(
    private readonly text: string,
    options: ScanOptions,
  ) {
    this.values = options.values === true
    this.describe = options.describe ?? ((offset) => `offset ${offset}`)
  }

  run(): ScanResult {
    try {
      this.parse()
    } catch (error) {
      if (!(error instanceof FatalError)) throw error
      for (const frame of this.stack) frame.node.end = this.text.length
    }
    return {root: this.root, value: this.rootValue, errors: this.errors, duplicates: this.duplicates}
  }

  private parse(): void {
    const text = this.text
    let state = State.Value
    for (;;) {
      this.skipSpace()
      const pos = this.pos
      if (pos >= text.length) {
        if (state === State.Done) return
        const open = this.top()
        if (!open) this.fatal(pos, 'the file is empty: expected a JSON value')
        const closer = open!.node.kind === 'object' ? '}' : ']'
        this.fatal(pos, `unexpected end of file: the ${open!.node.kind} opened at ${this.describe(open!.node.offset)} is not closed (expected '${closer}')`)
      }
      const c = text.charCodeAt(pos)
      switch (state) {
        case State.Done: {
          this.fatal(pos, `unexpected text after the end of the JSON value, found ${quote(text, pos)}`)
          break
        }
        case State.Value: {
          const frame = this.top()
          if ((c === 93 || c === 125) && frame && frame.comma >= 0 && closerOf(frame) === c) {
            // `[1, 2,]` or `{"a": 1,}`: report the comma and close.
            this.error(frame.comma, `trailing comma before ${JSON.stringify(String.fromCharCode(c))} (remove it)`)
            this.close(c)
            state = this.stack.length === 0 ? State.Done : State.After
            break
          }
          if (c === 93 && frame && frame.node.kind === 'array' && !frame.filled) {
            this.close(c)
            state = this.stack.length === 0 ? State.Done : State.After
            break
          }
          state = this.value(c)
          break
        }
        case State.Key: {
          const frame = this.top()!
          if (c === 125) {
            if (frame.comma >= 0) this.error(frame.comma, 'trailing comma before "}" (remove it)')
            this.close(c)
            state = this.stack.length === 0 ? State.Done : State.After
            break
          }
          if (c !== 34) {
            this.fatal(pos, `expected a property name in double quotes, found ${quote(text, pos)}`)
          }
          frame.keyOffset = pos
          frame.key = this.string(true) as string
          frame.comma = -1
          this.skipSpace()
          if (text.charCodeAt(this.pos) !== 58) {
            this.fatal(this.pos, `expected ':' after the property name ${JSON.stringify(frame.key)}, found ${quote(text, this.pos)}`)
          }
          this.pos++
          state = State.Value
          break
        }
        case State.After: {
          const frame = this.top()!
          const isObject = frame.node.kind === 'object'
          if (c === 44) {
            frame.comma = pos
            this.pos++
            state = isObject ? State.Key : State.Value
            break
          }
          if (c === closerOf(frame)) {
            this.close(c)
            state = this.stack.length === 0 ? State.Done : State.After
            break
          }
          const parent = this.stack[this.stack.length - 2]
          if ((c === 93 || c === 125) && parent && closerOf(parent) === c) {
            // `{"a": [1, 2 }`: the inner container was never closed; close it and let the parent take the bracket.
            const closer = isObject ? '}' : ']'
            this.error(pos, `expected ',' or '${closer}', found ${quote(text, pos)}: the ${frame.node.kind} opened at ${this.describe(frame.node.offset)} is not closed (add '${closer}')`)
            this.close(closerOf(frame))
            break
          }
          if (isObject ? c === 34 : startsValue(c)) {
            // A missing comma between two members: report it and carry on as if it were there.
            const what = isObject ? 'property value' : 'array element'
            this.error(pos, `expected ',' or '${isObject ? '}' : ']'}' after the ${what}, found ${quote(text, pos)} (missing comma?)`)
            frame.comma = -1
            state = isObject ? State.Key : State.Value
            break
          }
          this.fatal(pos, `expected ',' or '${isObject ? '}' : ']'}', found ${quote(text, pos)}`)
        }
      }
    }
  }

  /** Parses a value starting at the current position; returns the next state. */
  private value(c: number): State {
    const text = this.text
    const start = this.pos
    if (c === 123 || c === 91) {
      const node: JsonNode = {kind: c === 123 ? 'object' : 'array', offset: start, end: -1, keyOffset: -1, children: []}
      if (c === 123) node.members = new Map()
      const value = this.values ? (c === 123 ? {} : []) : undefined
      this.attach(node, value)
      this.stack.push({node, value, key: '', keyOffset: -1, comma: -1, filled: false})
      this.pos++
      return c === 123 ? State.Key : State.Value
    }
    let node: JsonNode
    let value: unknown
    if (c === 34) {
      value = this.string(this.values)
      node = {kind: 'string', offset: start, end: this.pos, keyOffset: -1}
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      numberPattern.lastIndex = start
      const match = numberPattern.exec(text)
      if (!match || match[0] === '-') this.fatal(start, `invalid number, found ${quote(text, start)}`)
      this.pos = start + match![0].length
      const next = text.charCodeAt(this.pos)
      if (next === 46 || next === 101 || next === 69 || (next >= 48 && next <= 57)) {
        this.fatal(start, `invalid number ${JSON.stringify(text.slice(start, this.pos + 1))} (JSON numbers have no leading zeros, and need digits after '.' and 'e')`)
      }
      value = this.values ? Number(match![0]) : undefined
      node = {kind: 'number', offset: start, end: this.pos, keyOffset: -1}
    } else if (text.startsWith('true', start) || text.startsWith('null', start) || text.startsWith('false', start)) {
      const word = text.startsWith('false', start) ? 'false' : text.slice(start, start + 4)
      this.pos = start + word.length
      value = word === 'true' ? true : word === 'false' ? false : null
      node = {kind: 'literal', offset: start, end: this.pos, keyOffset: -1}
    } else {
      const frame = this.top()
      let message = `expected a value, found ${quote(text, start)}`
      if (c === 39) message = `strings must use double quotes, found ${quote(text, start)}`
      else if (frame && frame.comma >= 0 && (c === 93 || c === 125)) message = `expected a value after ',', found ${quote(text, start)}`
      this.fatal(start, message)
    }
    this.attach(node!, value)
    return this.stack.length === 0 ? State.Done : State.After
  }

  /** Adds a finished (scalar) or just-opened (container) value to its parent. */
  private attach(node: JsonNode, value: unknown): void {
    const frame = this.top()
    if (!frame) {
      this.root = node
      this.rootValue = value
      return
    }
    frame.filled = true
    frame.comma = -1
    frame.node.children!.push(node)
    if (frame.node.kind === 'array') {
      if (this.values) (frame.value as unknown[]).push(value)
      return
    }
    node.keyOffset = frame.keyOffset
    const members = frame.node.members!
    if (members.has(frame.key)) this.duplicates.push({offset: frame.keyOffset, key: frame.key, path: this.path(frame.key)})
    members.set(frame.key, node)
    if (this.values) defineMember(frame.value as Record<string, unknown>, frame.key, value)
  }

  private close(closer: number): void {
    const frame = this.stack.pop()!
    frame.node.end = closer === closerOf(frame) && this.text.charCodeAt(this.pos) === closer ? ++this.pos : this.pos
  }

  /** JSON pointer segments of a member of the innermost open object. */
  private path(key: string): PointerSegment[] {
    const segments: PointerSegment[] = []
    for (let i = 1; i < this.stack.length; i++) {
      const parent = this.stack[i - 1]!
      segments.push(parent.node.kind === 'array' ? parent.node.children!.length - 1 : parent.key)
    }
    segments.push(key)
    return segments
  }

  /** Reads a string at the current position (which holds its opening quote); decodes it when asked. */
  private string(decode: boolean): string | undefined {
    const text = this.text
    const start = this.pos
    let end = start
    for (;;) {
      end = text.indexOf('"', end + 1)
      if (end < 0) this.fatal(start, 'unterminated string (the closing double quote is missing)')
      let backslashes = 0
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++
      if (backslashes % 2 === 0) break
    }
    let control = false
    if (this.values) {
      // Only the tolerant path builds values; strict files never reach it, so checking every character is fine.
      for (let i = start + 1; i < end; i++) {
        const c = text.charCodeAt(i)
        if (c < 0x20) {
          control = true
          this.error(i, controlCharMessage(c))
        } else if (c === 92) i++
      }
    }
    this.pos = end + 1
    if (!decode) return undefined
    const raw = text.slice(start + 1, end)
    if (!control && raw.indexOf('\\') < 0) return raw
    try {
      return JSON.parse(`"${raw.replace(/[\u0000-\u001f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`) as string
    } catch {
      const bad = /\\(?:u(?![0-9a-fA-F]{4})|[^"\\/bfnrtu])/.exec(raw)
      this.error(start + 1 + (bad?.index ?? 0), `invalid escape sequence ${JSON.stringify(bad?.[0] ?? '\\')} in a string`)
      return raw
    }
  }

  /** Skips JSON white space; reports (and skips) non-ASCII white space and comments, which JSON does not allow. */
  private skipSpace(): void {
    const text = this.text
    let pos = this.pos
    for (;;) {
      const c = text.charCodeAt(pos)
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        pos++
        continue
      }
      if (c > 127 && nonAsciiSpaces.has(c)) {
        const start = pos
        while (nonAsciiSpaces.has(text.charCodeAt(pos)) || text.charCodeAt(pos) === 32) pos++
        this.error(start, `${unicodeName(c)} is not JSON white space (use plain spaces)`)
        continue
      }
      if (c === 47 && (text.charCodeAt(pos + 1) === 47 || text.charCodeAt(pos + 1) === 42)) {
        const block = text.charCodeAt(pos + 1) === 42
        const end = block ? text.indexOf('*/', pos + 2) : text.indexOf('\n', pos + 2)
        this.error(pos, 'comments are not allowed in JSON (remove it)')
        if (block && end < 0) this.fatal(pos, 'unterminated comment')
        pos = end < 0 ? text.length : end + (block ? 2 : 1)
        continue
      }
      break
    }
    this.pos = pos
  }

  /** The innermost open container (a plain index: Array.prototype.at is a builtin call in unoptimized code). */
  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1]
  }

  private error(offset: number, message: string): void {
    this.errors.push({offset, message})
  }

  private fatal(offset: number, message: string): never {
    this.errors.push({offset, message})
    throw new FatalError(message)
  }
}

function closerOf(frame: Frame): number {
  return frame.node.kind === 'object' ? 125 : 93
}

function startsValue(c: number): boolean {
  return c === 34 || c === 123 || c === 91 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110
}

function defineMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, {value, enumerable: true, configurable: true, writable: true})
  else target[key] = value
}

function quote(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file'
  const c = text.charCodeAt(offset)
  if (c < 0x20) return controlCharName(c)
  if (c > 127 && nonAsciiSpaces.has(c)) return unicodeName(c)
  const token = /^(?:"(?:[^"\\\n]|\\.){0,30}"?|[\w$.+-]{1,20}|[^\s])/.exec(text.slice(offset, offset + 34))?.[0] ?? text[offset]!
  // A string token is shown as written (it has its quotes); anything else is quoted.
  return token.startsWith('"') && token.length > 1 && token.endsWith('"') ? token : JSON.stringify(token)
}

function unicodeName(c: number): string {
  const names: Record<number, string> = {0xa0: 'NO-BREAK SPACE', 0x2003: 'EM SPACE', 0x2002: 'EN SPACE', 0x2009: 'THIN SPACE', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BOM)', 0x3000: 'IDEOGRAPHIC SPACE'}
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
  return names[c] ? `${hex} ${names[c]}` : hex
}

function controlCharName(c: number): string {
  return c === 9 ? 'a tab' : c === 10 ? 'a line break' : c === 13 ? 'a carriage return' : `control character U+${c.toString(16).padStart(4, '0').toUpperCase()}`
}

export function controlCharMessage(c: number): string {
  const name = c === 9 ? 'tab' : c === 10 ? 'line break' : c === 13 ? 'carriage return' : `control character U+${c.toString(16).padStart(4, '0').toUpperCase()}`
  const escape = c === 9 ? '\\t' : c === 10 ? '\\n' : c === 13 ? '\\r' : `\\u${c.toString(16).padStart(4, '0')}`
  return `raw ${name} inside a string (write it as ${escape})`
}

/**
 * Counts the property names in JSON text without building anything: a string followed by `:` is a name.
 * Compared with the number of keys of the parsed value, it tells whether the text has duplicate keys (JSON.parse
 * keeps only the last), so the costly scan that finds them runs only for files that have some.
 */
export function countKeyTokens(text: string): number {
  let count = 0
  let i = 0
  for (;;) {
    const open = text.indexOf('"', i)
    if (open < 0) return count
    let end = open
    for (;;) {
      end = text.indexOf('"', end + 1)
      if (end < 0) return count
      let backslashes = 0
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++
      if ((backslashes & 1) === 0) break
    }
    let k = end + 1
    let c = text.charCodeAt(k)
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++k)
    if (c === 58) count++
    i = k
  }
}

/** Counts the keys of every object in a parsed JSON value, and how deeply its objects and arrays nest. */
export function countKeysInValue(value: unknown): {keys: number; depth: number} {
  deepest = 0
  const keys = countKeysBelow(value, 1)
  return {keys, depth: deepest}
}

/** Nesting below which counting recurses (fast); deeper values are counted with an explicit stack instead. */
const recursionLimit = 1000
let deepest = 0

function countKeysBelow(value: unknown, depth: number): number {
  if (value === null || typeof value !== 'object') return 0
  if (depth > recursionLimit) {
    const below = measureIteratively(value)
    if (depth - 1 + below.depth > deepest) deepest = depth - 1 + below.depth
    return below.keys
  }
  if (depth > deepest) deepest = depth
  let count = 0
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (item !== null && typeof item === 'object') count += countKeysBelow(item, depth + 1)
    }
    return count
  }
  for (const key in value) {
    count++
    const item = (value as Record<string, unknown>)[key]
    if (item !== null && typeof item === 'object') count += countKeysBelow(item, depth + 1)
  }
  return count
}

/** The same figures for any depth (JSON.parse accepts nesting far deeper than the call stack allows). */
export function measureIteratively(value: unknown): {keys: number; depth: number} {
  if (value === null || typeof value !== 'object') return {keys: 0, depth: 0}
  let keys = 0
  let depth = 0
  const stack: Array<{value: object; depth: number}> = [{value, depth: 1}]
  while (stack.length > 0) {
    const current = stack.pop()!
    if (current.depth > depth) depth = current.depth
    if (Array.isArray(current.value)) {
      const list = current.value as unknown[]
      for (let i = 0; i < list.length; i++) {
        const item = list[i]
        if (item !== null && typeof item === 'object') stack.push({value: item, depth: current.depth + 1})
      }
      continue
    }
    for (const key in current.value) {
      keys++
      const item = (current.value as Record<string, unknown>)[key]
      if (item !== null && typeof item === 'object') stack.push({value: item, depth: current.depth + 1})
    }
  }
  return {keys, depth}
}

/** JSON pointer segments to the first object or array nested deeper than `max` levels, or undefined. */
export function pathDeeperThan(value: unknown, max: number): Array<string | number> | undefined {
  const stack: Array<{value: unknown; path: Array<string | number>}> = [{value, path: []}]
  while (stack.length > 0) {
    const {value: current, path} = stack.pop()!
    if (current === null || typeof current !== 'object') continue
    if (path.length >= max) return path
    const children: Array<{value: unknown; path: Array<string | number>}> = []
    if (Array.isArray(current)) current.forEach((item, i) => children.push({value: item, path: [...path, i]}))
    else for (const key in current) children.push({value: (current as Record<string, unknown>)[key], path: [...path, key]})
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
  return undefined
}
