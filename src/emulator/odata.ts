import type {EmulatorRequest} from './http.js'

/**
 * The OData query options the emulated services share: a `$filter` parser and evaluator (comparisons, and/or/not,
 * parentheses, contains/startswith/endswith/tolower/toupper, `any`/`all` over collections), `$select`, `$top` and server-driven paging with an
 * opaque `$skiptoken` in the next link.
 *
 * String comparisons ignore case, as Dataverse and Graph do for the properties the emulator filters on.
 */

export class ODataQueryError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message)
  }
}

export type FilterNode =
  | {kind: 'literal'; value: string | number | boolean | null}
  | {kind: 'property'; path: string}
  | {kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: FilterNode; right: FilterNode}
  | {kind: 'logical'; op: 'and' | 'or'; left: FilterNode; right: FilterNode}
  | {kind: 'not'; operand: FilterNode}
  | {kind: 'call'; name: string; args: FilterNode[]}
  /** `collection/any(x: body)` and `collection/all(x: body)`; `collection/any()` is "not empty". */
  | {kind: 'lambda'; op: 'any' | 'all'; collection: string; variable?: string; body?: FilterNode}

type Token = {type: 'string' | 'number' | 'word' | 'guid' | 'punct'; text: string; position: number}

const functions = new Set(['contains', 'startswith', 'endswith', 'tolower', 'toupper'])
const comparisons = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === "'") {
      let value = ''
      let j = i + 1
      for (;;) {
        if (j >= text.length) throw new ODataQueryError(`unterminated string starting at position ${i + 1}`, i)
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'"
            j += 2
            continue
          }
          break
        }
        value += text[j]
        j++
      }
      tokens.push({type: 'string', text: value, position: i})
      i = j + 1
      continue
    }
    if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({type: 'punct', text: c, position: i})
      i++
      continue
    }
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(text.slice(i))
    if (guid) {
      tokens.push({type: 'guid', text: guid[0], position: i})
      i += guid[0].length
      continue
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(i))
    if (number) {
      tokens.push({type: 'number', text: number[0], position: i})
      i += number[0].length
      continue
    }
    const word = /^[A-Za-z_@][A-Za-z0-9_./@]*/.exec(text.slice(i))
    if (word) {
      tokens.push({type: 'word', text: word[0], position: i})
      i += word[0].length
      continue
    }
    throw new ODataQueryError(`unexpected character '${c}' at position ${i + 1}`, i)
  }
  return tokens
}

/** Parses a `$filter` expression. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text)
  let index = 0
  const peek = () => tokens[index]
  const isWord = (t: Token | undefined, word: string) => t?.type === 'word' && t.text.toLowerCase() === word
  const expect = (text: string) => {
    const t = tokens[index]
    if (t?.type !== 'punct' || t.text !== text) throw new ODataQueryError(`expected '${text}' at position ${(t?.position ?? textLength()) + 1}`, t?.position)
    index++
  }
  const textLength = () => text.length
  const parseOr = (): FilterNode => {
    let left = parseAnd()
    while (isWord(peek(), 'or')) {
      index++
      left = {kind: 'logical', op: 'or', left, right: parseAnd()}
    }
    return left
  }
  const parseAnd = (): FilterNode => {
    let left = parseNot()
    while (isWord(peek(), 'and')) {
      index++
      left = {kind: 'logical', op: 'and', left, right: parseNot()}
    }
    return left
  }
  const parseNot = (): FilterNode => {
    if (isWord(peek(), 'not')) {
      index++
      return {kind: 'not', operand: parseNot()}
    }
    const left = parsePrimary()
    const op = peek()
    if (op?.type === 'word' && comparisons.has(op.text.toLowerCase())) {
      index++
      return {kind: 'compare', op: op.text.toLowerCase() as 'eq', left, right: parsePrimary()}
    }
    return left
  }
  const parsePrimary = (): FilterNode => {
    const t = tokens[index]
    if (!t) throw new ODataQueryError('the expression ends too early', text.length)
    index++
    if (t.type === 'punct' && t.text === '(') {
      const inner = parseOr()
      expect(')')
      return inner
    }
    if (t.type === 'string') return {kind: 'literal', value: t.text}
    if (t.type === 'guid') return {kind: 'literal', value: t.text.toLowerCase()}
    if (t.type === 'number') return {kind: 'literal', value: Number(t.text)}
    if (t.type === 'word') {
      const lower = t.text.toLowerCase()
      if (lower === 'true' || lower === 'false') return {kind: 'literal', value: lower === 'true'}
      if (lower === 'null') return {kind: 'literal', value: null}
      const lambda = /^(.+)\/(any|all)$/i.exec(t.text)
      if (lambda && peek()?.type === 'punct' && peek()!.text === '(') {
        index++
        const op = lambda[2]!.toLowerCase() as 'any' | 'all'
        if (peek()?.type === 'punct' && peek()!.text === ')') {
          index++
          return {kind: 'lambda', op, collection: lambda[1]!}
        }
        const variable = tokens[index]
        if (variable?.type !== 'word') throw new ODataQueryError(`expected a lambda variable at position ${(variable?.position ?? text.length) + 1}`, variable?.position)
        index++
        expect(':')
        const body = parseOr()
        expect(')')
        return {kind: 'lambda', op, collection: lambda[1]!, variable: variable.text, body}
      }
      if (peek()?.type === 'punct' && peek()!.text === '(') {
        if (!functions.has(lower)) throw new ODataQueryError(`unknown function '${t.text}' at position ${t.position + 1}`, t.position)
        index++
        const args: FilterNode[] = []
        if (!(peek()?.type === 'punct' && peek()!.text === ')')) {
          args.push(parseOr())
          while (peek()?.type === 'punct' && peek()!.text === ',') {
            index++
            args.push(parseOr())
          }
        }
        expect(')')
        return {kind: 'call', name: lower, args}
      }
      return {kind: 'property', path: t.text}
    }
    throw new ODataQueryError(`unexpected '${t.text}' at position ${t.position + 1}`, t.position)
  }
  const tree = parseOr()
  if (index < tokens.length) throw new ODataQueryError(`unexpected '${tokens[index]!.text}' at position ${tokens[index]!.position + 1}`, tokens[index]!.position)
  return tree
}

/** Evaluates a filter; `get` reads a property path of the item (undefined when it has none). */
export function evaluateFilter(node: FilterNode, get: (path: string) => unknown): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value
    case 'property':
      return get(node.path)
    case 'not':
      return !truthy(evaluateFilter(node.operand, get))
    case 'logical': {
      const left = truthy(evaluateFilter(node.left, get))
      if (node.op === 'and') return left && truthy(evaluateFilter(node.right, get))
      return left || truthy(evaluateFilter(node.right, get))
    }
    case 'compare':
      return compare(node.op, evaluateFilter(node.left, get), evaluateFilter(node.right, get))
    case 'lambda': {
      const items = get(node.collection)
      if (!Array.isArray(items)) return false
      if (!node.body || !node.variable) return items.length > 0
      const {body, variable} = node
      const test = (item: unknown) =>
        truthy(
          evaluateFilter(body, (path) => {
            if (path === variable) return item
            if (path.startsWith(`${variable}/`)) return (item as Record<string, unknown> | null)?.[path.slice(variable.length + 1)]
            return get(path)
          }),
        )
      return node.op === 'any' ? items.some(test) : items.every(test)
    }
    case 'call': {
      const args = node.args.map((a) => evaluateFilter(a, get))
      const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).toLowerCase())
      switch (node.name) {
        case 'contains':
          return text(args[0]).includes(text(args[1]))
        case 'startswith':
          return text(args[0]).startsWith(text(args[1]))
        case 'endswith':
          return text(args[0]).endsWith(text(args[1]))
        case 'tolower':
          return args[0] === null || args[0] === undefined ? null : String(args[0]).toLowerCase()
        default:
          return args[0] === null || args[0] === undefined ? null : String(args[0]).toUpperCase()
      }
    }
  }
}

function truthy(value: unknown): boolean {
  return value === true
}

function normalize(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const lower = value.toLowerCase()
    return lower
  }
  return value
}

function compare(op: string, a: unknown, b: unknown): boolean {
  let x = normalize(a)
  let y = normalize(b)
  // 'True' and true are the same to the Power Apps RP (IsCustomApi eq 'True').
  if (typeof x === 'boolean' && typeof y === 'string') x = String(x)
  if (typeof y === 'boolean' && typeof x === 'string') y = String(y)
  switch (op) {
    case 'eq':
      return x === y
    case 'ne':
      return x !== y
    default: {
      if (x === null || y === null) return false
      const xs = x as string | number
      const ys = y as string | number
      if (op === 'gt') return xs > ys
      if (op === 'ge') return xs >= ys
      if (op === 'lt') return xs < ys
      return xs <= ys
    }
  }
}

/** The property paths a filter reads (to check them against the entity's properties). */
export function filterProperties(node: FilterNode): string[] {
  switch (node.kind) {
    case 'property':
      return [node.path]
    case 'compare':
    case 'logical':
      return [...filterProperties(node.left), ...filterProperties(node.right)]
    case 'not':
      return filterProperties(node.operand)
    case 'call':
      return node.args.flatMap(filterProperties)
    case 'lambda':
      return [node.collection]
    default:
      return []
  }
}

/** `$select=a,b` → ['a','b'] (undefined when absent). */
export function parseSelect(value: string | null): string[] | undefined {
  if (value === null) return undefined
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

export interface Page<T> {
  items: T[]
  nextLink?: string
}

/**
 * Cuts a list into server-driven pages: at most `pageSize` items, and a next link (this URL with an opaque
 * `$skiptoken`) when more remain. `$top` limits the whole result, as in OData.
 */
export function paginate<T>(all: T[], req: Pick<EmulatorRequest, 'origin' | 'path' | 'query'>, pageSize: number): Page<T> {
  const topText = req.query.get('$top')
  let items = all
  if (topText !== null) {
    if (!/^\d+$/.test(topText)) throw new ODataQueryError(`$top must be a whole number, not '${topText}'`)
    items = items.slice(0, Number(topText))
  }
  const token = req.query.get('$skiptoken')
  let offset = 0
  if (token !== null) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {o?: unknown}
      if (typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0) throw new Error('bad offset')
      offset = parsed.o
    } catch {
      throw new ODataQueryError(`the $skiptoken '${token}' is not one this service issued`)
    }
  }
  const page = items.slice(offset, offset + pageSize)
  if (offset + pageSize >= items.length) return {items: page}
  const next = new URLSearchParams(req.query)
  next.set('$skiptoken', Buffer.from(JSON.stringify({o: offset + pageSize})).toString('base64url'))
  return {items: page, nextLink: `${req.origin}${encodePath(req.path)}?${next.toString().replaceAll('+', '%20')}`}
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%28/g, '(').replace(/%29/g, ')').replace(/%27/g, "'").replace(/%3D/gi, '=').replace(/%40/g, '@'))
    .join('/')
}

/** The `Prefer: odata.maxpagesize=N` of a request, if any. */
export function preferredPageSize(req: Pick<EmulatorRequest, 'header'>): number | undefined {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(req.header('prefer') ?? '')
  return m ? Math.max(1, Number(m[1])) : undefined
}
