import type {PointerSegment} from './pointer.js'

/** Where a value is in the text. */
export interface Span {
  /** Offset of the first character of the value. */
  offset: number
  /** Offset just after the value. */
  end: number
  /** Offset of the opening quote of its property name, or -1 when it is not an object member. */
  keyOffset: number
}

interface Members {
  /** Object member names (undefined for arrays). */
  keys: string[] | undefined
  spans: Span[]
  /** Indexed children, by member index. */
  children: Array<OffsetIndex | undefined>
  /** name → member index (last wins, like JSON.parse), built for large objects only. */
  byKey: Map<string, number> | undefined
}

/**
 * A lazy offset index over strict JSON text. A container's members are found the first time a pointer goes
 * through it, by one pass that skips nested values without building anything; the containers a pointer never
 * enters cost nothing. So a file with a handful of findings pays for a few partial scans, not for a syntax tree.
 * The text must be strict JSON (JSON.parse accepted it).
 */
export class OffsetIndex {
  private members: Members | undefined

  constructor(
    private readonly text: string,
    readonly span: Span,
  ) {}

  /** Indexes the root value of a text. */
  static root(text: string): OffsetIndex {
    const start = skipSpace(text, 0)
    return new OffsetIndex(text, {offset: start, end: skipValue(text, start), keyOffset: -1})
  }

  /** The deepest existing value along a pointer; `exact` when the whole pointer exists. */
  walk(segments: readonly PointerSegment[]): {span: Span; exact: boolean} {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let node: OffsetIndex = this
    for (const segment of segments) {
      const next = node.child(segment)
      if (!next) return {span: node.span, exact: false}
      node = next
    }
    return {span: node.span, exact: true}
  }

  private child(segment: PointerSegment): OffsetIndex | undefined {
    const c = this.text.charCodeAt(this.span.offset)
    if (c !== 123 && c !== 91) return undefined
    const members = (this.members ??= this.index(c === 123))
    let index = -1
    if (members.keys) {
      const key = String(segment)
      if (members.byKey) index = members.byKey.get(key) ?? -1
      else index = members.keys.lastIndexOf(key)
    } else {
      index = typeof segment === 'number' ? segment : /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : -1
      if (index >= members.spans.length) index = -1
    }
    if (index < 0) return undefined
    return (members.children[index] ??= new OffsetIndex(this.text, members.spans[index]!))
  }

  private index(object: boolean): Members {
    const text = this.text
    const keys: string[] | undefined = object ? [] : undefined
    const spans: Span[] = []
    let pos = skipSpace(text, this.span.offset + 1)
    const close = object ? 125 : 93
    while (pos < this.span.end && text.charCodeAt(pos) !== close) {
      let keyOffset = -1
      if (keys) {
        keyOffset = pos
        const end = stringEnd(text, pos)
        const raw = text.slice(pos + 1, end - 1)
        keys.push(raw.indexOf('\\') < 0 ? raw : (JSON.parse(text.slice(pos, end)) as string))
        pos = skipSpace(text, end) + 1 // the colon
        pos = skipSpace(text, pos)
      }
      const end = skipValue(text, pos)
      spans.push({offset: pos, end, keyOffset})
      pos = skipSpace(text, end)
      if (text.charCodeAt(pos) === 44) pos = skipSpace(text, pos + 1)
    }
    let byKey: Map<string, number> | undefined
    if (keys && keys.length > 24) {
      byKey = new Map()
      for (const [i, key] of keys.entries()) byKey.set(key, i)
    }
    return {keys, spans, children: [], byKey}
  }
}

function skipSpace(text: string, pos: number): number {
  let c = text.charCodeAt(pos)
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++pos)
  return pos
}

/** Offset just after the string whose opening quote is at `pos`. */
function stringEnd(text: string, pos: number): number {
  let end = pos
  for (;;) {
    end = text.indexOf('"', end + 1)
    if (end < 0) return text.length
    let backslashes = 0
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++
    if ((backslashes & 1) === 0) return end + 1
  }
}

/** Offset just after the value starting at `pos`. */
function skipValue(text: string, pos: number): number {
  const c = text.charCodeAt(pos)
  if (c === 34) return stringEnd(text, pos)
  if (c === 123 || c === 91) {
    let depth = 0
    const length = text.length
    for (let i = pos; i < length; i++) {
      const d = text.charCodeAt(i)
      if (d === 34) i = stringEnd(text, i) - 1
      else if (d === 123 || d === 91) depth++
      else if (d === 125 || d === 93) {
        if (--depth === 0) return i + 1
      }
    }
    return length
  }
  let i = pos
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i)
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break
  }
  return i
}
