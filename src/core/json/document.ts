import {locateAll, OffsetIndex, type Span} from './offsets.js'
import {formatPointer, parsePointer, type PointerSegment} from './pointer.js'
import {countKeysInValue, countKeyTokens, type JsonNode, measureIteratively, scanJson} from './scanner.js'

export type {Span} from './offsets.js'

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
  /** How many objects and arrays deep the value nests (0 for a scalar, 1 for a flat object). */
  depth(): number
  /** Position of an offset. */
  position(offset: number): Position
  /**
   * Position of the value (or, with `key`, of the property name) at a JSON pointer. When the pointer does not
   * exist, the position of its nearest existing ancestor; `exact` tells which.
   */
  locate(pointer: string | readonly PointerSegment[], target?: 'key' | 'value'): Position & {exact: boolean}
  /**
   * Positions of many pointers at once (one pass over the text for strict JSON): what `locate` gives for each.
   * Cheaper than repeated `locate` calls when a file has many findings.
   */
  locateMany(pointers: ReadonlyArray<readonly PointerSegment[]>, targets: ReadonlyArray<'key' | 'value' | undefined>): Array<Position & {exact: boolean}>
  /** Where the value at a pointer is in the text (offsets of the value and of its key), or undefined. */
  span(pointer: string | readonly PointerSegment[]): Span | undefined
}

export interface ParseJsonOptions {
  /** Look for duplicate keys. Default true. Costs one cheap pass over the text; the exact scan runs only when there are some. */
  duplicates?: boolean
}

/**
 * Parses JSON text, keeping what is needed to report exact positions. Never throws.
 *
 * Strict text goes through the native JSON.parse (the fast path); positions are computed only when asked for, from
 * an offset index built on the first `locate`. Text that JSON.parse rejects goes through a tolerant scanner that
 * reports each fault with its position and still returns a best-effort value.
 */
export function parseJsonDocument(input: string, options: ParseJsonOptions = {}): JsonDocument {
  const bom = input.charCodeAt(0) === 0xfe_ff
  const text = bom ? input.slice(1) : input
  const lines = new LineIndex(text)
  const describe = (offset: number): string => {
    const p = lines.position(offset)
    return `${p.line}:${p.column}`
  }
  const problems: JsonProblem[] = []
  const duplicates = options.duplicates !== false
  let value: unknown
  let strict = true
  // Text JSON.parse rejected keeps the tolerant scanner's tree; strict text gets a lazy offset index when asked.
  let tree: JsonNode | undefined
  let index: OffsetIndex | undefined

  try {
    value = JSON.parse(text)
  } catch (error) {
    strict = false
    const scan = scanJson(text, {values: true, describe})
    value = scan.value
    tree = scan.root
    for (const e of scan.errors) problems.push({code: 'json-syntax', message: e.message, ...lines.position(e.offset)})
    if (scan.errors.length === 0) {
      // Should not happen (the scanner is at least as strict as JSON.parse); keep JSON.parse's own word for it.
      const at = /position (\d+)/.exec((error as Error).message)
      problems.push({code: 'json-syntax', message: (error as Error).message, ...lines.position(at ? Number(at[1]) : 0)})
    }
    if (duplicates) for (const d of scan.duplicates) problems.push(duplicateProblem(d, lines))
  }

  // How deeply the value nests: known from the duplicate-key count when it runs, else measured when first asked.
  let depth: number | undefined
  if (strict && duplicates && value !== null && typeof value === 'object') {
    const counted = countKeysInValue(value)
    depth = counted.depth
    if (countKeyTokens(text) !== counted.keys) {
      const scan = scanJson(text)
      for (const d of scan.duplicates) problems.push(duplicateProblem(d, lines))
    }
  }
  problems.sort((a, b) => a.offset - b.offset)

  const find = (pointer: string | readonly PointerSegment[]): {span: Span; exact: boolean} | undefined => {
    const segments = typeof pointer === 'string' ? parsePointer(pointer) : pointer
    if (!strict) return tree ? walk(tree, segments) : undefined
    if (text.trim() === '') return undefined
    index ??= OffsetIndex.root(text)
    return index.walk(segments)
  }

  return {
    text,
    bom,
    value,
    strict,
    problems,
    depth() {
      return (depth ??= measureIteratively(value).depth)
    },
    position: (offset) => lines.position(offset),
    span(pointer) {
      const found = find(pointer)
      return found?.exact ? found.span : undefined
    },
    locateMany(pointers, targets) {
      if (!strict || index || text.trim() === '') return pointers.map((p, i) => this.locate(p, targets[i]))
      // Without duplicate keys the first occurrence of a member is the one JSON.parse kept: the pass may stop
      // once every pointer is found. (Not when duplicate keys were not looked for.)
      const found = locateAll(text, pointers, {stopEarly: duplicates && !problems.some((p) => p.code === 'json-duplicate-key')})
      const offsets = found.map(({span, exact}, i) => (targets[i] === 'key' && exact && span.keyOffset >= 0 ? span.keyOffset : span.offset))
      return lines.positions(offsets).map((p, i) => ({line: p.line, column: p.column, offset: p.offset, exact: found[i]!.exact}))
    },
    locate(pointer, target = 'value') {
      const found = find(pointer)
      if (!found) return {...lines.position(0), exact: false}
      const {span, exact} = found
      const offset = target === 'key' && exact && span.keyOffset >= 0 ? span.keyOffset : span.offset
      return {...lines.position(offset), exact}
    },
  }
}

function duplicateProblem(d: {offset: number; key: string; path: PointerSegment[]}, lines: LineIndex): JsonProblem {
  return {
    code: 'json-duplicate-key',
    ...lines.position(d.offset),
    message: `duplicate key ${JSON.stringify(d.key)} (JSON.parse keeps only the last one)`,
    pointer: formatPointer(d.path),
  }
}

/** The deepest node of a scanned tree along a pointer; `exact` when the whole pointer exists. */
function walk(root: JsonNode, segments: readonly PointerSegment[]): {span: Span; exact: boolean} {
  let node = root
  for (const segment of segments) {
    let next: JsonNode | undefined
    if (node.members) next = node.members.get(String(segment))
    else if (node.kind === 'array') {
      const index = typeof segment === 'number' ? segment : /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : -1
      next = index >= 0 ? node.children![index] : undefined
    }
    if (!next) return {span: node, exact: false}
    node = next
  }
  return {span: node, exact: true}
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

  /**
   * Positions of many offsets. Without a line-start table yet it counts line breaks (\n, \r\n or \r, as the
   * table does) in one forward pass up to the last offset instead of building the table for the whole text.
   */
  positions(offsets: readonly number[]): Position[] {
    if (this.starts || offsets.length === 0) return offsets.map((o) => this.position(o))
    const text = this.text
    const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!)
    const out: Position[] = new Array(offsets.length)
    let line = 1
    let lineStart = 0
    // The next \n and \r at or after lineStart, and where the line after the next break starts (-1: none).
    let lf = text.indexOf('\n')
    let cr = text.indexOf('\r')
    if (cr < 0) {
      // Only \n breaks (most files): one native search per line.
      for (let k = 0; k < order.length; k++) {
        const i = order[k]!
        const offset = offsets[i]!
        while (lf >= 0 && lf < offset) {
          line++
          lineStart = lf + 1
          lf = text.indexOf('\n', lineStart)
        }
        out[i] = {line, column: offset - lineStart + 1, offset}
      }
      return out
    }
    let nextStart = nextLineStart(text, lf, cr)
    for (const i of order) {
      const offset = offsets[i]!
      while (nextStart >= 0 && nextStart <= offset) {
        line++
        lineStart = nextStart
        if (lf >= 0 && lf < lineStart) lf = text.indexOf('\n', lineStart)
        if (cr >= 0 && cr < lineStart) cr = text.indexOf('\r', lineStart)
        nextStart = nextLineStart(text, lf, cr)
      }
      out[i] = {line, column: offset - lineStart + 1, offset}
    }
    return out
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string | undefined {
    const starts = (this.starts ??= computeLineStarts(this.text))
    const start = starts[line - 1]
    if (start === undefined) return undefined
    const end = line < starts.length ? starts[line]! : this.text.length
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '')
  }
}

/** Where the line after the first of the next \n (at `lf`) and \r (at `cr`) starts; -1 when neither is left. */
function nextLineStart(text: string, lf: number, cr: number): number {
  if (cr >= 0 && (lf < 0 || cr < lf)) return text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1
  return lf >= 0 ? lf + 1 : -1
}

function computeLineStarts(text: string): number[] {
  const starts = [0]
  if (text.indexOf('\r') < 0) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
    return starts
  }
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

/** Finds keys that occur twice in one object (JSON.parse silently keeps the last). */
export function findDuplicateKeys(text: string): Array<{offset: number; pointer: string; message: string}> {
  return scanJson(text).duplicates.map((d) => ({
    offset: d.offset,
    pointer: formatPointer(d.path),
    message: `duplicate key ${JSON.stringify(d.key)} (JSON.parse keeps only the last one)`,
  }))
}
