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
 * A lazy offset index over strict JSON text. The first lookup scans the document once, indexing the members of
 * containers down to a few levels (root, paths, path items, operations) and skipping deeper values quickly;
 * deeper containers are indexed the first time a pointer goes through them. So a file with findings pays for about
 * one pass over its text plus small partial scans, and builds no syntax tree. The text must be strict JSON
 * (JSON.parse accepted it).
 */
export class OffsetIndex {
  private members: Members | undefined

  private constructor(
    private readonly text: string,
    readonly span: Span,
  ) {}

  /** Indexes the root value of a text. */
  static root(text: string): OffsetIndex {
    const start = skipSpace(text, 0)
    const node = new OffsetIndex(text, {offset: start, end: -1, keyOffset: -1})
    const c = text.charCodeAt(start)
    if (c === 123 || c === 91) node.build(3)
    else node.span.end = skipValue(text, start)
    return node
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
    if (!this.members) this.build(2)
    const members = this.members!
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

  /**
   * Finds the members of this container (and, `levels` deep, of the containers inside it) in one scan; returns
   * the offset after the closing bracket.
   */
  private build(levels: number): number {
    const text = this.text
    const object = text.charCodeAt(this.span.offset) === 123
    const keys: string[] | undefined = object ? [] : undefined
    const spans: Span[] = []
    const children: Array<OffsetIndex | undefined> = []
    const close = object ? 125 : 93
    let pos = skipSpace(text, this.span.offset + 1)
    while (pos < text.length && text.charCodeAt(pos) !== close) {
      let keyOffset = -1
      if (keys) {
        keyOffset = pos
        const end = stringEnd(text, pos)
        const raw = text.slice(pos + 1, end - 1)
        keys.push(raw.indexOf('\\') < 0 ? raw : (JSON.parse(text.slice(pos, end)) as string))
        pos = skipSpace(text, skipSpace(text, end) + 1) // past the colon
      }
      const c = text.charCodeAt(pos)
      const span: Span = {offset: pos, end: -1, keyOffset}
      if (levels > 0 && (c === 123 || c === 91)) {
        const child = new OffsetIndex(text, span)
        child.build(levels - 1)
        children[spans.length] = child
      } else span.end = skipValue(text, pos)
      spans.push(span)
      pos = skipSpace(text, span.end)
      if (text.charCodeAt(pos) === 44) pos = skipSpace(text, pos + 1)
    }
    let byKey: Map<string, number> | undefined
    if (keys && keys.length > 24) {
      byKey = new Map()
      for (let i = 0; i < keys.length; i++) byKey.set(keys[i]!, i)
    }
    this.members = {keys, spans, children, byKey}
    this.span.end = Math.min(pos + 1, text.length)
    return this.span.end
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
  if (c === 123 || c === 91) return skipContainer(text, pos)
  let i = pos
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i)
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break
  }
  return i
}

/**
 * Offset just after the object or array at `pos`. Instead of looking at every character, it keeps one cursor per
 * character that matters (quote and the four brackets), each moved forward by the native indexOf: strings are
 * jumped over whole, and long stretches without brackets cost one native search.
 */
function skipContainer(text: string, pos: number): number {
  const length = text.length
  const next = (ch: string, from: number): number => {
    const i = text.indexOf(ch, from)
    return i < 0 ? length : i
  }
  let quote = next('"', pos)
  let openBrace = next('{', pos)
  let closeBrace = next('}', pos)
  let openBracket = next('[', pos)
  let closeBracket = next(']', pos)
  let depth = 0
  for (;;) {
    const at = Math.min(quote, openBrace, closeBrace, openBracket, closeBracket)
    if (at >= length) return length
    if (at === quote) {
      const end = stringEnd(text, at)
      quote = next('"', end)
      if (openBrace < end) openBrace = next('{', end)
      if (closeBrace < end) closeBrace = next('}', end)
      if (openBracket < end) openBracket = next('[', end)
      if (closeBracket < end) closeBracket = next(']', end)
      continue
    }
    if (at === openBrace || at === openBracket) {
      depth++
      if (at === openBrace) openBrace = next('{', at + 1)
      else openBracket = next('[', at + 1)
      continue
    }
    if (--depth === 0) return at + 1
    if (at === closeBrace) closeBrace = next('}', at + 1)
    else closeBracket = next(']', at + 1)
  }
}

interface Trie {
  children: Map<string, Trie> | undefined
  /** Indices of the pointers that end here. */
  ends: number[]
}

/**
 * Where many pointers are, in one forward pass over strict JSON text: only the containers some pointer goes
 * through are scanned member by member, every other value is skipped. Nothing is built for the rest of the
 * document, which is what makes positions cheap for a file with many findings. For each pointer: the span of the
 * deepest existing value along it, and whether the whole pointer exists.
 *
 * With `stopEarly` (for text known to have no duplicate keys, where the first occurrence of a member is the only
 * one) the pass ends as soon as every pointer is found: findings often sit in the first half of a document
 * (paths before definitions). Ends of spans are then not computed (-1) for the containers the pass was in.
 */
export function locateAll(text: string, pointers: ReadonlyArray<readonly PointerSegment[]>, {stopEarly = false}: {stopEarly?: boolean} = {}): Array<{span: Span; exact: boolean}> {
  const root: Trie = {children: undefined, ends: []}
  pointers.forEach((segments, i) => {
    let node = root
    for (const segment of segments) {
      node.children ??= new Map()
      const key = String(segment)
      let next = node.children.get(key)
      if (!next) node.children.set(key, (next = {children: undefined, ends: []}))
      node = next
    }
    node.ends.push(i)
  })
  const found: Array<{span: Span; exact: boolean} | undefined> = new Array(pointers.length)
  /** Pointers without a position yet; with stopEarly the pass ends when none is left (descend returns `stopped`). */
  let remaining = pointers.length
  const stopped = -1
  /** Pointers below `node` that were not found resolve to `span` (their nearest existing ancestor). */
  const fallback = (node: Trie, span: Span): void => {
    for (const i of node.ends) {
      if (found[i] !== undefined) continue
      found[i] = {span, exact: false}
      remaining--
    }
    if (node.children) for (const child of node.children.values()) fallback(child, span)
  }
  const descend = (pos: number, keyOffset: number, node: Trie): number => {
    const span: Span = {offset: pos, end: -1, keyOffset}
    for (const i of node.ends) {
      if (found[i] === undefined) remaining--
      found[i] = {span, exact: true}
    }
    if (stopEarly && remaining === 0) return stopped
    const c = text.charCodeAt(pos)
    if (!node.children || (c !== 123 && c !== 91)) {
      span.end = skipValue(text, pos)
      if (node.children) for (const child of node.children.values()) fallback(child, span)
      return stopEarly && remaining === 0 ? stopped : span.end
    }
    const object = c === 123
    const close = object ? 125 : 93
    const seen = new Set<Trie>()
    let index = 0
    let at = skipSpace(text, pos + 1)
    while (at < text.length && text.charCodeAt(at) !== close) {
      let child: Trie | undefined
      let memberKey = -1
      if (object) {
        memberKey = at
        const end = stringEnd(text, at)
        const raw = text.slice(at + 1, end - 1)
        child = node.children.get(raw.indexOf('\\') < 0 ? raw : (JSON.parse(text.slice(at, end)) as string))
        at = skipSpace(text, skipSpace(text, end) + 1)
      } else child = node.children.get(String(index++))
      let end: number
      if (child) {
        seen.add(child)
        end = descend(at, memberKey, child)
        if (end === stopped) return stopped
      } else end = skipValue(text, at)
      at = skipSpace(text, end)
      if (text.charCodeAt(at) === 44) at = skipSpace(text, at + 1)
    }
    span.end = Math.min(at + 1, text.length)
    for (const child of node.children.values()) if (!seen.has(child)) fallback(child, span)
    return stopEarly && remaining === 0 ? stopped : span.end
  }
  const start = skipSpace(text, 0)
  if (start < text.length) descend(start, -1, root)
  else fallback(root, {offset: 0, end: 0, keyOffset: -1})
  return found.map((f) => f ?? {span: {offset: 0, end: 0, keyOffset: -1}, exact: false})
}
