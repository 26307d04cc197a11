import type {PointerSegment} from '../../json/pointer.js'
import {isNonEmptyString, isObj, type OperationInfo, type ParamInfo} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** Parameters of operations and path items. */
export const R = defineRules({
  unique: {
    id: 'params/unique',
    severity: 'error',
    msCode: 'OperationParametersContainDuplicateParameter',
    description: 'No two parameters with the same name and "in" on one operation or one path item.',
  },
  singleBody: {id: 'params/single-body', severity: 'error', msCode: 'OperationParametersContainMultipleBodyParameters', description: 'At most one body parameter per operation.'},
  bodyXorForm: {id: 'params/body-xor-formdata', severity: 'error', msCode: 'ParameterListContainsFormDataAndBody', description: 'An operation has body or formData parameters, not both.'},
  connectionId: {
    id: 'params/connection-id',
    severity: 'error',
    msCode: 'ConnectionIdParameterNotAllowed',
    description: 'No parameter is named connectionId (the platform reserves it).',
    fix: 'Rename the parameter.',
  },
  pathRequired: {id: 'params/path-required', severity: 'error', msCode: 'PathParameterMustBeRequired', description: 'Path parameters have "required": true.', fix: 'Add "required": true.'},
  pathInTemplate: {
    id: 'params/path-in-template',
    severity: 'error',
    msCode: 'PathParameterNotDefinedInTemplate',
    description: 'Every path parameter appears as {name} in the path template.',
  },
  templateDeclared: {
    id: 'params/template-declared',
    severity: 'error',
    msCode: 'OperationMissingPathParameter',
    description: 'Every {variable} of the path template has a path parameter of that name.',
  },
  pathEncoding: {
    id: 'params/path-encoding',
    severity: 'warning',
    msCode: 'PathParameterMissingEncoding',
    description: 'Path parameters say how they are URL-encoded (x-ms-url-encoding: "single" or "double").',
    fix: 'Add "x-ms-url-encoding": "single".',
  },
  queryEncoding: {
    id: 'params/query-encoding',
    severity: 'warning',
    certification: 'error',
    msCode: 'QueryParameterEncodingNotSupported',
    description: 'Query parameters have no x-ms-url-encoding (it applies to path parameters only; live connectors carry it, so it is a warning outside certification).',
    fix: 'Remove x-ms-url-encoding from the query parameter.',
  },
  encodingPlacement: {
    id: 'params/encoding-placement',
    severity: 'warning',
    description: 'x-ms-url-encoding only on path parameters: on headers, bodies, form fields, schemas and operations it has no effect.',
    fix: 'Remove x-ms-url-encoding here.',
  },
  fileInFormData: {id: 'params/file-in-formdata', severity: 'error', msCode: 'FileParameterMustBeInFormData', description: 'Parameters of "type": "file" are formData parameters.'},
  formDataAscii: {id: 'params/formdata-ascii', severity: 'error', msCode: 'InvalidFormDataParameterName', description: 'formData parameter names are US-ASCII.'},
  bodySchema: {
    id: 'params/body-schema',
    severity: 'error',
    msCode: 'BodyParameterSchemaRequired',
    description: 'Body parameters have a "schema" and no "type"/"format"; other parameters have no "schema".',
  },
  allowEmptyValue: {
    id: 'params/allow-empty-value',
    severity: 'error',
    msCode: 'AllowEmptyValueOnlyValidForQueryFormData',
    description: 'allowEmptyValue only on query and formData parameters.',
  },
  summary: {
    id: 'params/x-ms-summary',
    severity: 'error',
    profile: 'certification',
    msCode: 'RequiredPropertyMissing',
    description: 'Visible non-body parameters have an x-ms-summary (the field label, title case, at most 80 characters).',
  },
  description: {
    id: 'params/description',
    severity: 'error',
    profile: 'certification',
    msCode: 'RequiredPropertyMissing',
    description: 'Visible parameters have a non-empty description.',
  },
  bodySummary: {
    id: 'params/body-summary',
    severity: 'warning',
    profile: 'certification',
    description: 'Body parameters have an x-ms-summary or a description.',
  },
  internalRequiredDefault: {
    id: 'params/internal-required-default',
    severity: 'error',
    description: 'Internal required parameters have a default (nobody can enter a value for them).',
    fix: 'Add a "default", or make the parameter visible.',
  },
  internalDefaultOptional: {
    id: 'params/internal-default-optional',
    severity: 'warning',
    msCode: 'InternalPropertyWithDefaultOptional',
    description: 'Internal parameters with a default are required; otherwise the default is not guaranteed to be sent.',
    fix: 'Add "required": true.',
  },
  sameNameConsistent: {
    id: 'params/same-name-consistent',
    severity: 'warning',
    msCode: 'ParamtersWithSameNameMustHaveSameTypeAndVisibility',
    description: 'A trigger and the webhook operation it names (x-ms-notification) give same-named parameters the same type and visibility.',
  },
})

export const parameters: RuleFamily = {
  name: 'parameters',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    const doc = model.doc
    if (isObj(doc.paths)) {
      for (const pathKey in doc.paths) {
        const item = doc.paths[pathKey]
        if (isObj(item) && Array.isArray(item.parameters)) uniqueIn(ctx, item.parameters, ['paths', pathKey, 'parameters'], 'PathParametersContainDuplicateParameter')
      }
    }
    const checked = new Set<object>()
    for (let i = 0; i < model.operations.length; i++) {
      const op = model.operations[i]!
      if (Array.isArray(op.op.parameters)) uniqueIn(ctx, op.op.parameters, [...op.path, 'parameters'], 'OperationParametersContainDuplicateParameter')
      checkOperation(ctx, op)
      for (let k = 0; k < op.params.length; k++) {
        const p = op.params[k]!
        if (checked.has(p.param)) continue
        checked.add(p.param)
        checkParameter(ctx, p)
      }
    }
    if (isObj(doc.parameters)) {
      for (const name in doc.parameters) {
        const param = doc.parameters[name]
        if (!isObj(param) || checked.has(param)) continue
        const path = ['parameters', name]
        checkParameter(ctx, {param, path, defPath: path, level: 'path', name: String(param.name ?? ''), in: String(param.in ?? '')})
      }
    }
    if (ctx.on(R.encodingPlacement)) {
      const visits = model.schemas()
      for (let k = 0; k < visits.length; k++) {
        const visit = visits[k]!
        if (visit.schema['x-ms-url-encoding'] !== undefined) {
          ctx.report(R.encodingPlacement, {file: 'apiDefinition', path: [...visit.path, 'x-ms-url-encoding'], at: 'key'}, 'x-ms-url-encoding has no effect in a schema (only on path parameters)')
        }
      }
      for (let k = 0; k < model.operations.length; k++) {
        const op = model.operations[k]!
        if (op.op['x-ms-url-encoding'] !== undefined) {
          ctx.report(R.encodingPlacement, {file: 'apiDefinition', path: [...op.path, 'x-ms-url-encoding'], at: 'key'}, 'x-ms-url-encoding has no effect on an operation (only on path parameters)')
        }
      }
    }
    if (ctx.on(R.sameNameConsistent)) {
      for (let k = 0; k < model.operations.length; k++) {
        const op = model.operations[k]!
        const notification = op.op['x-ms-notification']
        const target = isObj(notification) && typeof notification.operationId === 'string' ? model.byId.get(notification.operationId)?.[0] : undefined
        if (target) compareParams(ctx, op, target)
      }
    }
  },
}

function uniqueIn(ctx: RuleContext, list: unknown[], path: PointerSegment[], msCode: string): void {
  const seen = new Set<string>()
  list.forEach((item, i) => {
    const param = isObj(item) && typeof item.$ref === 'string' ? ctx.model!.resolve(item.$ref) : item
    if (!isObj(param) || typeof param.name !== 'string') return
    const key = `${param.in}\u0000${param.name}`
    if (seen.has(key)) {
      ctx.report(R.unique, {file: 'apiDefinition', path: [...path, i]}, `parameter ${JSON.stringify(param.name)} (in: ${String(param.in)}) is declared twice`, {msCode, fix: 'Remove one of them.'})
    }
    seen.add(key)
  })
}

function checkOperation(ctx: RuleContext, op: OperationInfo): void {
  const bodies = op.params.filter((p) => p.in === 'body')
  if (bodies.length > 1) ctx.report(R.singleBody, {file: 'apiDefinition', path: bodies[1]!.path}, `${op.method.toUpperCase()} ${op.pathKey} has ${bodies.length} body parameters; at most one is allowed`)
  const form = op.params.find((p) => p.in === 'formData')
  if (bodies.length > 0 && form) {
    ctx.report(R.bodyXorForm, {file: 'apiDefinition', path: form.path}, `${op.method.toUpperCase()} ${op.pathKey} has both a body and formData parameters`, {
      fix: 'Use either one body parameter or formData parameters.',
    })
  }
  const variables = [...op.pathKey.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!)
  for (let k = 0; k < op.params.length; k++) {
    const p = op.params[k]!
    if (p.in !== 'path') continue
    if (!variables.includes(p.name)) {
      ctx.report(R.pathInTemplate, {file: 'apiDefinition', path: [...p.defPath, 'name']}, `path parameter ${JSON.stringify(p.name)} does not appear in the template ${op.pathKey}`, {
        fix: `Add {${p.name}} to the path, or change "in".`,
      })
    }
  }
  for (const variable of new Set(variables)) {
    if (!op.params.some((p) => p.in === 'path' && p.name === variable)) {
      ctx.report(R.templateDeclared, {file: 'apiDefinition', path: [...op.path], at: 'key'}, `{${variable}} in ${op.pathKey} has no path parameter on ${op.method.toUpperCase()}`, {
        fix: `Declare {"name": "${variable}", "in": "path", "required": true, "type": "string"}.`,
      })
    }
  }
}

function isInternal(param: Record<string, unknown>): boolean {
  return typeof param['x-ms-visibility'] === 'string' && param['x-ms-visibility'].toLowerCase() === 'internal'
}

function checkParameter(ctx: RuleContext, p: ParamInfo): void {
  const {param} = p
  const at = (key?: string, where: 'key' | 'value' = 'value') => ({file: 'apiDefinition' as const, path: key ? [...p.defPath, key] : p.defPath, at: where})
  const label = JSON.stringify(p.name)
  if (p.name.toLowerCase() === 'connectionid') ctx.report(R.connectionId, at('name'), `parameter ${label}: the name connectionId is reserved by the platform`)
  if (p.in === 'path') {
    if (param.required !== true) ctx.report(R.pathRequired, param.required === undefined ? at(undefined) : at('required'), `path parameter ${label} is not required`)
    if (param['x-ms-url-encoding'] === undefined) ctx.report(R.pathEncoding, at(undefined), `path parameter ${label} does not set x-ms-url-encoding`)
  }
  if (param['x-ms-url-encoding'] !== undefined) {
    if (p.in === 'query') ctx.report(R.queryEncoding, at('x-ms-url-encoding', 'key'), `query parameter ${label} has x-ms-url-encoding, which applies to path parameters only`)
    else if (p.in !== 'path') ctx.report(R.encodingPlacement, at('x-ms-url-encoding', 'key'), `x-ms-url-encoding has no effect on a ${p.in} parameter (only on path parameters)`)
  }
  if (param.type === 'file' && p.in !== 'formData') ctx.report(R.fileInFormData, at('type'), `parameter ${label} is of type file but is in ${p.in}; files are formData parameters`)
  if (p.in === 'formData' && /[^\x20-\x7e]/.test(p.name)) ctx.report(R.formDataAscii, at('name'), `formData parameter name ${label} has non-ASCII characters`)
  if (p.in === 'body') {
    if (param.schema === undefined) ctx.report(R.bodySchema, at(undefined), `body parameter ${label} has no schema`, {fix: 'Add "schema": {...} (a body is described by a schema, not by type).'})
    for (const key of ['type', 'format', 'items', 'collectionFormat']) {
      if (param[key] !== undefined) {
        ctx.report(R.bodySchema, at(key, 'key'), `body parameter ${label} uses "${key}"; a body is described by its schema`, {msCode: 'BodyParameterPropertyNotValid', fix: `Move "${key}" into the schema.`})
      }
    }
  } else if (param.schema !== undefined && p.in !== '') {
    ctx.report(R.bodySchema, at('schema', 'key'), `${p.in} parameter ${label} has a "schema"; only body parameters do`, {msCode: 'NonBodyParameterSchemaNotValid', fix: 'Use "type" (and "items") instead.'})
  }
  if (param.allowEmptyValue !== undefined && p.in !== 'query' && p.in !== 'formData') {
    ctx.report(R.allowEmptyValue, at('allowEmptyValue', 'key'), `allowEmptyValue is only allowed on query and formData parameters, not ${p.in}`)
  }
  const internal = isInternal(param)
  if (internal && p.in !== 'body') {
    if (param.required === true && param.default === undefined) ctx.report(R.internalRequiredDefault, at(undefined), `internal parameter ${label} is required but has no default`)
    if (param.required !== true && param.default !== undefined) ctx.report(R.internalDefaultOptional, at(undefined), `internal parameter ${label} has a default but is optional, so the default may not be sent`)
  }
  if (ctx.profile === 'certification' && !internal) {
    if (p.in === 'body') {
      if (!isNonEmptyString(param['x-ms-summary']) && !isNonEmptyString(param.description)) ctx.report(R.bodySummary, at(undefined), `body parameter ${label} has neither x-ms-summary nor description`)
    } else {
      const summary = param['x-ms-summary']
      if (!isNonEmptyString(summary)) ctx.report(R.summary, at(undefined), `parameter ${label} has no x-ms-summary`, {fix: 'Add "x-ms-summary": "<Title Case Label>".'})
      else if (summary.length > 80) ctx.report(R.summary, at('x-ms-summary'), `the x-ms-summary of ${label} is ${summary.length} characters long (limit 80)`, {msCode: 'FieldLengthExceeded'})
      if (!isNonEmptyString(param.description)) ctx.report(R.description, at(undefined), `parameter ${label} has no description`, {fix: 'Add a description sentence.'})
    }
  }
}

function compareParams(ctx: RuleContext, trigger: OperationInfo, webhook: OperationInfo): void {
  for (const a of trigger.params) {
    const b = webhook.params.find((q) => q.name === a.name && q.in === a.in)
    if (!b) continue
    const type = (x: ParamInfo) => String(x.param.type ?? (isObj(x.param.schema) ? x.param.schema.type : undefined) ?? '')
    const visibility = (x: ParamInfo) => String(x.param['x-ms-visibility'] ?? '').toLowerCase()
    if (type(a) !== type(b) || visibility(a) !== visibility(b)) {
      ctx.report(R.sameNameConsistent, {file: 'apiDefinition', path: a.path}, `parameter ${JSON.stringify(a.name)} differs in type or visibility from the same parameter of ${webhook.operationId}`)
    }
  }
}
