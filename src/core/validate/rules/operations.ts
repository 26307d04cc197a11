import type {PointerSegment} from '../../json/pointer.js'
import {isNonEmptyString, isObj, type OperationInfo, type Obj, type SwaggerModel} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** Operations: ids, summaries and descriptions, responses, content types. */
export const R = defineRules({
  idRequired: {id: 'operation/id-required', severity: 'error', msCode: 'OperationIdRequired', description: 'Every operation has an operationId (flows and apps refer to operations by it).'},
  idUnique: {id: 'operation/id-unique', severity: 'error', msCode: 'OperationIdNotUnique', description: 'operationIds are unique in the definition.'},
  idChars: {
    id: 'operation/id-chars',
    severity: 'warning',
    msCode: 'OperationIdSanitized',
    description: 'operationIds contain only letters and digits (other characters are removed when the service sanitises the id).',
  },
  idLength: {
    id: 'operation/id-length',
    severity: 'warning',
    msCode: 'OperationIdTooLong',
    description: 'operationIds are not longer than a configurable limit (Microsoft\'s value is not published).',
    options: {max: 80},
  },
  idPascal: {id: 'operation/id-pascal-case', severity: 'info', description: 'operationIds are PascalCase (coding standards), e.g. GetItems.'},
  summaryRequired: {
    id: 'operation/summary-required',
    severity: 'error',
    profile: 'certification',
    msCode: 'RequiredPropertyMissing',
    description: 'Every operation has a non-empty summary (the action\'s title in the designer).',
  },
  summaryChars: {
    id: 'operation/summary-chars',
    severity: 'error',
    profile: 'certification',
    msCode: 'RestrictedCharactersInSummary',
    description: 'Summaries contain none of the restricted characters / \\ < > * % & ?.',
  },
  summaryLength: {
    id: 'operation/summary-length',
    severity: 'warning',
    profile: 'certification',
    msCode: 'OperationSummaryTooLong',
    description: 'Summaries are at most 80 characters.',
    options: {max: 80},
  },
  summaryEnding: {
    id: 'operation/summary-ending',
    severity: 'warning',
    profile: 'certification',
    description: 'Summaries end with a letter, digit or ")" (no trailing punctuation or space).',
  },
  descriptionRequired: {
    id: 'operation/description-required',
    severity: 'error',
    profile: 'certification',
    msCode: 'RequiredPropertyMissing',
    description: 'Every operation has a non-empty description.',
  },
  descriptionPunctuation: {
    id: 'operation/description-punctuation',
    severity: 'info',
    profile: 'certification',
    description: 'Operation descriptions are full sentences ending with punctuation.',
  },
  summaryEqualsDescription: {
    id: 'operation/summary-equals-description',
    severity: 'warning',
    profile: 'certification',
    description: 'An operation\'s description says more than its summary (they differ).',
  },
  visibility: {
    id: 'operation/visibility-enum',
    severity: 'warning',
    certification: 'error',
    description:
      'x-ms-visibility (on operations, parameters, schemas and headers) is "important", "advanced" or "internal" (leave it out for the normal level). Live connectors use "" and other cases, so this is a warning outside certification.',
  },
  responsesRequired: {
    id: 'operation/responses-required',
    severity: 'error',
    msCode: 'OperationMustHaveResponse',
    description: 'Every operation declares at least one response (webhook triggers with "responses": {} are accepted by the service and get a warning).',
  },
  successResponse: {id: 'operation/success-response', severity: 'warning', msCode: 'OperationShouldHaveSuccessfulResponse', description: 'Every operation declares at least one 2xx response.'},
  responseCode: {
    id: 'operation/response-code-format',
    severity: 'error',
    msCode: 'ResponseMustBeDefaultOrHttpStatusCode',
    description: 'Response keys are three-digit HTTP status codes or "default".',
  },
  singleResponseSchema: {
    id: 'operation/single-response-schema',
    severity: 'warning',
    msCode: 'OperationHasManyResponsesWithSchema',
    description: 'Only one response carries a schema (the designer shows the outputs of one).',
  },
  defaultResponseSchema: {
    id: 'operation/default-response-schema',
    severity: 'warning',
    msCode: 'DefaultResponseHasSchema',
    description: 'The "default" response carries no schema; put the output schema on the success code.',
  },
  outputSchema: {
    id: 'operation/output-schema',
    severity: 'warning',
    certification: 'error',
    msCode: 'SchemaDefinitionSetIncorrectly',
    description: 'Actions declare the schema of their output on a 200 or 201 response (webhook triggers: in x-ms-notification-content).',
  },
  emptyResponseSchema: {
    id: 'operation/empty-response-schema',
    severity: 'error',
    profile: 'certification',
    description: 'Response schemas are not empty ({} or an object without properties), unless they are dynamic.',
  },
  fetchNoBody: {
    id: 'operation/fetch-no-body',
    severity: 'warning',
    certification: 'error',
    msCode: 'BodyOrFormDataParameterInFetchOperationNotAllowed',
    description: 'GET operations have no body or formData parameters.',
  },
  consumes: {
    id: 'operation/consumes',
    severity: 'warning',
    msCode: 'ConsumesMissing',
    description: 'Operations that send a body or form data declare what they send in "consumes" (on the operation or the document).',
  },
  mimeTypes: {
    id: 'operation/mime-types',
    severity: 'warning',
    msCode: 'MimeTypeNotValid',
    description: 'consumes/produces entries are valid media types; types outside the commonly supported list are noted.',
  },
  formBinary: {
    id: 'operation/form-urlencoded-binary',
    severity: 'error',
    msCode: 'StringBinaryNotSupportedForFormUrlEncoded',
    description: 'No string/binary parameters in operations that consume only application/x-www-form-urlencoded.',
  },
  fileConsumes: {
    id: 'operation/file-consumes',
    severity: 'warning',
    certification: 'error',
    description: 'Operations with "type": "file" parameters consume multipart/form-data or application/x-www-form-urlencoded (Swagger 2.0).',
  },
})

const supportedMimeTypes = new Set([
  'application/json',
  'text/json',
  'text/plain',
  'application/xml',
  'text/xml',
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'text/html',
  'text/csv',
  '*/*',
])

export const operations: RuleFamily = {
  name: 'operations',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    const rootConsumes = Array.isArray(model.doc.consumes) ? model.doc.consumes : undefined
    for (let i = 0; i < model.operations.length; i++) {
      const op = model.operations[i]!
      checkId(ctx, op, model.byId.get(op.operationId ?? '') ?? [])
      checkTexts(ctx, op)
      checkResponses(ctx, op)
      checkContent(ctx, op, rootConsumes)
    }
    for (const [where, list] of [
      ['consumes', model.doc.consumes],
      ['produces', model.doc.produces],
    ] as const) {
      checkMimeList(ctx, list, [where])
    }
    if (ctx.on(R.visibility)) checkVisibility(ctx, model)
  },
}

function checkId(ctx: RuleContext, op: OperationInfo, same: OperationInfo[]): void {
  const id = op.operationId
  if (!isNonEmptyString(id)) {
    ctx.report(R.idRequired, {file: 'apiDefinition', path: op.op.operationId === undefined ? op.path : [...op.path, 'operationId'], at: 'key'}, `${op.method.toUpperCase()} ${op.pathKey} has no operationId`, {
      fix: 'Add a unique PascalCase operationId, e.g. "GetItems".',
    })
    return
  }
  const at = {file: 'apiDefinition' as const, path: [...op.path, 'operationId']}
  if (same.length > 1 && same[0] !== op) {
    const first = same[0]!
    ctx.report(R.idUnique, at, `operationId ${JSON.stringify(id)} is also used by ${first.method.toUpperCase()} ${first.pathKey}`, {fix: 'Give each operation its own operationId.'})
  }
  if (/[^A-Za-z0-9]/.test(id)) {
    ctx.report(R.idChars, at, `operationId ${JSON.stringify(id)} contains characters other than letters and digits; the service sanitises it to ${JSON.stringify(id.replace(/[^A-Za-z0-9]/g, ''))}`)
  } else if (ctx.on(R.idPascal) && !/^[A-Z][A-Za-z0-9]*$/.test(id)) {
    ctx.report(R.idPascal, at, `operationId ${JSON.stringify(id)} is not PascalCase`, {fix: `Write ${JSON.stringify(id[0]!.toUpperCase() + id.slice(1))}.`})
  }
  const max = ctx.option<number>(R.idLength, 'max')
  if (id.length > max) ctx.report(R.idLength, at, `operationId is ${id.length} characters long (limit ${max})`)
}

function checkTexts(ctx: RuleContext, op: OperationInfo): void {
  if (ctx.profile !== 'certification') return
  const summary = op.op.summary
  const description = op.op.description
  const at = (key: string) => ({file: 'apiDefinition' as const, path: [...op.path, key]})
  if (!isNonEmptyString(summary)) {
    ctx.report(R.summaryRequired, summary === undefined ? {file: 'apiDefinition', path: op.path, at: 'key'} : at('summary'), `${op.method.toUpperCase()} ${op.pathKey} has no summary`)
  } else {
    const restricted = /[/\\<>*%&?]/.exec(summary)
    if (restricted) ctx.report(R.summaryChars, at('summary'), `the summary contains the restricted character ${JSON.stringify(restricted[0])} (restricted: / \\ < > * % & ?)`)
    const max = ctx.option<number>(R.summaryLength, 'max')
    if (summary.length > max) ctx.report(R.summaryLength, at('summary'), `the summary is ${summary.length} characters long (limit ${max})`)
    if (!/[\p{L}\p{N})]$/u.test(summary)) ctx.report(R.summaryEnding, at('summary'), 'the summary ends with punctuation or space', {fix: 'End the summary with a word (no period).'})
    if (isNonEmptyString(description) && summary.trim() === description.trim()) {
      ctx.report(R.summaryEqualsDescription, at('description'), 'the description repeats the summary', {fix: 'Describe what the operation does in a full sentence.'})
    }
  }
  if (!isNonEmptyString(description)) {
    ctx.report(R.descriptionRequired, description === undefined ? {file: 'apiDefinition', path: op.path, at: 'key'} : at('description'), `${op.method.toUpperCase()} ${op.pathKey} has no description`)
  } else if (!/[.!?)]["']?$/.test(description.trim())) {
    ctx.report(R.descriptionPunctuation, at('description'), 'the description does not end with punctuation', {fix: 'Write the description as a full sentence ending with a period.'})
  }
}

function checkResponses(ctx: RuleContext, op: OperationInfo): void {
  const responses = op.op.responses
  if (!isObj(responses)) return // a missing or non-object responses is swagger/schema's finding
  const codes = op.responses.map((r) => r.code).filter((code) => !code.startsWith('x-'))
  if (codes.length === 0) {
    const webhook = op.trigger
    ctx.report(R.responsesRequired, {file: 'apiDefinition', path: [...op.path, 'responses']}, `${op.method.toUpperCase()} ${op.pathKey} declares no responses`, {
      ...(webhook && ctx.profile === 'base' ? {severity: 'warning'} : {}),
      fix: 'Declare at least the success response, e.g. "200": {"description": "OK"}.',
    })
    return
  }
  const withSchema: string[] = []
  for (const code of codes) {
    if (!/^[1-5]\d\d$/.test(code) && code !== 'default') {
      ctx.report(R.responseCode, {file: 'apiDefinition', path: [...op.path, 'responses', code], at: 'key'}, `response key ${JSON.stringify(code)} is not a three-digit status code or "default"`)
    }
    const response = responses[code]
    if (isObj(response) && response.schema !== undefined) withSchema.push(code)
  }
  if (!codes.some((code) => /^2\d\d$/.test(code))) {
    ctx.report(R.successResponse, {file: 'apiDefinition', path: [...op.path, 'responses'], at: 'key'}, `${op.method.toUpperCase()} ${op.pathKey} declares no 2xx response`)
  }
  if (withSchema.length > 1) {
    ctx.report(R.singleResponseSchema, {file: 'apiDefinition', path: [...op.path, 'responses', withSchema[1]!, 'schema'], at: 'key'}, `responses ${withSchema.join(', ')} all carry a schema; the designer uses one`)
  }
  if (withSchema.includes('default')) {
    ctx.report(R.defaultResponseSchema, {file: 'apiDefinition', path: [...op.path, 'responses', 'default', 'schema'], at: 'key'}, 'the "default" response carries a schema', {
      fix: 'Put the output schema on the success response (200/201).',
    })
  }
  if (ctx.on(R.outputSchema) && !op.trigger && op.method !== 'delete') {
    const success = ['200', '201'].find((code) => isObj(responses[code]) && (responses[code] as Obj).schema !== undefined)
    if (!success && codes.some((code) => code === '200' || code === '201')) {
      const code = codes.find((c) => c === '200' || c === '201')!
      ctx.report(R.outputSchema, {file: 'apiDefinition', path: [...op.path, 'responses', code], at: 'key'}, `response ${code} has no schema, so the action has no outputs in the designer`)
    }
  }
  if (ctx.on(R.emptyResponseSchema)) {
    for (const code of withSchema) {
      const schema = ctx.model!.deref((responses[code] as Obj).schema)
      if (schema && isEmptySchema(schema)) {
        ctx.report(R.emptyResponseSchema, {file: 'apiDefinition', path: [...op.path, 'responses', code, 'schema']}, `response ${code} has an empty schema`, {
          fix: 'Describe the response properties, or remove the schema if the response has no body.',
        })
      }
    }
  }
}

function isEmptySchema(schema: Obj): boolean {
  if (schema['x-ms-dynamic-schema'] !== undefined || schema['x-ms-dynamic-properties'] !== undefined) return false
  const keys = Object.keys(schema).filter((k) => k !== 'description' && k !== 'title' && !k.startsWith('x-ms-summary') && k !== 'x-ms-visibility')
  if (keys.length === 0) return true
  return keys.every((k) => k === 'type' || k === 'properties') && schema.type === 'object' && (!isObj(schema.properties) || Object.keys(schema.properties).length === 0) && schema.additionalProperties === undefined
}

function checkContent(ctx: RuleContext, op: OperationInfo, rootConsumes: unknown[] | undefined): void {
  const consumes = Array.isArray(op.op.consumes) ? op.op.consumes : rootConsumes
  checkMimeList(ctx, op.op.consumes, [...op.path, 'consumes'])
  checkMimeList(ctx, op.op.produces, [...op.path, 'produces'])
  const sends = op.params.filter((p) => p.in === 'body' || p.in === 'formData')
  if (op.method === 'get' && sends.length > 0) {
    ctx.report(R.fetchNoBody, {file: 'apiDefinition', path: sends[0]!.path}, `GET ${op.pathKey} has a ${sends[0]!.in} parameter; GET requests carry no body`, {
      fix: 'Use POST, or send the values as query parameters.',
    })
  }
  const lower = (consumes ?? []).filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase().split(';')[0]!.trim())
  if (sends.length > 0 && lower.length === 0) {
    ctx.report(R.consumes, {file: 'apiDefinition', path: op.op.consumes === undefined ? op.path : [...op.path, 'consumes'], at: 'key'}, `${op.method.toUpperCase()} ${op.pathKey} sends a ${sends[0]!.in} but declares no "consumes"`, {
      fix: sends[0]!.in === 'body' ? 'Add "consumes": ["application/json"].' : 'Add "consumes": ["multipart/form-data"] or ["application/x-www-form-urlencoded"].',
    })
  }
  const form = lower.length > 0 && lower.every((c) => c === 'application/x-www-form-urlencoded')
  for (let n = 0; n < op.params.length; n++) {
    const p = op.params[n]!
    if (form && p.param.type === 'string' && p.param.format === 'binary') {
      ctx.report(R.formBinary, {file: 'apiDefinition', path: [...p.defPath, 'format']}, `parameter ${JSON.stringify(p.name)} is string/binary, which application/x-www-form-urlencoded cannot carry`, {
        fix: 'Consume multipart/form-data for binary content.',
      })
    }
    if (p.param.type === 'file' && !lower.some((c) => c === 'multipart/form-data' || c === 'application/x-www-form-urlencoded')) {
      ctx.report(R.fileConsumes, {file: 'apiDefinition', path: [...p.defPath, 'type']}, `parameter ${JSON.stringify(p.name)} is a file, but the operation does not consume multipart/form-data or application/x-www-form-urlencoded`, {
        fix: 'Add "consumes": ["multipart/form-data"] to the operation.',
      })
    }
  }
}

const mimePattern = /^(\*|[A-Za-z0-9][\w.+!#$&^-]*)\/(\*|[A-Za-z0-9*][\w.+!#$&^*-]*)(\s*;\s*[\w.+-]+=("[^"]*"|[^\s;]+))*\s*$/

function checkMimeList(ctx: RuleContext, list: unknown, path: Array<string | number>): void {
  if (!Array.isArray(list) || !ctx.on(R.mimeTypes)) return
  list.forEach((entry, i) => {
    if (typeof entry !== 'string') return
    const at = {file: 'apiDefinition' as const, path: [...path, i]}
    if (!mimePattern.test(entry)) ctx.report(R.mimeTypes, at, `${JSON.stringify(entry)} is not a valid media type (type/subtype)`)
    else if (!supportedMimeTypes.has(entry.toLowerCase().split(';')[0]!.trim()) && !/\+json$|\+xml$/i.test(entry.split(';')[0]!.trim())) {
      ctx.report(R.mimeTypes, at, `${JSON.stringify(entry)} is outside the media types connectors commonly support`, {msCode: 'MimeTypeNotSupported', severity: 'info'})
    }
  })
}

const visibilities = ['important', 'advanced', 'internal']

/** x-ms-visibility wherever it has an effect: operations, path items, parameters, schemas, headers. */
function checkVisibility(ctx: RuleContext, model: SwaggerModel): void {
  // Called for every schema of the document: the pointer closure is made only for a holder with a bad value.
  const fine = (holder: Obj): boolean => {
    const value = holder['x-ms-visibility']
    return value === undefined || (typeof value === 'string' && visibilities.includes(value))
  }
  const check = (holder: Obj, where: () => PointerSegment[]): void => {
    if (fine(holder)) return
    const value = holder['x-ms-visibility']
    const near = typeof value === 'string' ? visibilities.find((v) => v === value.toLowerCase()) : undefined
    ctx.report(
      R.visibility,
      {file: 'apiDefinition', path: [...where(), 'x-ms-visibility']},
      `x-ms-visibility must be "important", "advanced" or "internal", found ${JSON.stringify(value)}${near ? ` (did you mean "${near}"?)` : ''}`,
      {fix: near ? `Write "${near}".` : value === '' ? 'Remove the empty x-ms-visibility (no value means normal visibility).' : 'Use important, advanced or internal.'},
    )
  }
  const seen = new Set<object>()
  const items = (holder: Obj, where: () => PointerSegment[]): void => {
    if (isObj(holder.items)) {
      const sub = holder.items
      check(sub, () => [...where(), 'items'])
      items(sub, () => [...where(), 'items'])
    }
  }
  for (let k = 0; k < model.operations.length; k++) {
    const op = model.operations[k]!
    // Pointer closures only for holders that need one (a bad value, or items below).
    if (!fine(op.op)) check(op.op, () => op.path)
    if (!seen.has(op.pathItem)) {
      seen.add(op.pathItem)
      if (!fine(op.pathItem)) check(op.pathItem, () => ['paths', op.pathKey])
    }
    for (let q = 0; q < op.params.length; q++) {
      const p = op.params[q]!
      if (seen.has(p.param)) continue
      seen.add(p.param)
      if (!fine(p.param)) check(p.param, () => p.defPath)
      if (isObj(p.param.items)) items(p.param, () => p.defPath)
    }
    for (const {code, response} of op.responses) {
      if (!isObj(response) || !isObj(response.headers)) continue
      for (const name in response.headers) {
        const header = response.headers[name]
        if (isObj(header) && !fine(header)) check(header, () => [...op.path, 'responses', code, 'headers', name])
      }
    }
  }
  const visits = model.schemas()
  for (let i = 0; i < visits.length; i++) {
    const visit = visits[i]!
    if (!fine(visit.schema)) check(visit.schema, () => visit.path)
  }
}
