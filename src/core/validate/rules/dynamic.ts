import type {PointerSegment} from '../../json/pointer.js'
import {isObj, type OperationInfo, type Obj, type ParamInfo, type SwaggerModel} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** x-ms-dynamic-values/-list/-schema/-properties/-tree, x-ms-capabilities and the operations they call. */
export const R = defineRules({
  targetExists: {
    id: 'dynamic/target-exists',
    severity: 'error',
    msCode: 'OperationIdNotFound',
    description: 'The operationId named by a dynamic extension, x-ms-capabilities, x-ms-notification or x-ms-operation-context exists.',
  },
  parametersMatch: {
    id: 'dynamic/parameters-match',
    severity: 'error',
    msCode: 'OperationParameterNameNotFound',
    description: 'The parameters a dynamic call passes exist on the called operation, every required one is supplied, and the types agree.',
  },
  ambiguous: {
    id: 'dynamic/ambiguous-reference',
    severity: 'error',
    msCode: 'DynamicListExtensionRequiredForNonParameterReferences',
    description: 'References to body properties (not parameters of the operation) need the companion extension: x-ms-dynamic-list beside x-ms-dynamic-values, x-ms-dynamic-properties beside x-ms-dynamic-schema.',
  },
  itemValuePath: {
    id: 'dynamic/item-value-path',
    severity: 'error',
    msCode: 'DynamicPropertiesItemValuePathMismatch',
    description: 'x-ms-dynamic-properties.itemValuePath matches x-ms-dynamic-schema value-path without a trailing "properties".',
  },
  placement: {
    id: 'dynamic/placement',
    severity: 'error',
    msCode: 'DynamicExtensionDefinitionNotAllowedInParameter',
    description: 'x-ms-dynamic-schema and x-ms-dynamic-properties go inside the body parameter\'s schema, not on the parameter.',
  },
  responsePaths: {
    id: 'dynamic/response-paths',
    severity: 'warning',
    msCode: 'InvokedOperationShouldProduceArray',
    description: 'value-collection/itemsPath lead to an array and value-path/value-title/itemValuePath/itemTitlePath to properties in the called operation\'s response.',
  },
  internalSource: {
    id: 'dynamic/internal-source',
    severity: 'warning',
    certification: 'error',
    msCode: 'SourcePropertyInternal',
    description: 'Visible operations do not pass internal parameters to dynamic calls (pass the static value instead).',
  },
  tree: {
    id: 'dynamic/tree',
    severity: 'error',
    msCode: 'DynamicTreeExtensionMissing',
    description: 'A file-picker (x-ms-dynamic-values capability) has an x-ms-dynamic-tree; selectedItemValuePath is used only in its "browse" parameters.',
  },
  shape: {
    id: 'dynamic/shape',
    severity: 'error',
    description: 'Dynamic extensions have their documented shape (operationId, parameters, paths as strings; x-ms-dynamic-values names exactly one of operationId, builtInOperation, capability).',
  },
})

const DV = 'x-ms-dynamic-values'
const DL = 'x-ms-dynamic-list'
const DS = 'x-ms-dynamic-schema'
const DP = 'x-ms-dynamic-properties'
const DT = 'x-ms-dynamic-tree'

interface Site {
  holder: Obj
  path: PointerSegment[]
  /** The operation whose parameters `{parameter: …}` references point at (undefined for shared definitions). */
  op: OperationInfo | undefined
  /** A parameter (vs a schema). */
  param?: ParamInfo
}

export const dynamic: RuleFamily = {
  name: 'dynamic',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    const opByPath = new Map(model.operations.map((op) => [`${op.pathKey}\u0000${op.method}`, op]))
    const sites: Site[] = []
    const seenParams = new Set<object>()
    for (let i = 0; i < model.operations.length; i++) {
      const op = model.operations[i]!
      for (let q = 0; q < op.params.length; q++) {
        const p = op.params[q]!
        if (p.level === 'path' && seenParams.has(p.param)) continue
        seenParams.add(p.param)
        sites.push({holder: p.param, path: p.defPath, op, param: p})
      }
    }
    const schemaSites = model.mayHold('x-ms-dynamic-') ? model.schemas() : []
    for (let i = 0; i < schemaSites.length; i++) {
      const visit = schemaSites[i]!
      const s = visit.schema
      if (s[DV] === undefined && s[DL] === undefined && s[DS] === undefined && s[DP] === undefined && s[DT] === undefined) continue
      const op = visit.path[0] === 'paths' ? opByPath.get(`${String(visit.path[1])}\u0000${String(visit.path[2])}`) : undefined
      sites.push({holder: s, path: visit.path, op})
    }
    for (const site of sites) checkSite(ctx, model, site)
    checkOperationLinks(ctx, model)
  },
}

function target(ctx: RuleContext, model: SwaggerModel, ext: Obj, path: PointerSegment[], key = 'operationId'): OperationInfo | undefined {
  const id = ext[key]
  if (typeof id !== 'string') return undefined
  const found = model.byId.get(id)?.[0]
  if (!found) {
    const near = [...model.byId.keys()].find((k) => k.toLowerCase() === id.toLowerCase())
    ctx.report(R.targetExists, {file: 'apiDefinition', path: [...path, key]}, `operation ${JSON.stringify(id)} does not exist${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`)
  }
  return found
}

function checkSite(ctx: RuleContext, model: SwaggerModel, site: Site): void {
  const {holder, path, op} = site
  if (site.param && site.param.in === 'body') {
    for (const key of [DS, DP]) {
      if (holder[key] !== undefined) {
        ctx.report(R.placement, {file: 'apiDefinition', path: [...path, key], at: 'key'}, `${key} is on the body parameter; it belongs inside its "schema"`, {fix: `Move ${key} into "schema".`})
      }
    }
  }
  const values = holder[DV]
  const list = holder[DL]
  const schema = site.param && site.param.in === 'body' ? undefined : holder[DS]
  const properties = site.param && site.param.in === 'body' ? undefined : holder[DP]
  if (values !== undefined) checkValues(ctx, model, site, values, list !== undefined)
  if (list !== undefined) checkListLike(ctx, model, site, DL, list, {items: 'itemsPath', value: 'itemValuePath', title: 'itemTitlePath'})
  if (schema !== undefined) checkSchemaExt(ctx, model, site, schema, properties !== undefined)
  if (properties !== undefined) checkListLike(ctx, model, site, DP, properties, {value: 'itemValuePath'})
  if (isObj(schema) && isObj(properties) && typeof schema['value-path'] === 'string' && typeof properties.itemValuePath === 'string') {
    const expected = schema['value-path'].replace(/\/?properties$/, '')
    if (properties.itemValuePath !== expected) {
      ctx.report(R.itemValuePath, {file: 'apiDefinition', path: [...path, DP, 'itemValuePath']}, `itemValuePath ${JSON.stringify(properties.itemValuePath)} does not match the x-ms-dynamic-schema value-path ${JSON.stringify(schema['value-path'])}`, {
        fix: `Write ${JSON.stringify(expected)}.`,
      })
    }
  }
  const tree = holder[DT]
  if (tree !== undefined) checkTree(ctx, model, [...path, DT], tree)
  if (isObj(values) && values.capability === 'file-picker' && tree === undefined) {
    ctx.report(R.tree, {file: 'apiDefinition', path: [...path, DV, 'capability']}, 'a file-picker needs an x-ms-dynamic-tree beside x-ms-dynamic-values')
  }
  void op
}

function shapeError(ctx: RuleContext, path: PointerSegment[], message: string): void {
  ctx.report(R.shape, {file: 'apiDefinition', path}, message)
}

function checkValues(ctx: RuleContext, model: SwaggerModel, site: Site, ext: unknown, hasList: boolean): void {
  const path = [...site.path, DV]
  if (!isObj(ext)) return shapeError(ctx, path, `${DV} must be an object`)
  const sources = ['operationId', 'builtInOperation', 'capability'].filter((k) => ext[k] !== undefined)
  if (sources.length !== 1) {
    shapeError(ctx, sources.length === 0 ? path : [...path, sources[1]!], `${DV} names ${sources.length === 0 ? 'none' : sources.join(' and ')} of operationId, builtInOperation and capability; exactly one is needed`)
  }
  for (const key of ['operationId', 'builtInOperation', 'capability', 'value-collection', 'value-path', 'value-title']) {
    if (ext[key] !== undefined && typeof ext[key] !== 'string') shapeError(ctx, [...path, key], `${DV}.${key} must be a string`)
  }
  if (ext.capability !== undefined && ext.capability !== 'file-picker') shapeError(ctx, [...path, 'capability'], `unknown capability ${JSON.stringify(ext.capability)} (known: file-picker)`)
  if (ext.parameters !== undefined && !isObj(ext.parameters)) return shapeError(ctx, [...path, 'parameters'], `${DV}.parameters must be an object`)
  const called = target(ctx, model, ext, path)
  checkCallParameters(ctx, site, path, ext, called, 'parameter', hasList ? undefined : DL)
  if (called && ctx.on(R.responsePaths)) {
    responsePaths(ctx, model, called, path, ext, {items: 'value-collection', value: 'value-path', title: 'value-title'})
  }
}

function checkSchemaExt(ctx: RuleContext, model: SwaggerModel, site: Site, ext: unknown, hasProperties: boolean): void {
  const path = [...site.path, DS]
  if (!isObj(ext)) return shapeError(ctx, path, `${DS} must be an object {"operationId", "parameters", "value-path"}`)
  if (typeof ext.operationId !== 'string') shapeError(ctx, ext.operationId === undefined ? path : [...path, 'operationId'], `${DS} needs an operationId (string)`)
  if (ext['value-path'] !== undefined && typeof ext['value-path'] !== 'string') shapeError(ctx, [...path, 'value-path'], `${DS}.value-path must be a string`)
  for (const key of Object.keys(ext)) if (!['operationId', 'parameters', 'value-path'].includes(key)) shapeError(ctx, [...path, key], `${DS} has an unknown key ${JSON.stringify(key)}`)
  if (ext.parameters !== undefined && !isObj(ext.parameters)) return shapeError(ctx, [...path, 'parameters'], `${DS}.parameters must be an object`)
  const called = target(ctx, model, ext, path)
  checkCallParameters(ctx, site, path, ext, called, 'parameter', hasProperties ? undefined : DP)
}

function checkListLike(ctx: RuleContext, model: SwaggerModel, site: Site, name: string, ext: unknown, paths: {items?: string; value?: string; title?: string}): void {
  const path = [...site.path, name]
  if (!isObj(ext)) return shapeError(ctx, path, `${name} must be an object`)
  if (typeof ext.operationId !== 'string') shapeError(ctx, ext.operationId === undefined ? path : [...path, 'operationId'], `${name} needs an operationId (string)`)
  for (const key of Object.values(paths)) if (ext[key] !== undefined && typeof ext[key] !== 'string') shapeError(ctx, [...path, key], `${name}.${key} must be a string`)
  if (ext.parameters !== undefined) {
    if (!isObj(ext.parameters)) return shapeError(ctx, [...path, 'parameters'], `${name}.parameters must be an object`)
    for (const key in ext.parameters) {
      const value = ext.parameters[key]
      const ok = isObj(value) && (value.value !== undefined || typeof value.parameterReference === 'string' || typeof value.selectedItemValuePath === 'string')
      if (!ok) shapeError(ctx, [...path, 'parameters', key], `${name}.parameters.${key} must be {"value": …} or {"parameterReference": "<parameter>/<path>"}`)
    }
  }
  const called = target(ctx, model, ext, path)
  checkCallParameters(ctx, site, path, ext, called, 'parameterReference', undefined)
  if (called && ctx.on(R.responsePaths)) responsePaths(ctx, model, called, path, ext, paths)
}

function checkTree(ctx: RuleContext, model: SwaggerModel, path: PointerSegment[], tree: unknown): void {
  if (!isObj(tree)) return shapeError(ctx, path, `${DT} must be an object {"settings", "open", "browse"}`)
  if (tree.settings !== undefined && !isObj(tree.settings)) shapeError(ctx, [...path, 'settings'], `${DT}.settings must be an object`)
  for (const part of ['open', 'browse']) {
    const value = tree[part]
    if (value === undefined) continue
    if (!isObj(value)) {
      shapeError(ctx, [...path, part], `${DT}.${part} must be an object`)
      continue
    }
    target(ctx, model, value, [...path, part])
    if (isObj(value.parameters) && part === 'open') {
      for (const key in value.parameters) {
        const p = value.parameters[key]
        if (isObj(p) && p.selectedItemValuePath !== undefined) {
          ctx.report(R.tree, {file: 'apiDefinition', path: [...path, part, 'parameters', key, 'selectedItemValuePath'], at: 'key'}, 'selectedItemValuePath is only allowed in "browse" parameters', {
            msCode: 'SelectedItemValuePathNotAllowedInThisPosition',
          })
        }
      }
    }
  }
}

/**
 * The `parameters` a dynamic call passes: names exist on the called operation, required ones are supplied,
 * static values and referenced parameters have the called parameter's type, references resolve.
 */
function checkCallParameters(
  ctx: RuleContext,
  site: Site,
  path: PointerSegment[],
  ext: Obj,
  called: OperationInfo | undefined,
  referenceKey: 'parameter' | 'parameterReference',
  companion: string | undefined,
): void {
  const given = isObj(ext.parameters) ? ext.parameters : {}
  if (called) {
    const body = called.params.find((p) => p.in === 'body')
    const bodySchema = body ? ctx.model!.deref(body.param.schema) : undefined
    // Names may also be properties of the called operation's body (passed inside it).
    const inBody = (name: string): boolean =>
      body !== undefined && (name.startsWith(`${body.name}/`) || !isObj(bodySchema?.properties) || name.split('/')[0]! in (bodySchema!.properties as Obj))
    for (const name in given) {
      const value = given[name]
      const p = called.params.find((q) => q.name === name)
      const at = {file: 'apiDefinition' as const, path: [...path, 'parameters', name], at: 'key' as const}
      if (!p) {
        if (inBody(name)) continue
        ctx.report(R.parametersMatch, at, `${called.operationId} has no parameter ${JSON.stringify(name)}${called.params.length > 0 ? ` (it has: ${called.params.map((q) => q.name).join(', ')})` : ''}`)
        continue
      }
      const type = typeof p.param.type === 'string' ? p.param.type : undefined
      const literal = isObj(value) ? (referenceKey === 'parameterReference' ? value.value : undefined) : value
      if (type && literal !== undefined && literal !== null && !staticFits(literal, type)) {
        ctx.report(R.parametersMatch, {file: 'apiDefinition', path: [...path, 'parameters', name]}, `${JSON.stringify(literal)} is not a ${type}, the type of ${called.operationId}'s parameter ${JSON.stringify(name)}`, {
          msCode: 'OperationParameterStaticTypeMismatch',
          ...(ctx.profile === 'base' ? {severity: 'warning' as const} : {}),
        })
      }
    }
    for (const p of called.params) {
      const internal = String(p.param['x-ms-visibility'] ?? '').toLowerCase() === 'internal'
      if (p.param.required === true && !(p.name in given) && p.param.default === undefined && !internal && p.in !== 'body') {
        ctx.report(R.parametersMatch, {file: 'apiDefinition', path: isObj(ext.parameters) ? [...path, 'parameters'] : path, at: 'key'}, `the call to ${called.operationId} does not pass its required parameter ${JSON.stringify(p.name)}`, {
          msCode: 'OperationMissingRequiredProperty',
        })
      }
    }
  }
  const op = site.op
  if (!op) return
  for (const name in given) {
    const value = given[name]
    if (!isObj(value)) continue
    const reference = value[referenceKey]
    if (typeof reference !== 'string') continue
    const head = referenceKey === 'parameterReference' ? reference.split('/')[0]! : reference
    const source = op.params.find((p) => p.name === head)
    const at = {file: 'apiDefinition' as const, path: [...path, 'parameters', name, referenceKey]}
    if (!source) {
      if (companion && referenceKey === 'parameter') {
        ctx.report(R.ambiguous, at, `${JSON.stringify(reference)} is not a parameter of ${op.operationId ?? op.pathKey} (a body property?); such references need ${companion} beside this extension`, {
          ...(companion === DP ? {msCode: 'DynamicPropertiesExtensionRequiredForNonParameterReferences'} : {}),
        })
      } else if (referenceKey === 'parameterReference' && op.params.length > 0 && !op.params.some((p) => p.in === 'body')) {
        ctx.report(R.parametersMatch, at, `parameterReference ${JSON.stringify(reference)} does not start with a parameter of ${op.operationId ?? op.pathKey}`)
      }
      continue
    }
    const sourceInternal = String(source.param['x-ms-visibility'] ?? '').toLowerCase() === 'internal'
    const opInternal = String(op.op['x-ms-visibility'] ?? '').toLowerCase() === 'internal'
    if (sourceInternal && !opInternal) {
      ctx.report(R.internalSource, at, `${JSON.stringify(head)} is an internal parameter; pass its value statically instead of referencing it`, {
        fix: source.param.default !== undefined ? `Write {"value": ${JSON.stringify(source.param.default)}}.` : 'Pass a static value.',
      })
    }
  }
}

function staticFits(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value))
    case 'number':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    default:
      return true
  }
}

/** Checks that the paths of a dynamic list lead somewhere in the called operation's success response schema. */
function responsePaths(ctx: RuleContext, model: SwaggerModel, called: OperationInfo, path: PointerSegment[], ext: Obj, keys: {items?: string; value?: string; title?: string}): void {
  const success = called.responses.find((r) => /^2\d\d$/.test(r.code))
  const response = success ? model.deref(success.response) : undefined
  let root = response ? model.deref(response.schema) : undefined
  if (!root) return
  let items: Obj | undefined = root
  const itemsPath = keys.items ? ext[keys.items] : undefined
  if (typeof itemsPath === 'string' && itemsPath !== '') {
    const found = navigate(model, root, itemsPath)
    if (found === 'missing') {
      ctx.report(R.responsePaths, {file: 'apiDefinition', path: [...path, keys.items!]}, `${keys.items} ${JSON.stringify(itemsPath)} is not in the response of ${called.operationId}`)
      return
    }
    if (found === 'open') return
    if (typeof found.type === 'string' && found.type !== 'array') {
      ctx.report(R.responsePaths, {file: 'apiDefinition', path: [...path, keys.items!]}, `${keys.items} ${JSON.stringify(itemsPath)} is a ${found.type} in the response of ${called.operationId}, not an array`)
      return
    }
    items = model.deref(found.items)
  } else if (root.type === 'array') items = model.deref(root.items)
  root = items
  if (!root) return
  for (const key of [keys.value, keys.title]) {
    const value = key ? ext[key] : undefined
    if (typeof value !== 'string' || value === '') continue
    if (navigate(model, root, value) === 'missing') {
      ctx.report(R.responsePaths, {file: 'apiDefinition', path: [...path, key!]}, `${key} ${JSON.stringify(value)} is not a property of the items returned by ${called.operationId}`, {msCode: 'InvokedOperationShouldProduceProperty'})
    }
  }
}

/** Follows a "a/b/c" path through properties; 'open' when a schema on the way does not list its properties. */
function navigate(model: SwaggerModel, schema: Obj, path: string): Obj | 'missing' | 'open' {
  let current: Obj | undefined = schema
  for (const segment of path.split('/')) {
    if (!current) return 'open'
    if (current.type === 'array' && isObj(current.items)) current = model.deref(current.items)
    if (!current || !isObj(current.properties) || Object.keys(current.properties).length === 0 || current.allOf !== undefined || current.additionalProperties !== undefined) return 'open'
    if (current['x-ms-dynamic-schema'] !== undefined || current['x-ms-dynamic-properties'] !== undefined) return 'open'
    const next: unknown = (current.properties as Obj)[segment]
    if (next === undefined) return 'missing'
    current = model.deref(next)
  }
  return current ?? 'open'
}

/** x-ms-capabilities (document), x-ms-notification and x-ms-operation-context (operations). */
function checkOperationLinks(ctx: RuleContext, model: SwaggerModel): void {
  const capabilities = model.doc['x-ms-capabilities']
  if (isObj(capabilities)) {
    const test = capabilities.testConnection
    if (isObj(test)) target(ctx, model, test, ['x-ms-capabilities', 'testConnection'])
    const picker = capabilities['file-picker']
    if (isObj(picker)) {
      for (const part of ['open', 'browse']) if (isObj(picker[part])) target(ctx, model, picker[part] as Obj, ['x-ms-capabilities', 'file-picker', part])
    }
  }
  for (let i = 0; i < model.operations.length; i++) {
    const op = model.operations[i]!
    const notification = op.op['x-ms-notification']
    if (isObj(notification)) target(ctx, model, notification, [...op.path, 'x-ms-notification'])
    const context = op.op['x-ms-operation-context']
    if (isObj(context) && isObj(context.simulate)) target(ctx, model, context.simulate, [...op.path, 'x-ms-operation-context', 'simulate'])
  }
}
