import {definitionName, isObj, type OperationInfo, type Obj, type SwaggerModel} from '../model.js'
import {defineRules, type RuleFamily} from '../rule.js'

/** Path keys and templates, and the size limits of the definition. */
export const R = defineRules({
  startSlash: {id: 'paths/start-slash', severity: 'error', msCode: 'OperationPathMustStartWithSlash', description: 'Path keys start with "/".'},
  noQuery: {
    id: 'paths/no-query-fragment',
    severity: 'error',
    msCode: 'OperationPathMayNotContainQueryOrFragment',
    description: 'Path keys contain no "?" or "#": query parameters are declared as parameters.',
    fix: 'Move the query string into parameters with "in": "query".',
  },
  noWildcard: {id: 'paths/no-wildcard', severity: 'error', msCode: 'OperationPathContainsUnsupportedCharacters', description: 'Path keys contain no "*".'},
  template: {
    id: 'paths/template-syntax',
    severity: 'error',
    msCode: 'OperationPathTemplateNotValid',
    description: 'Path templates are well formed: every {variable} lies inside one segment, braces are balanced, no "=" defaults.',
  },
  caseDuplicate: {
    id: 'paths/case-duplicate',
    severity: 'error',
    msCode: 'PathRedefined',
    description: 'Path keys are unique ignoring case.',
    fix: 'Merge the operations under one path key.',
  },
  duplicateTemplate: {
    id: 'paths/duplicate-template',
    severity: 'error',
    msCode: 'DuplicateOperationPath',
    description: 'No two operations with the same method have templates that differ only in variable names (the service cannot tell them apart).',
  },
  partialDuplicate: {
    id: 'paths/partial-duplicate',
    severity: 'info',
    msCode: 'PartialDuplicateOperationPath',
    description: 'Templates of the same method that can route to each other when a variable takes the value of a fixed segment (e.g. /items/{id} and /items/latest).',
  },
  noRef: {id: 'paths/no-ref', severity: 'error', msCode: 'PathItemRefNotSuppored', description: 'Path items have no "$ref".', fix: 'Write the operations inline.'},
  operations: {
    id: 'limits/operations',
    severity: 'error',
    msCode: 'TotalOperationsCountExceedsMaxAllowed',
    description: 'At most 256 operations in one connector.',
    fix: 'Split the connector.',
    options: {max: 256},
  },
  schemas: {
    id: 'limits/schemas',
    severity: 'error',
    msCode: 'BodySchemaCountExceedsMaxAllowed',
    description: 'At most 512 schemas in one body and 16,384 in one operation ($refs expanded).',
    options: {body: 512, operation: 16_384},
  },
  depth: {
    id: 'limits/schema-depth',
    severity: 'warning',
    msCode: 'SchemaTooDeep',
    description: 'Schemas are not nested deeper than a threshold ($refs followed; Microsoft\'s limit is not published).',
    options: {max: 32},
  },
})

export const paths: RuleFamily = {
  name: 'paths',
  rules: Object.values(R),
  check(ctx) {
    const doc = ctx.swagger
    const model = ctx.model
    if (!doc || !model || !isObj(doc.paths)) return
    const seen = new Map<string, string>()
    for (const key in doc.paths) {
      const item = doc.paths[key]
      if (key.startsWith('x-')) continue
      const at = {file: 'apiDefinition' as const, path: ['paths', key], at: 'key' as const}
      if (!key.startsWith('/')) ctx.report(R.startSlash, at, `path ${JSON.stringify(key)} does not start with "/"`, {fix: `Write "/${key}".`})
      if (/[?#]/.test(key)) ctx.report(R.noQuery, at, `path ${JSON.stringify(key)} contains "${/[?]/.test(key) ? '?' : '#'}"`)
      if (key.includes('*')) ctx.report(R.noWildcard, at, `path ${JSON.stringify(key)} contains "*"`)
      const problem = templateProblem(key)
      if (problem) ctx.report(R.template, at, `path ${JSON.stringify(key)}: ${problem}`, problem.includes('=') ? {msCode: 'OperationPathVariablesContainDefaults'} : undefined)
      const lower = key.toLowerCase()
      const first = seen.get(lower)
      if (first !== undefined) ctx.report(R.caseDuplicate, at, `path ${JSON.stringify(key)} differs from ${JSON.stringify(first)} only in case`)
      else seen.set(lower, key)
      if (isObj(item) && item.$ref !== undefined) ctx.report(R.noRef, {file: 'apiDefinition', path: ['paths', key, '$ref'], at: 'key'}, 'a path item may not be a "$ref"')
    }

    checkTemplates(ctx, model.operations)

    const max = ctx.option<number>(R.operations, 'max')
    if (model.operations.length > max) {
      ctx.report(R.operations, {file: 'apiDefinition', path: ['paths'], at: 'key'}, `${model.operations.length} operations; a connector may have at most ${max}`)
    }
    if (ctx.on(R.schemas) || ctx.on(R.depth)) checkSizes(ctx, model)
  },
}

/** What is wrong with a path template, or undefined. */
export function templateProblem(path: string): string | undefined {
  // Fast path: every {variable} non-empty, inside one segment, without "=".
  if (/^(?:[^{}]|\{[^{}/=]*[^{}/=\s][^{}/=]*\})*$/.test(path)) return undefined
  for (const segment of path.split('/')) {
    let depth = 0
    for (const ch of segment) {
      if (ch === '{') {
        if (depth > 0) return `nested "{" in segment ${JSON.stringify(segment)}`
        depth++
      } else if (ch === '}') {
        if (depth === 0) return `"}" without "{" in segment ${JSON.stringify(segment)} (encode literal braces as %7B/%7D)`
        depth--
      }
    }
    if (depth > 0) return `"{" without "}" in segment ${JSON.stringify(segment)} (a variable must lie inside one segment)`
    for (const variable of segment.matchAll(/\{([^}]*)\}/g)) {
      if (variable[1]!.trim() === '') return `empty variable "{}" in segment ${JSON.stringify(segment)}`
      if (variable[1]!.includes('=')) return `variable ${JSON.stringify(variable[0])} has a default ("="), which templates do not support`
    }
  }
  return undefined
}

/** `/a/{x}/b` → ['a', '{}', 'b'] (variables made anonymous, case ignored). */
function shape(path: string): string[] {
  const parts = path.split('/')
  const segments: string[] = new Array(Math.max(0, parts.length - 1))
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!
    segments[i - 1] = (part.includes('{') ? part.replace(/\{[^}]*\}/g, '{}') : part).toLowerCase()
  }
  return segments
}

function checkTemplates(ctx: Parameters<RuleFamily['check']>[0], operations: readonly OperationInfo[]): void {
  const byMethod = new Map<string, Array<{op: OperationInfo; segments: string[]; key: string; index: number}>>()
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i]!
    const list = byMethod.get(op.method) ?? []
    const segments = shape(op.pathKey)
    list.push({op, segments, key: segments.join('/'), index: list.length})
    byMethod.set(op.method, list)
  }
  for (const list of byMethod.values()) {
    const exact = new Map<string, OperationInfo>()
    for (const {op, key} of list) {
      const first = exact.get(key)
      // Keys equal ignoring case are paths/case-duplicate's business.
      if (first && first.pathKey.toLowerCase() !== op.pathKey.toLowerCase()) {
        ctx.report(
          R.duplicateTemplate,
          {file: 'apiDefinition', path: ['paths', op.pathKey], at: 'key'},
          `${op.method.toUpperCase()} ${op.pathKey} cannot be told apart from ${op.method.toUpperCase()} ${first.pathKey} (only the variable names differ)`,
        )
      } else if (!first) exact.set(key, op)
    }
    if (!ctx.on(R.partialDuplicate)) continue
    // Only templates with the same number of segments and at least one variable can overlap: candidates are
    // grouped by segment count, in list order (a connector with hundreds of paths compares each with a few).
    const candidates = new Map<number, typeof list>()
    for (const entry of list) {
      if (!entry.key.includes('{}')) continue
      const group = candidates.get(entry.segments.length)
      if (group) group.push(entry)
      else candidates.set(entry.segments.length, [entry])
    }
    const none: typeof list = []
    for (const b of list) {
      for (const a of candidates.get(b.segments.length) ?? none) {
        if (a === b || a.key === b.key) continue
        if (b.key.includes('{}') && a.index > b.index) continue
        let overlap = true
        for (let k = 0; k < a.segments.length && overlap; k++) {
          const x = a.segments[k]!
          const y = b.segments[k]!
          overlap = x === y || x === '{}' || y === '{}'
        }
        if (overlap) {
          ctx.report(
            R.partialDuplicate,
            {file: 'apiDefinition', path: ['paths', b.op.pathKey], at: 'key'},
            `${b.op.method.toUpperCase()} ${b.op.pathKey} and ${a.op.pathKey} can match the same URL when a variable equals a fixed segment`,
          )
        }
      }
    }
  }
}

interface SizeInfo {
  count: number
  depth: number
  /** Nesting went deeper than checkSizes follows: count and depth are lower bounds. */
  cut: boolean
}

function addSize(total: SizeInfo, size: SizeInfo): void {
  total.count += size.count
  if (size.depth > total.depth) total.depth = size.depth
  if (size.cut) total.cut = true
}

/** How deep checkSizes follows nested schemas. */
const deepestMeasured = 1000

function checkSizes(ctx: Parameters<RuleFamily['check']>[0], model: SwaggerModel): void {
  const definitions = isObj(model.doc.definitions) ? model.doc.definitions : {}
  const memo = new Map<string, SizeInfo>()
  const active = new Set<string>()
  // Runs over every schema reachable from every operation: sizes of inline schemas are summed in place, so only
  // the memo of definitions allocates.
  const leaf: SizeInfo = {count: 1, depth: 1, cut: false}
  const none: SizeInfo = {count: 0, depth: 0, cut: false}
  // Nesting is followed this deep and no deeper (JSON.parse accepts far deeper documents than the call stack
  // would); sizes of anything that deep are reported as lower bounds.
  const cut: SizeInfo = {count: 1, depth: 1, cut: true}
  let level = 0
  const measure = (schema: unknown): SizeInfo => {
    if (!isObj(schema)) return none
    if (level >= deepestMeasured) return cut
    level++
    try {
      return measureObject(schema)
    } finally {
      level--
    }
  }
  const measureObject = (schema: Obj): SizeInfo => {
    const ref = schema.$ref
    if (typeof ref === 'string') {
      const name = definitionName(ref)
      if (name === undefined || active.has(name)) return leaf
      let size = memo.get(name)
      if (!size) {
        active.add(name)
        size = measure(definitions[name])
        active.delete(name)
        memo.set(name, size)
      }
      return size
    }
    const total: SizeInfo = {count: 1, depth: 0, cut: false}
    const properties = schema.properties
    if (isObj(properties)) for (const key in properties) addSize(total, measure(properties[key]))
    const items = schema.items
    if (Array.isArray(items)) for (let i = 0; i < items.length; i++) addSize(total, measure(items[i]))
    else if (items !== undefined) addSize(total, measure(items))
    if (isObj(schema.additionalProperties)) addSize(total, measure(schema.additionalProperties))
    const allOf = schema.allOf
    if (Array.isArray(allOf)) for (let i = 0; i < allOf.length; i++) if (isObj(allOf[i])) addSize(total, measure(allOf[i]))
    total.depth++
    return total
  }
  const bodyMax = ctx.option<number>(R.schemas, 'body')
  const operationMax = ctx.option<number>(R.schemas, 'operation')
  const depthMax = ctx.option<number>(R.depth, 'max')
  for (let k = 0; k < model.operations.length; k++) {
    const op = model.operations[k]!
    let total = 0
    const roots: Array<{schema: unknown; path: Array<string | number>}> = []
    for (let q = 0; q < op.params.length; q++) {
      const p = op.params[q]!
      if (p.in === 'body') roots.push({schema: p.param.schema, path: [...p.defPath, 'schema']})
    }
    for (const {code, response} of op.responses) {
      const resolved = isObj(response) && typeof response.$ref === 'string' ? model.resolve(response.$ref) : response
      if (isObj(resolved)) roots.push({schema: resolved.schema, path: [...op.path, 'responses', code, 'schema']})
    }
    for (const root of roots) {
      const size = measure(root.schema)
      total += size.count
      const atLeast = size.cut ? 'at least ' : ''
      if (size.count > bodyMax) {
        ctx.report(R.schemas, {file: 'apiDefinition', path: root.path}, `this schema holds ${atLeast}${size.count} schemas with its references expanded; the limit is ${bodyMax}`)
      }
      if (size.depth > depthMax) {
        ctx.report(R.depth, {file: 'apiDefinition', path: root.path}, `this schema is nested ${atLeast}${size.depth} levels deep (references followed); the threshold is ${depthMax}`)
      }
    }
    if (total > operationMax) {
      ctx.report(R.schemas, {file: 'apiDefinition', path: op.path, at: 'key'}, `the operation holds ${total} schemas with references expanded; the limit is ${operationMax}`, {
        msCode: 'OperationSchemaCountExceedsMaxAllowed',
      })
    }
  }
}

export type {Obj}
