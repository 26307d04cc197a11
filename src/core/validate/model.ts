import type {PointerSegment} from '../json/pointer.js'

/** Plain JSON object. */
export type Obj = Record<string, unknown>

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== ''
}

/** A parameter as an operation sees it: `$ref`s resolved, with the place where it is written. */
export interface ParamInfo {
  /** The parameter object (the `$ref` target when the parameter is a reference). */
  param: Obj
  /** Where the parameter (or the `$ref` to it) is in the document. */
  path: PointerSegment[]
  /** Where the parameter's own properties are: `path`, or the definition under `#/parameters/` for a `$ref`. */
  defPath: PointerSegment[]
  /** Declared on the path item (shared by its operations) or on the operation. */
  level: 'path' | 'operation'
  name: string
  in: string
}

export interface OperationInfo {
  pathKey: string
  method: string
  op: Obj
  pathItem: Obj
  /** `['paths', pathKey, method]`. */
  path: PointerSegment[]
  /**
   * The members of `responses`, in document order (empty when it is not an object), listed once: status-code keys
   * are array indices to V8, which makes every walk over them by key a slow path.
   */
  responses: ReadonlyArray<{code: string; response: unknown}>
  operationId: string | undefined
  /** Path-item parameters overridden by operation parameters of the same name and `in` (Swagger 2.0 rule). */
  params: ParamInfo[]
  /** A trigger: `x-ms-trigger` is set. */
  trigger: boolean
  /** A webhook registration: a trigger whose body schema has an `x-ms-notification-url` property. */
  webhook: boolean
}

/** How a schema is used, for rules that differ between what a user sends and what an operation returns. */
export type SchemaRole = 'input' | 'output' | 'definition' | 'notification'

/**
 * One schema object of the document, as the schema walk met it. Its JSON pointer is built only when asked for
 * (`path`), from the chain of parents: the walk meets hundreds of thousands of schemas in a large corpus and
 * only a few of them get a finding.
 */
export class SchemaVisit {
  private cached: PointerSegment[] | undefined

  constructor(
    readonly schema: Obj,
    readonly role: SchemaRole,
    /** Nesting below the root schema of this use (0 = the root). */
    readonly depth: number,
    /** The visit holding this schema (undefined for a root). */
    readonly parentVisit: SchemaVisit | undefined,
    /** For a root: its whole pointer. Otherwise the keyword leading here from the parent (properties, items, …). */
    private readonly via: PointerSegment | readonly PointerSegment[],
    /** The property name or array index after `via`, if any. */
    private readonly key?: PointerSegment,
  ) {}

  /** Reached as a property of an object schema: its name. */
  get property(): string | undefined {
    return this.via === 'properties' ? (this.key as string) : undefined
  }

  /** The root of a body parameter schema, a response schema or notification content (not a definition). */
  get root(): boolean {
    return this.depth === 0 && this.role !== 'definition'
  }

  /** The schema holding this one, if any. */
  get parent(): Obj | undefined {
    return this.parentVisit?.schema
  }

  /** JSON pointer segments of this schema. */
  get path(): PointerSegment[] {
    if (!this.cached) {
      if (!this.parentVisit) this.cached = [...(this.via as readonly PointerSegment[])]
      else this.cached = this.key === undefined ? [...this.parentVisit.path, this.via as PointerSegment] : [...this.parentVisit.path, this.via as PointerSegment, this.key]
    }
    return this.cached
  }

  /** The pointer of one of this schema's keys. */
  at(...keys: PointerSegment[]): PointerSegment[] {
    return [...this.path, ...keys]
  }
}

/**
 * What the rules read from the API definition, computed once per connector: operations with their resolved
 * parameters, operation ids, and the walk over every schema.
 */
export class SwaggerModel {
  readonly operations: OperationInfo[] = []
  readonly byId = new Map<string, OperationInfo[]>()
  private schemaVisits: SchemaVisit[] | undefined
  private readonly resolved = new Map<string, Obj | undefined>()
  private usage: Map<string, {input: boolean; output: boolean}> | undefined
  private readonly held = new Map<string, boolean>()
  private escapes: boolean | undefined

  /** `text`: the source the document was parsed from, when there is one (lets `mayHold` answer from it). */
  constructor(
    readonly doc: Obj,
    private readonly text?: string,
  ) {
    const paths = isObj(doc.paths) ? doc.paths : {}
    for (const pathKey in paths) {
      const pathItem = paths[pathKey]
      if (!isObj(pathItem)) continue
      const shared = this.parameters(pathItem.parameters, ['paths', pathKey, 'parameters'], 'path')
      for (const method of httpMethods) {
        const op = pathItem[method]
        if (!isObj(op)) continue
        const path: PointerSegment[] = ['paths', pathKey, method]
        const own = this.parameters(op.parameters, [...path, 'parameters'], 'operation')
        const params = shared.length === 0 ? own : [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own]
        const operationId = typeof op.operationId === 'string' ? op.operationId : undefined
        const trigger = op['x-ms-trigger'] !== undefined
        const responses: Array<{code: string; response: unknown}> = []
        if (isObj(op.responses)) for (const code in op.responses) responses.push({code, response: op.responses[code]})
        const info: OperationInfo = {pathKey, method, op, pathItem, path, operationId, params, trigger, webhook: false, responses}
        info.webhook = trigger && params.some((p) => p.in === 'body' && hasNotificationUrl(this, p.param.schema, 0))
        this.operations.push(info)
        if (operationId !== undefined) {
          const list = this.byId.get(operationId)
          if (list) list.push(info)
          else this.byId.set(operationId, [info])
        }
      }
    }
  }

  /**
   * False when the document cannot have a key containing `name`: the source text does not hold it and has no
   * backslash-u escape that could spell it another way. Lets a rule skip a walk over every schema for an
   * extension that most documents never use. True when unsure (no source text).
   */
  mayHold(name: string): boolean {
    const text = this.text
    if (text === undefined) return true
    let known = this.held.get(name)
    if (known === undefined) {
      // The name first: when it is there, the text need not be searched for escapes.
      known = text.includes(name) || (this.escapes ??= text.includes('\\u'))
      this.held.set(name, known)
    }
    return known
  }

  /** The object a local `$ref` points to, or undefined. */
  resolve(ref: unknown): Obj | undefined {
    if (typeof ref !== 'string') return undefined
    if (this.resolved.has(ref)) return this.resolved.get(ref)
    const segments = refSegments(ref)
    let current: unknown = segments ? this.doc : undefined
    for (const segment of segments ?? []) {
      if (!isObj(current) && !Array.isArray(current)) {
        current = undefined
        break
      }
      current = (current as Obj)[segment]
    }
    const found = isObj(current) ? current : undefined
    this.resolved.set(ref, found)
    return found
  }

  /** Follows `$ref`s (with a cycle guard) to a schema object. */
  deref(schema: unknown): Obj | undefined {
    let current = schema
    for (let i = 0; i < 16 && isObj(current) && typeof current.$ref === 'string'; i++) current = this.resolve(current.$ref)
    return isObj(current) ? current : undefined
  }

  /** Every schema object in the document, each visited once as written (references are not followed). */
  schemas(): SchemaVisit[] {
    if (this.schemaVisits) return this.schemaVisits
    const visits: SchemaVisit[] = []
    const child = (schema: unknown, parent: SchemaVisit, via: string, key?: PointerSegment): void => {
      if (!isObj(schema)) return
      const visit = new SchemaVisit(schema, parent.role, parent.depth + 1, parent, via, key)
      visits.push(visit)
      if (visit.depth <= 64) children(visit)
    }
    const children = (visit: SchemaVisit): void => {
      const schema = visit.schema
      const properties = schema.properties
      if (isObj(properties)) for (const name in properties) child(properties[name], visit, 'properties', name)
      const items = schema.items
      if (Array.isArray(items)) items.forEach((sub, i) => child(sub, visit, 'items', i))
      else if (items !== undefined) child(items, visit, 'items')
      if (schema.additionalProperties !== undefined) child(schema.additionalProperties, visit, 'additionalProperties')
      if (Array.isArray(schema.allOf)) schema.allOf.forEach((sub, i) => child(sub, visit, 'allOf', i))
    }
    const walk = (schema: unknown, path: PointerSegment[], role: SchemaRole): void => {
      if (!isObj(schema)) return
      const visit = new SchemaVisit(schema, role, 0, undefined, path)
      visits.push(visit)
      children(visit)
    }
    const doc = this.doc
    if (isObj(doc.definitions)) {
      for (const name in doc.definitions) {
        const schema = doc.definitions[name]
        walk(schema, ['definitions', name], 'definition')
      }
    }
    if (isObj(doc.parameters)) {
      for (const name in doc.parameters) {
        const param = doc.parameters[name]
        if (isObj(param) && param.in === 'body') walk(param.schema, ['parameters', name, 'schema'], 'input')
      }
    }
    if (isObj(doc.responses)) {
      for (const name in doc.responses) {
        const response = doc.responses[name]
        if (isObj(response)) walk(response.schema, ['responses', name, 'schema'], 'output')
      }
    }
    const paths = isObj(doc.paths) ? doc.paths : {}
    for (const pathKey in paths) {
      const pathItem = paths[pathKey]
      if (!isObj(pathItem)) continue
      const content = pathItem['x-ms-notification-content']
      if (isObj(content)) walk(content.schema, ['paths', pathKey, 'x-ms-notification-content', 'schema'], 'notification')
      if (Array.isArray(pathItem.parameters)) {
        pathItem.parameters.forEach((p, i) => isObj(p) && p.in === 'body' && walk(p.schema, ['paths', pathKey, 'parameters', i, 'schema'], 'input'))
      }
    }
    for (let k = 0; k < this.operations.length; k++) {
      const op = this.operations[k]!
      if (Array.isArray(op.op.parameters)) {
        op.op.parameters.forEach((p, i) => isObj(p) && p.in === 'body' && walk(p.schema, [...op.path, 'parameters', i, 'schema'], 'input'))
      }
      for (const {code, response} of op.responses) if (isObj(response)) walk(response.schema, [...op.path, 'responses', code, 'schema'], 'output')
    }
    this.schemaVisits = visits
    return visits
  }

  /** Whether each definition is reachable from a request body (input) and from a response (output). */
  definitionUsage(): Map<string, {input: boolean; output: boolean}> {
    if (this.usage) return this.usage
    const usage = new Map<string, {input: boolean; output: boolean}>()
    const definitions = isObj(this.doc.definitions) ? this.doc.definitions : {}
    const mark = (schema: unknown, kind: 'input' | 'output'): void => {
      const stack = [schema]
      while (stack.length > 0) {
        const node = stack.pop()
        if (Array.isArray(node)) {
          stack.push(...node)
          continue
        }
        if (!isObj(node)) continue
        const name = typeof node.$ref === 'string' ? definitionName(node.$ref) : undefined
        if (name !== undefined) {
          const entry = usage.get(name) ?? {input: false, output: false}
          if (!entry[kind]) {
            entry[kind] = true
            usage.set(name, entry)
            stack.push(definitions[name])
          }
        }
        const properties = node.properties
        if (isObj(properties)) for (const key in properties) stack.push(properties[key])
        if (node.items !== undefined) stack.push(node.items)
        if (node.additionalProperties !== undefined) stack.push(node.additionalProperties)
        if (node.allOf !== undefined) stack.push(node.allOf)
      }
    }
    const visitsList = this.schemas()
    for (let k = 0; k < visitsList.length; k++) {
      const visit = visitsList[k]!
      if (visit.role === 'definition' || !visit.root) continue
      mark(visit.schema, visit.role === 'input' ? 'input' : 'output')
    }
    this.usage = usage
    return usage
  }

  private parameters(list: unknown, path: PointerSegment[], level: 'path' | 'operation'): ParamInfo[] {
    if (!Array.isArray(list)) return []
    const out: ParamInfo[] = []
    list.forEach((item, i) => {
      if (!isObj(item)) return
      let param = item
      // One array for both pointers when the parameter is written in place (nothing changes them).
      const where: PointerSegment[] = [...path, i]
      let defPath = where
      if (typeof item.$ref === 'string') {
        const target = this.resolve(item.$ref)
        if (!target) return
        param = target
        defPath = refSegments(item.$ref) ?? where
      }
      out.push({param, path: where, defPath, level, name: typeof param.name === 'string' ? param.name : '', in: typeof param.in === 'string' ? param.in : ''})
    })
    return out
  }
}

/** Segments of a local `$ref` (`#/definitions/A~1B` → ['definitions', 'A/B']), or undefined for other refs. */
const segmentCache = new Map<string, string[]>()

export function refSegments(ref: unknown): string[] | undefined {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined
  const cached = segmentCache.get(ref)
  if (cached) return cached
  if (segmentCache.size > 50_000) segmentCache.clear()
  const segments = splitRef(ref)
  segmentCache.set(ref, segments)
  return segments
}

function splitRef(ref: string): string[] {
  let body = ref.slice(2)
  try {
    body = decodeURIComponent(body)
  } catch {
    // keep it as written
  }
  return body.split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
}

export function definitionName(ref: string): string | undefined {
  const segments = refSegments(ref)
  return segments && segments.length === 2 && segments[0] === 'definitions' ? segments[1] : undefined
}

/** True when a schema (following refs) has an `x-ms-notification-url: true` property somewhere inside. */
function hasNotificationUrl(model: SwaggerModel, schema: unknown, depth: number): boolean {
  const s = model.deref(schema)
  if (!s || depth > 8) return false
  if (s['x-ms-notification-url'] === true || s['x-ms-notification-url'] === 'true') return true
  if (isObj(s.properties)) for (const sub of Object.values(s.properties)) if (hasNotificationUrl(model, sub, depth + 1)) return true
  return false
}
