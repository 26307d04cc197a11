import type {PointerSegment} from '../../json/pointer.js'
import {definitionName, isObj, type Obj, SchemaVisit, type SwaggerModel} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** Schemas and the schema-like keywords of parameters and headers; tags; x-ms-enum-values; x-ms-editor. */
export const R = defineRules({
  arrayItems: {
    id: 'schema/array-items',
    severity: 'warning',
    certification: 'error',
    msCode: 'ArrayHasNoItems',
    description: '"type": "array" has "items".',
    fix: 'Add "items": {"type": "string"} (or the item schema).',
  },
  requiredDefined: {
    id: 'schema/required-defined',
    severity: 'warning',
    certification: 'error',
    msCode: 'RequiredPropertyDefinitionMissing',
    description: '"required" is a non-empty list of names defined in "properties", on object schemas only.',
  },
  requiredLoop: {
    id: 'schema/required-loop',
    severity: 'error',
    msCode: 'RequiredLoopInSchemaNotAllowed',
    description: 'Required properties do not form a cycle through $refs (no value could ever be complete).',
  },
  readonlyRequiredInput: {
    id: 'schema/readonly-required-input',
    severity: 'error',
    msCode: 'RequiredReadOnlyPropertyNotAllowedAsInput',
    description: 'A property of a request body is not both readOnly and required.',
  },
  fileType: {
    id: 'schema/file-type',
    severity: 'error',
    msCode: 'SchemaTypeFileNotValid',
    description: '"type": "file" only on formData parameters or as the root schema of a response.',
  },
  stringBinary: {
    id: 'schema/string-binary',
    severity: 'warning',
    certification: 'error',
    msCode: 'InvalidStringBinaryProperty',
    description: 'string/binary only at the top of a body or formData parameter, not inside an input object (a live connector does it, so it is a warning outside certification).',
  },
  format: {
    id: 'schema/format',
    severity: 'warning',
    msCode: 'UnrecognizedTypeFormat',
    description: '"format" is one the platform knows: int32, int64, float, double, byte, binary, date, date-time, password, date-no-tz, email, html, uri, uuid.',
  },
  defaultType: {
    id: 'schema/default-type',
    severity: 'warning',
    certification: 'error',
    msCode: 'DefaultValueMustMatchType',
    description: '"default" has the declared type (e.g. true, not "true", for a boolean).',
  },
  enum: {
    id: 'schema/enum',
    severity: 'warning',
    certification: 'error',
    msCode: 'EnumMustContainAtLeastOneElement',
    description: '"enum" is non-empty, has no duplicates, and its values have the declared type.',
  },
  numeric: {
    id: 'schema/numeric-constraints',
    severity: 'warning',
    certification: 'error',
    msCode: 'MinimumShouldBeLessThanOrEqualToMaximum',
    description: 'Constraints make sense: multipleOf > 0, lengths and counts ≥ 0, minimum ≤ maximum, exclusiveMinimum/Maximum with their bound, "pattern" compiles.',
  },
  discriminator: {
    id: 'schema/discriminator',
    severity: 'error',
    msCode: 'DiscriminatorMustBeARequiredStringProperty',
    description: '"discriminator" names a required string property of the schema.',
  },
  keywordContext: {
    id: 'schema/keyword-context',
    severity: 'warning',
    msCode: 'SwaggerKeywordNotSupported',
    description: 'Keywords fit the declared type (items/uniqueItems on arrays, properties on objects, lengths and patterns on strings, bounds on numbers).',
  },
  definitionName: {
    id: 'schema/definition-name',
    severity: 'info',
    description: 'Definition names use only letters, digits, ".", "_" and "-" (other characters break some tools).',
  },
  example: {
    id: 'schema/example-matches',
    severity: 'info',
    description: '"example" values have the types their schema declares.',
  },
  tags: {id: 'tags/unique', severity: 'error', msCode: 'TagRedefined', description: 'Tag names are unique.'},
  enumValues: {
    id: 'enum-values/valid',
    severity: 'error',
    msCode: 'InvalidEnumValuesExtensionValue',
    description: 'x-ms-enum-values entries have a displayName and a value listed in "enum", once each.',
  },
  dictionary: {
    id: 'editor/dictionary',
    severity: 'error',
    msCode: 'InvalidCustomEditorExtensionDictionaryValue',
    description: '"x-ms-editor": "dictionary" only on object schemas with additionalProperties.',
  },
})

const formats = new Set(['int32', 'int64', 'float', 'double', 'byte', 'binary', 'date', 'date-time', 'password', 'date-no-tz', 'email', 'html', 'uri', 'uuid'])

/** A non-body parameter, a response header or the items of one of them, with its pointer. */
interface OtherNode {
  node: Obj
  kind: 'parameter' | 'header' | 'items'
  where: PointerSegment[]
}

/**
 * Everything with type/enum/default/format: a schema is its visit itself (no wrapper per schema: a large
 * corpus has hundreds of thousands), anything else an OtherNode.
 */
type Node = SchemaVisit | OtherNode

function nodeOf(n: Node): Obj {
  return n instanceof SchemaVisit ? n.schema : n.node
}

function kindOf(n: Node): 'schema' | OtherNode['kind'] {
  return n instanceof SchemaVisit ? 'schema' : n.kind
}

/** The pointer of a node, or of one of its keys (a schema's pointer is built only when a finding needs it). */
function at(n: Node, ...keys: PointerSegment[]): PointerSegment[] {
  return [...(n instanceof SchemaVisit ? n.path : n.where), ...keys]
}

export const schemas: RuleFamily = {
  name: 'schemas',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    const doc = model.doc
    const usage = ctx.on(R.readonlyRequiredInput) ? model.definitionUsage() : undefined
    const visits = model.schemas()
    for (let k = 0; k < visits.length; k++) {
      const visit = visits[k]!
      checkTyped(ctx, visit)
      checkSchema(ctx, model, visit, usage)
    }
    const others = otherTypedNodes(model)
    for (let k = 0; k < others.length; k++) checkTyped(ctx, others[k]!)
    if (ctx.on(R.requiredLoop)) requiredLoops(ctx, model)
    if (isObj(doc.definitions)) {
      for (const name of Object.keys(doc.definitions)) {
        if (!/^[A-Za-z0-9._-]+$/.test(name)) ctx.report(R.definitionName, {file: 'apiDefinition', path: ['definitions', name], at: 'key'}, `definition name ${JSON.stringify(name)} has characters other than letters, digits, ".", "_" and "-"`)
      }
    }
    if (Array.isArray(doc.tags)) {
      const seen = new Set<unknown>()
      doc.tags.forEach((tag, i) => {
        if (!isObj(tag) || typeof tag.name !== 'string') return
        if (seen.has(tag.name)) ctx.report(R.tags, {file: 'apiDefinition', path: ['tags', i, 'name']}, `tag ${JSON.stringify(tag.name)} is declared twice`)
        seen.add(tag.name)
      })
    }
  },
}

/** Non-body parameters, their items and response headers: what has type/enum/default/format besides schemas. */
function otherTypedNodes(model: SwaggerModel): OtherNode[] {
  const nodes: OtherNode[] = []
  const addItems = (owner: Obj, path: PointerSegment[]): void => {
    if (isObj(owner.items)) {
      nodes.push({node: owner.items, where: [...path, 'items'], kind: 'items'})
      addItems(owner.items, [...path, 'items'])
    }
  }
  const seen = new Set<object>()
  const addParam = (param: Obj, path: PointerSegment[]): void => {
    if (seen.has(param) || param.in === 'body') return
    seen.add(param)
    nodes.push({node: param, where: path, kind: 'parameter'})
    addItems(param, path)
  }
  const doc = model.doc
  for (let n = 0; n < model.operations.length; n++) {
    const op = model.operations[n]!
    for (let q = 0; q < op.params.length; q++) {
      const p = op.params[q]!
      addParam(p.param, p.defPath)
    }
    for (const {code, response} of op.responses) {
      if (!isObj(response) || !isObj(response.headers)) continue
      for (const name in response.headers) {
        const header = response.headers[name]
        if (isObj(header)) {
          nodes.push({node: header, where: [...op.path, 'responses', code, 'headers', name], kind: 'header'})
          addItems(header, [...op.path, 'responses', code, 'headers', name])
        }
      }
    }
  }
  if (isObj(doc.parameters)) {
    for (const name in doc.parameters) {
      const p = doc.parameters[name]
      if (isObj(p)) addParam(p, ['parameters', name])
    }
  }
  return nodes
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function fits(value: unknown, type: unknown): boolean {
  if (typeof type !== 'string') return true
  const actual = typeOf(value)
  if (type === 'number') return actual === 'number' || actual === 'integer'
  if (type === 'file') return true
  return actual === type
}

/** Keywords that only apply to some types (schema/keyword-context). */
const keywordTypes = new Map<string, string[]>([
  ...['items', 'minItems', 'maxItems', 'uniqueItems', 'collectionFormat'].map((k) => [k, ['array']] as [string, string[]]),
  ...['properties', 'additionalProperties', 'minProperties', 'maxProperties'].map((k) => [k, ['object']] as [string, string[]]),
  ...['minLength', 'maxLength', 'pattern'].map((k) => [k, ['string']] as [string, string[]]),
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].map((k) => [k, ['number', 'integer']] as [string, string[]]),
])

/** Keys that need a look in checkTyped; a node with none of them costs one pass over its keys. */
const interesting = new Set(['format', 'default', 'enum', 'x-ms-enum-values', 'x-ms-editor', 'example', ...keywordTypes.keys()])

/**
 * The keys checkNumeric reads: it runs only for nodes that have one (most schemas have "properties" or "items",
 * which need the keyword-context check but not the fourteen lookups of checkNumeric).
 */
const numericKeys = new Set(['multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern'])

function checkTyped(ctx: RuleContext, n: Node): void {
  const node = nodeOf(n)
  const kind = kindOf(n)
  const file = 'apiDefinition' as const
  const type = node.type
  if (type === 'array' && node.items === undefined && node.$ref === undefined) {
    const what = kind === 'parameter' ? `parameter ${JSON.stringify(node.name)}` : kind
    ctx.report(R.arrayItems, {file, path: at(n, 'type')}, `${what} is an array without "items"`)
  }
  let numeric = false
  for (const key in node) {
    if (!interesting.has(key)) continue
    const types = keywordTypes.get(key)
    if (types) {
      if (!numeric && numericKeys.has(key)) numeric = true
      if (typeof type === 'string' && !types.includes(type) && ctx.on(R.keywordContext)) {
        ctx.report(R.keywordContext, {file, path: at(n, key), at: 'key'}, `"${key}" does not apply to a ${type} (it is for ${types.join('/')})`)
      }
      continue
    }
    switch (key) {
      case 'format': {
        const format = node.format
        if (typeof format === 'string' && !formats.has(format) && ctx.on(R.format)) {
          const near = [...formats].find((f) => f === format.toLowerCase())
          ctx.report(R.format, {file, path: at(n, 'format')}, `format ${JSON.stringify(format)} is not one the platform knows${near ? ` (did you mean ${JSON.stringify(near)}?)` : format === 'guid' ? ' (use "uuid")' : ''}`)
        }
        break
      }
      case 'default': {
        const value = node.default
        if (typeof type === 'string' && !fits(value, type) && !(value === null && kind === 'schema')) {
          ctx.report(R.defaultType, {file, path: at(n, 'default')}, `the default ${JSON.stringify(value)} is not a ${type}`, {
            fix: typeof value === 'string' && type !== 'string' ? `Write it without quotes: ${value}.` : `Give a ${type} default.`,
          })
        }
        break
      }
      case 'enum':
        if (Array.isArray(node.enum)) checkEnum(ctx, n, node.enum, type)
        break
      case 'x-ms-enum-values':
        if (Array.isArray(node['x-ms-enum-values'])) checkEnumValues(ctx, n)
        break
      case 'x-ms-editor':
        if (node['x-ms-editor'] === 'dictionary' && !(type === 'object' && node.additionalProperties !== undefined && node.additionalProperties !== false)) {
          ctx.report(R.dictionary, {file, path: at(n, 'x-ms-editor')}, '"x-ms-editor": "dictionary" needs an object schema with additionalProperties')
        }
        break
      case 'example':
        if (ctx.on(R.example)) {
          const mismatch = exampleMismatch(ctx, node.example, node, [], 0)
          if (mismatch) ctx.report(R.example, {file, path: at(n, 'example', ...mismatch.path)}, mismatch.message)
        }
        break
    }
  }
  if (numeric) checkNumeric(ctx, n)
}

function checkEnum(ctx: RuleContext, n: Node, values: unknown[], type: unknown): void {
  const file = 'apiDefinition' as const
  if (values.length === 0) ctx.report(R.enum, {file, path: at(n, 'enum')}, '"enum" is empty')
  const seen = new Set<string>()
  values.forEach((value, i) => {
    const key = typeof value === 'string' ? `s${value}` : JSON.stringify(value)
    if (seen.has(key)) ctx.report(R.enum, {file, path: at(n, 'enum', i)}, `enum value ${JSON.stringify(value)} is listed twice`, {msCode: 'ArrayDuplicateValue'})
    seen.add(key)
    if (typeof type === 'string' && type !== 'array' && value !== null && !fits(value, type)) {
      ctx.report(R.enum, {file, path: at(n, 'enum', i)}, `enum value ${JSON.stringify(value)} is not a ${type}`, {msCode: 'InvalidEnumValue'})
    }
  })
}

const ordered: Array<{low: string; high: string; code: string}> = [
  {low: 'minimum', high: 'maximum', code: 'MinimumShouldBeLessThanOrEqualToMaximum'},
  {low: 'minLength', high: 'maxLength', code: 'MinLengthShouldBeLessThanOrEqualToMaxLength'},
  {low: 'minItems', high: 'maxItems', code: 'MinItemsShouldBeLessThanOrEqualToMaxItems'},
]
const counts = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']

function checkNumeric(ctx: RuleContext, n: Node): void {
  const node = nodeOf(n)
  const file = 'apiDefinition' as const
  if (typeof node.multipleOf === 'number' && node.multipleOf <= 0) ctx.report(R.numeric, {file, path: at(n, 'multipleOf')}, `multipleOf must be greater than 0, found ${node.multipleOf}`, {msCode: 'MultipleOfMustBeGreaterThanZero'})
  for (let i = 0; i < counts.length; i++) {
    const key = counts[i]!
    const value = node[key]
    if (typeof value === 'number' && value < 0) ctx.report(R.numeric, {file, path: at(n, key)}, `${key} must not be negative, found ${value}`, {msCode: `${key[0]!.toUpperCase()}${key.slice(1)}MustBeGreaterThanOrEqualToZero`})
  }
  for (let i = 0; i < ordered.length; i++) {
    const {low, high, code} = ordered[i]!
    const a = node[low]
    const b = node[high]
    if (typeof a === 'number' && typeof b === 'number' && a > b) ctx.report(R.numeric, {file, path: at(n, low)}, `${low} (${a}) is greater than ${high} (${b})`, {msCode: code})
  }
  if (node.exclusiveMinimum !== undefined && node.minimum === undefined) ctx.report(R.numeric, {file, path: at(n, 'exclusiveMinimum')}, 'exclusiveMinimum needs a minimum', {msCode: 'ExclusiveMinimumRequiresMinimum'})
  if (node.exclusiveMaximum !== undefined && node.maximum === undefined) ctx.report(R.numeric, {file, path: at(n, 'exclusiveMaximum')}, 'exclusiveMaximum needs a maximum', {msCode: 'ExclusiveMaximumRequiresMaximum'})
  if (typeof node.pattern === 'string') {
    try {
      new RegExp(node.pattern)
    } catch (error) {
      ctx.report(R.numeric, {file, path: at(n, 'pattern')}, `pattern does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`, {msCode: 'PatternShouldBeValidRegularExpression'})
    }
  }
}

function checkEnumValues(ctx: RuleContext, n: Node): void {
  const node = nodeOf(n)
  const values = node['x-ms-enum-values'] as unknown[]
  const seen = new Set<string>()
  values.forEach((entry, i) => {
    const file = 'apiDefinition' as const
    if (!isObj(entry)) {
      ctx.report(R.enumValues, {file, path: at(n, 'x-ms-enum-values', i)}, 'an x-ms-enum-values entry must be an object {"value": …, "displayName": …}')
      return
    }
    if (typeof entry.displayName !== 'string' || entry.displayName.trim() === '') ctx.report(R.enumValues, {file, path: at(n, 'x-ms-enum-values', i)}, 'the entry has no displayName', {msCode: 'MissingEnumValuesDisplayName'})
    const key = JSON.stringify(entry.value)
    if (seen.has(key)) ctx.report(R.enumValues, {file, path: at(n, 'x-ms-enum-values', i, 'value')}, `value ${key} is listed twice`, {msCode: 'DuplicateEnumValuesInExtension'})
    seen.add(key)
    if (Array.isArray(node.enum) && !node.enum.some((v) => JSON.stringify(v) === key)) {
      ctx.report(R.enumValues, {file, path: at(n, 'x-ms-enum-values', i, 'value')}, `value ${key} is not in "enum"`, {msCode: 'InvalidEnumValuesExtensionValue'})
    }
  })
}

function checkSchema(ctx: RuleContext, model: SwaggerModel, visit: SchemaVisit, usage: Map<string, {input: boolean; output: boolean}> | undefined): void {
  const node = visit.schema
  const file = 'apiDefinition' as const
  const required = node.required
  if (Array.isArray(required)) {
    if (required.length === 0) ctx.report(R.requiredDefined, {file, path: at(visit, 'required')}, '"required" is empty', {msCode: 'RequiredPropertyArrayEmpty', fix: 'Remove "required".'})
    if (typeof node.type === 'string' && node.type !== 'object') {
      ctx.report(R.requiredDefined, {file, path: at(visit, 'required')}, `"required" on a ${node.type} schema has no effect`, {msCode: 'RequiredPropertyNotOnObject'})
    } else if (isObj(node.properties) && node.allOf === undefined) {
      const properties = node.properties
      for (let i = 0; i < required.length; i++) {
        const name: unknown = required[i]
        if (typeof name === 'string' && !(name in properties)) {
          ctx.report(R.requiredDefined, {file, path: at(visit, 'required', i)}, `required property ${JSON.stringify(name)} is not defined in "properties"`)
        }
      }
    }
  }
  if (node.type === 'file' && !(visit.root && visit.role === 'output')) {
    ctx.report(R.fileType, {file, path: at(visit, 'type')}, '"type": "file" is only allowed as the root schema of a response (or on a formData parameter)', {fix: 'Use "type": "string", "format": "binary".'})
  }
  if (node.format === 'binary' && node.type === 'string' && visit.role === 'input' && !visit.root) {
    ctx.report(R.stringBinary, {file, path: at(visit, 'format')}, 'string/binary inside a request body: binary content must be the whole body (or a formData file)')
  }
  if (typeof node.discriminator === 'string') {
    const name = node.discriminator
    const property = isObj(node.properties) ? model.deref(node.properties[name]) : undefined
    const req = Array.isArray(node.required) && node.required.includes(name)
    if (!property || property.type !== 'string' || !req) {
      ctx.report(R.discriminator, {file, path: at(visit, 'discriminator')}, `discriminator ${JSON.stringify(name)} must name a required string property of this schema`)
    }
  }
  if (usage && Array.isArray(required) && isObj(node.properties)) {
    const input = visit.role === 'input' || (visit.role === 'definition' && usage.get(String(topDefinition(visit)))?.input === true)
    if (input) {
      for (const name of required) {
        const property = typeof name === 'string' ? (node.properties as Obj)[name] : undefined
        if (isObj(property) && property.readOnly === true) {
          ctx.report(R.readonlyRequiredInput, {file, path: at(visit, 'properties', name as string, 'readOnly')}, `property ${JSON.stringify(name)} is read-only and required in a request body`, {
            fix: 'Drop "readOnly", or remove it from "required".',
          })
        }
      }
    }
  }
}

/** The name of the definition a visit belongs to. */
function topDefinition(visit: SchemaVisit): PointerSegment | undefined {
  let top = visit
  while (top.parentVisit) top = top.parentVisit
  return top.path[1]
}

/** Cycles of required properties through $refs between definitions. */
function requiredLoops(ctx: RuleContext, model: SwaggerModel): void {
  const definitions = isObj(model.doc.definitions) ? model.doc.definitions : {}
  const edges = new Map<string, Array<{to: string; property: string}>>()
  for (const name in definitions) {
    const schema = definitions[name]
    if (!isObj(schema) || !Array.isArray(schema.required) || !isObj(schema.properties)) continue
    for (const property of schema.required) {
      const sub: unknown = typeof property === 'string' ? (schema.properties as Obj)[property] : undefined
      const to = isObj(sub) && typeof sub.$ref === 'string' ? definitionName(sub.$ref) : undefined
      if (to !== undefined && definitions[to] !== undefined) edges.set(name, [...(edges.get(name) ?? []), {to, property: property as string}])
    }
  }
  const state = new Map<string, 1 | 2>()
  const stack: string[] = []
  const reported = new Set<string>()
  const visit = (name: string): void => {
    state.set(name, 1)
    stack.push(name)
    for (const {to, property} of edges.get(name) ?? []) {
      if (state.get(to) === 1) {
        const cycle = [...stack.slice(stack.indexOf(to)), to]
        const key = [...cycle].sort().join('\u0000')
        if (!reported.has(key)) {
          reported.add(key)
          ctx.report(R.requiredLoop, {file: 'apiDefinition', path: ['definitions', name, 'properties', property]}, `required properties form a cycle: ${cycle.join(' → ')}`, {
            fix: 'Make one property of the cycle optional.',
          })
        }
      } else if (!state.has(to)) visit(to)
    }
    stack.pop()
    state.set(name, 2)
  }
  for (const name of edges.keys()) if (!state.has(name)) visit(name)
}

function exampleMismatch(ctx: RuleContext, value: unknown, schema: Obj, path: PointerSegment[], depth: number): {path: PointerSegment[]; message: string} | undefined {
  if (depth > 16) return undefined
  const type = schema.type
  if (typeof type === 'string' && value !== null && !fits(value, type)) {
    return {path, message: `the example ${path.length > 0 ? `at ${path.join('.')} ` : ''}is ${typeOf(value)}, but the schema says ${type}`}
  }
  if (isObj(value) && isObj(schema.properties)) {
    for (const key in value) {
      const sub = value[key]
      const subSchema = ctx.model!.deref((schema.properties as Obj)[key])
      if (subSchema) {
        const found = exampleMismatch(ctx, sub, subSchema, [...path, key], depth + 1)
        if (found) return found
      }
    }
  }
  if (Array.isArray(value) && isObj(schema.items)) {
    const items = ctx.model!.deref(schema.items)
    if (items) {
      for (let i = 0; i < value.length; i++) {
        const found = exampleMismatch(ctx, value[i], items, [...path, i], depth + 1)
        if (found) return found
      }
    }
  }
  return undefined
}
