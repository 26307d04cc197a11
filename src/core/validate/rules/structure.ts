import {closest, distance} from 'fastest-levenshtein'

import type {PointerSegment} from '../../json/pointer.js'
import {httpMethods, isNonEmptyString, isObj, type Obj, type SchemaVisit} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** The document's structure: Swagger 2.0 shapes, Microsoft's extensions and where they may go, root fields. */
export const R = defineRules({
  fileSize: {
    id: 'swagger/file-size',
    severity: 'warning',
    certification: 'error',
    description: 'The API definition is smaller than 1 MB (the documented limit; one live connector exceeds it, so it is a warning outside certification).',
    fix: 'Move large examples out, share schemas through #/definitions, or split the connector.',
    options: {maxBytes: 1_048_576},
  },
  version: {
    id: 'swagger/version',
    severity: 'error',
    msCode: 'SpecificationVersionIncorrect',
    description: 'The document is OpenAPI 2.0: `swagger` is the string "2.0".',
    fix: 'Set "swagger": "2.0" (connectors support OpenAPI 2.0 only; convert OpenAPI 3 files first).',
  },
  schema: {
    id: 'swagger/schema',
    severity: 'error',
    msCode: 'JsonTypeIncorrect',
    description:
      'Swagger 2.0 structure with Microsoft\'s additions: required keys present, values of the right JSON type and allowed values; unknown keys (other than x-…) are flagged (warnings in the base profile, as the service ignores them).',
  },
  unknownExtension: {
    id: 'swagger/unknown-extension',
    severity: 'warning',
    msCode: 'ExtensionNameNotValid',
    description: 'Every x-ms-* key is a known Microsoft extension in a place where it has an effect (typos are reported with the nearest known name).',
  },
  infoRequired: {
    id: 'info/required',
    severity: 'error',
    msCode: 'RequiredPropertyMissing',
    description: '`info.title` and `info.version` are present (the title becomes the connector\'s display name).',
  },
  host: {
    id: 'host/valid',
    severity: 'error',
    msCode: 'HostNameNotValid',
    description: '`host` is present and a bare host name with an optional port: no scheme, path or braces.',
    fix: 'Write only the host, e.g. "api.contoso.com"; put the path in basePath; use the dynamichosturl policy for per-connection hosts.',
  },
  hostProduction: {
    id: 'host/production',
    severity: 'warning',
    profile: 'certification',
    description: 'Certified connectors point at the production host, not localhost, a test, dev or staging host, or a placeholder.',
  },
  basePath: {
    id: 'basepath/valid',
    severity: 'error',
    msCode: 'BasePathNotValid',
    description: '`basePath` starts with "/".',
  },
  schemes: {
    id: 'schemes/valid',
    severity: 'error',
    msCode: 'SchemeNotValid',
    description: '`schemes` is a non-empty list of "http" and "https" (no ws/wss).',
  },
  https: {
    id: 'schemes/https',
    severity: 'warning',
    profile: 'certification',
    description: 'The API is reached over https.',
    fix: 'Serve the API over https and list "https" in schemes.',
  },
})

type Kind = 'string' | 'boolean' | 'integer' | 'number' | 'object' | 'array' | 'any'

interface KeySpec {
  type: Kind | readonly Kind[]
  values?: readonly unknown[]
  /** Array items must be of this kind. */
  items?: Kind
  /** The value (an object) has this shape; for `map`, every member value has it; for `list`, every array item. */
  shape?: ShapeName
  map?: ShapeName
  list?: ShapeName
}

type ShapeName = 'root' | 'info' | 'contact' | 'license' | 'tag' | 'externalDocs' | 'securityScheme' | 'pathItem' | 'operation' | 'parameter' | 'response' | 'header' | 'items'

interface Shape {
  keys: Record<string, KeySpec>
  required?: readonly string[]
  /** The x-ms-* extensions that have an effect here. */
  extensions: ReadonlySet<string>
}

const str: KeySpec = {type: 'string'}
const bool: KeySpec = {type: 'boolean'}
const num: KeySpec = {type: 'number'}
const int: KeySpec = {type: 'integer'}
const strings: KeySpec = {type: 'array', items: 'string'}
const any: KeySpec = {type: 'any'}
const primitiveTypes = ['string', 'number', 'integer', 'boolean', 'array', 'file'] as const
const collectionFormats = ['csv', 'ssv', 'tsv', 'pipes', 'multi'] as const

/** Constraint keywords shared by schemas, non-body parameters, headers and items. */
const constraints: Record<string, KeySpec> = {
  format: str,
  default: any,
  maximum: num,
  exclusiveMaximum: bool,
  minimum: num,
  exclusiveMinimum: bool,
  maxLength: int,
  minLength: int,
  pattern: str,
  maxItems: int,
  minItems: int,
  uniqueItems: bool,
  enum: {type: 'array'},
  multipleOf: num,
}

/** JSON-schema-like keywords of non-body parameters, headers and items. */
const validations: Record<string, KeySpec> = {
  ...constraints,
  items: {type: 'object', shape: 'items'},
  collectionFormat: {type: 'string', values: collectionFormats},
}

const set = (...names: string[]): ReadonlySet<string> => new Set(names)

const shapes: Record<ShapeName, Shape> = {
  root: {
    keys: {
      swagger: str,
      info: {type: 'object', shape: 'info'},
      host: str,
      basePath: str,
      schemes: strings,
      consumes: strings,
      produces: strings,
      paths: {type: 'object'},
      definitions: {type: 'object'},
      parameters: {type: 'object', map: 'parameter'},
      responses: {type: 'object', map: 'response'},
      securityDefinitions: {type: 'object', map: 'securityScheme'},
      security: {type: 'array', items: 'object'},
      tags: {type: 'array', list: 'tag'},
      externalDocs: {type: 'object', shape: 'externalDocs'},
    },
    required: ['swagger', 'info', 'paths'],
    extensions: set('x-ms-connector-metadata', 'x-ms-capabilities', 'x-ms-docs', 'x-ms-openai-manifest', 'x-ms-openai-data'),
  },
  info: {
    keys: {title: str, version: str, description: str, termsOfService: str, contact: {type: 'object', shape: 'contact'}, license: {type: 'object', shape: 'license'}},
    extensions: set('x-ms-api-annotation', 'x-ms-deployment-version', 'x-ms-keywords', 'x-ms-openai-published-to-copilots'),
  },
  contact: {keys: {name: str, url: str, email: str}, extensions: set()},
  license: {keys: {name: str, url: str}, required: ['name'], extensions: set()},
  tag: {keys: {name: str, description: str, externalDocs: {type: 'object', shape: 'externalDocs'}}, required: ['name'], extensions: set()},
  externalDocs: {keys: {description: str, url: str}, required: ['url'], extensions: set()},
  securityScheme: {
    keys: {
      type: {type: 'string', values: ['basic', 'apiKey', 'oauth2']},
      description: str,
      name: str,
      in: {type: 'string', values: ['query', 'header']},
      flow: {type: 'string', values: ['implicit', 'password', 'application', 'accessCode']},
      authorizationUrl: str,
      tokenUrl: str,
      scopes: {type: 'object'},
    },
    required: ['type'],
    extensions: set(),
  },
  pathItem: {
    keys: Object.fromEntries([...httpMethods.map((m) => [m, {type: 'object', shape: 'operation'} as KeySpec]), ['parameters', {type: 'array', items: 'object', list: 'parameter'}], ['$ref', str]]),
    // x-ms-visibility on a path item is outside the published schema but live connectors use it (harmless).
    extensions: set('x-ms-notification-content', 'x-ms-visibility'),
  },
  operation: {
    keys: {
      tags: strings,
      summary: str,
      description: str,
      externalDocs: {type: 'object', shape: 'externalDocs'},
      operationId: str,
      consumes: strings,
      produces: strings,
      parameters: {type: 'array', items: 'object', list: 'parameter'},
      responses: {type: 'object', map: 'response'},
      schemes: strings,
      deprecated: bool,
      security: {type: 'array', items: 'object'},
    },
    required: ['responses'],
    extensions: set(
      'x-ms-summary',
      'x-ms-visibility',
      'x-ms-trigger',
      'x-ms-trigger-hint',
      'x-ms-trigger-metadata',
      'x-ms-notification',
      'x-ms-api-annotation',
      'x-ms-operation-context',
      'x-ms-pageable',
      'x-ms-no-generic-test',
      'x-ms-safe-operation',
      'x-ms-capabilities',
      'x-ms-openai-data',
    ),
  },
  parameter: {
    keys: {
      name: str,
      in: {type: 'string', values: ['query', 'header', 'path', 'formData', 'body']},
      description: str,
      required: bool,
      schema: {type: 'object'},
      type: {type: 'string', values: primitiveTypes},
      allowEmptyValue: bool,
      ...validations,
    },
    required: ['name', 'in'],
    extensions: set(
      'x-ms-summary',
      'x-ms-visibility',
      'x-ms-url-encoding',
      'x-ms-dynamic-values',
      'x-ms-dynamic-list',
      'x-ms-dynamic-tree',
      'x-ms-test-value',
      'x-ms-enum-values',
      'x-ms-localizeDefaultValue',
      'x-ms-trigger-value',
      'x-ms-editor',
      'x-ms-editor-options',
      'x-ms-explicit-input',
    ),
  },
  response: {
    keys: {description: str, schema: {type: 'object'}, headers: {type: 'object', map: 'header'}, examples: {type: 'object'}},
    required: ['description'],
    extensions: set('x-ms-summary'),
  },
  header: {
    keys: {description: str, type: {type: 'string', values: ['string', 'number', 'integer', 'boolean', 'array']}, ...validations},
    extensions: set('x-ms-summary', 'x-ms-visibility'),
  },
  items: {
    keys: {type: {type: 'string', values: ['string', 'number', 'integer', 'boolean', 'array', 'object']}, ...validations, properties: {type: 'object'}, required: strings},
    extensions: set('x-ms-summary', 'x-ms-visibility', 'x-ms-dynamic-values', 'x-ms-dynamic-list', 'x-ms-enum-values', 'x-ms-test-value'),
  },
}

const schemaKeyList: Record<string, KeySpec> = {
  ...constraints,
  $ref: str,
  title: str,
  description: str,
  maxProperties: int,
  minProperties: int,
  required: strings,
  type: {type: 'string', values: ['string', 'number', 'integer', 'boolean', 'array', 'object', 'file', 'null']},
  items: {type: ['object', 'array']},
  allOf: {type: 'array', items: 'object'},
  properties: {type: 'object'},
  additionalProperties: {type: ['object', 'boolean']},
  discriminator: str,
  readOnly: bool,
  xml: {type: 'object'},
  externalDocs: {type: 'object', shape: 'externalDocs'},
  example: any,
}

const schemaKeys = new Map(Object.entries(schemaKeyList))
const shapeKeys = new Map(Object.entries(shapes).map(([name, shape]) => [name, new Map(Object.entries(shape.keys))]))

const schemaExtensions = set(
  'x-ms-summary',
  'x-ms-visibility',
  'x-ms-dynamic-values',
  'x-ms-dynamic-list',
  'x-ms-dynamic-schema',
  'x-ms-dynamic-properties',
  'x-ms-dynamic-tree',
  'x-ms-notification-url',
  'x-ms-media-kind',
  'x-ms-test-value',
  'x-ms-enum-values',
  'x-ms-localizeDefaultValue',
  'x-ms-editor',
  'x-ms-editor-options',
  'x-ms-explicit-input',
)

/** Keys that are checked by their own rule where they are misplaced (params/encoding-placement). */
const placedElsewhere = set('x-ms-url-encoding')

/** AutoRest (Azure SDK generator) extensions: harmless, ignored by Power Platform. */
const autoRest = set(
  'x-ms-client-name',
  'x-ms-identifiers',
  'x-ms-long-running-operation',
  'x-ms-long-running-operation-options',
  'x-ms-mutability',
  'x-ms-secret',
  'x-ms-discriminator-value',
  'x-ms-client-flatten',
  'x-ms-azure-resource',
  'x-ms-examples',
  'x-ms-parameterized-host',
  'x-ms-parameter-location',
  'x-ms-skip-url-encoding',
  'x-ms-enum',
  'x-ms-paths',
  'x-ms-odata',
  'x-ms-pageable-operation',
  'x-ms-external',
  'x-ms-code-generation-settings',
  'x-ms-parameter-grouping',
  'x-ms-header-collection-prefix',
  'x-ms-client-default',
  'x-ms-error-response',
  'x-ms-text',
  'x-ms-client-request-id',
  'x-ms-flatten',
  'x-ms-docs-operation-type',
  'x-ms-navigationProperty',
)

const knownExtensions: string[] = [
  ...new Set([...Object.values(shapes).flatMap((s) => [...s.extensions]), ...schemaExtensions, ...placedElsewhere]),
]
const placesOf = new Map<string, string[]>()
for (const [name, shape] of Object.entries(shapes)) for (const ext of shape.extensions) placesOf.set(ext, [...(placesOf.get(ext) ?? []), label(name)])
for (const ext of schemaExtensions) placesOf.set(ext, [...(placesOf.get(ext) ?? []), 'schema'])

function label(shape: string): string {
  return shape === 'pathItem' ? 'path item' : shape === 'root' ? 'document root' : shape === 'securityScheme' ? 'security definition' : shape
}

export const structure: RuleFamily = {
  name: 'structure',
  rules: Object.values(R),
  check(ctx) {
    const file = ctx.connector.apiDefinition
    if (!file) return
    if (ctx.on(R.fileSize)) {
      const max = ctx.option<number>(R.fileSize, 'maxBytes')
      // A UTF-16 code unit is at most 3 UTF-8 bytes: most files are measured without a pass over their text.
      const text = file.doc.text
      const bytes = text.length * 3 <= max ? 0 : Buffer.byteLength(text)
      if (bytes > max) {
        ctx.report(R.fileSize, {file: 'apiDefinition', path: []}, `the API definition is ${(bytes / 1_048_576).toFixed(2)} MB; the limit is ${(max / 1_048_576).toFixed(2)} MB`)
      }
    }
    const doc = ctx.swagger
    if (!doc) {
      if (file.value !== undefined) ctx.report(R.schema, {file: 'apiDefinition', path: []}, 'the API definition must be a JSON object')
      return
    }
    checkRoot(ctx, doc)
    const shapeChecker = new ShapeChecker(ctx)
    shapeChecker.object(doc, 'root')
    for (const visit of ctx.model!.schemas()) shapeChecker.schema(visit)
  },
}

function checkRoot(ctx: RuleContext, doc: Obj): void {
  const at = (key: string): {file: 'apiDefinition'; path: PointerSegment[]} => ({file: 'apiDefinition', path: [key]})
  if (doc.swagger !== '2.0') {
    if (doc.swagger === undefined) {
      const openapi = typeof doc.openapi === 'string' ? ` (this is an OpenAPI ${doc.openapi} document)` : ''
      ctx.report(R.version, {file: 'apiDefinition', path: [], at: 'key'}, `"swagger": "2.0" is missing${openapi}`)
    } else ctx.report(R.version, at('swagger'), `"swagger" must be the string "2.0", found ${JSON.stringify(doc.swagger)}`)
  }
  const info = doc.info
  if (isObj(info)) {
    for (const key of ['title', 'version']) {
      if (!isNonEmptyString(info[key])) {
        ctx.report(R.infoRequired, {file: 'apiDefinition', path: info[key] === undefined ? ['info'] : ['info', key], at: 'key'}, `info.${key} is ${info[key] === undefined ? 'missing' : 'empty'}`)
      }
    }
  } else if (info === undefined) ctx.report(R.infoRequired, {file: 'apiDefinition', path: [], at: 'key'}, 'the "info" object (title, version) is missing')

  const host = doc.host
  if (host === undefined) {
    ctx.report(R.host, {file: 'apiDefinition', path: []}, '"host" is missing: the service builds the connector\'s backend URL from schemes, host and basePath')
  } else if (typeof host === 'string') {
    const problem = hostProblem(host)
    if (problem) ctx.report(R.host, at('host'), `"host" ${problem}: ${JSON.stringify(host)}`)
    else if (ctx.on(R.hostProduction)) {
      const kind = nonProductionHost(host)
      if (kind) ctx.report(R.hostProduction, at('host'), `"host" looks like a ${kind} host: ${JSON.stringify(host)}`, {fix: 'Point the connector at the production host before submitting it.'})
    }
  }

  const basePath = doc.basePath
  if (typeof basePath === 'string' && !basePath.startsWith('/') && !isEnvironmentVariableReference(basePath)) {
    ctx.report(R.basePath, at('basePath'), `"basePath" must start with "/", found ${JSON.stringify(basePath)}`, {fix: `Write "/${basePath}".`})
  }

  const schemes = doc.schemes
  if (Array.isArray(schemes)) {
    if (schemes.length === 0) ctx.report(R.schemes, at('schemes'), '"schemes" is empty', {msCode: 'SchemesArrayEmpty', fix: 'List ["https"].'})
    schemes.forEach((scheme, i) => {
      if (scheme === 'http' || scheme === 'https') return
      const supported = scheme === 'ws' || scheme === 'wss'
      ctx.report(R.schemes, {file: 'apiDefinition', path: ['schemes', i]}, `scheme ${JSON.stringify(scheme)} is ${supported ? 'not supported by connectors' : 'not valid'}; use "https" or "http"`, {
        msCode: supported ? 'SchemeNotSupported' : 'SchemeNotValid',
      })
    })
    if (ctx.on(R.https) && schemes.length > 0 && !schemes.includes('https')) ctx.report(R.https, at('schemes'), 'the API is not reached over https')
  } else if (schemes === undefined && ctx.on(R.https)) {
    ctx.report(R.https, {file: 'apiDefinition', path: []}, '"schemes" is missing (the default is http)', {fix: 'Add "schemes": ["https"].'})
  }
}

/** What is wrong with a host value, or undefined. */
export function hostProblem(host: string): string | undefined {
  if (host.trim() === '') return 'is empty'
  // Solution-aware connectors may take host and base path from an environment variable (resolved on save).
  if (isEnvironmentVariableReference(host)) return undefined
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'must not contain a scheme (put it in "schemes")'
  if (host.includes('/')) return 'must not contain a path (put it in "basePath")'
  if (/[{}]/.test(host)) return 'must not contain template braces (use the dynamichosturl policy for per-connection hosts)'
  if (!/^[A-Za-z0-9._~%!$&'()*+,;=-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return 'is not a valid host name with an optional port'
  return undefined
}

/** `@environmentVariables("prefix_Name")`: a reference the platform replaces when the connector is saved. */
export function isEnvironmentVariableReference(value: string): boolean {
  return /^@environmentVariables\("[A-Za-z0-9_.-]+"\)$/.test(value.trim())
}

function nonProductionHost(host: string): string | undefined {
  const name = host.toLowerCase().replace(/:\d+$/, '')
  if (name === 'localhost' || /^127\.|^0\.0\.0\.0$|^\[::1\]$/.test(name)) return 'local'
  if (/(^|[.-])(example|contoso)\.(com|org|net)$|^(your|my)[-.]?(domain|host|server)|placeholder|replace|\[\[|<|>/.test(name)) return 'placeholder'
  if (/(^|[.-])(dev|develop|development|test|testing|qa|uat|stage|staging|sandbox|preprod|pre-prod)([.-]|\d|$)/.test(name)) return 'development, test or staging'
  return undefined
}

/**
 * Checks objects against the shapes above. The current JSON pointer is one mutable stack (copied only when a
 * finding is reported), so walking a large document allocates next to nothing.
 */
class ShapeChecker {
  private readonly leniency: 'warning' | undefined
  private readonly stack: PointerSegment[] = []

  constructor(private readonly ctx: RuleContext) {
    this.leniency = ctx.profile === 'base' ? 'warning' : undefined
  }

  private here(...keys: PointerSegment[]): PointerSegment[] {
    return [...this.stack, ...keys]
  }

  /** Checks an object at the current pointer. */
  object(value: Obj, name: ShapeName): void {
    const shape = shapes[name]
    const specs = shapeKeys.get(name)!
    const required = shape.required
    if (required) {
      for (let i = 0; i < required.length; i++) {
        const key = required[i]!
        if (value[key] === undefined) this.ctx.report(R.schema, {file: 'apiDefinition', path: this.here(), at: 'key'}, `the ${label(name)} has no "${key}"`, {msCode: 'RequiredPropertyMissing'})
      }
    }
    for (const key in value) {
      const spec = specs.get(key)
      if (spec) {
        if (spec.type === 'any') continue
        this.stack.push(key)
        this.value(value[key], spec, key)
        this.stack.pop()
      } else if (key.charCodeAt(0) !== 120 || key.charCodeAt(1) !== 45) {
        this.extra(key, () => this.here(key), Object.keys(shape.keys), shape.extensions, label(name))
      } else if (key.startsWith('x-ms-') && !shape.extensions.has(key)) this.extra(key, () => this.here(key), [], shape.extensions, label(name))
    }
    if (name === 'root' && isObj(value.paths)) {
      this.stack.push('paths')
      for (const pathKey in value.paths) {
        if (pathKey.startsWith('x-')) continue
        const item = value.paths[pathKey]
        this.stack.push(pathKey)
        if (isObj(item)) this.object(item, 'pathItem')
        else this.typeError(this.here(), 'object', item, 'path item')
        this.stack.pop()
      }
      this.stack.pop()
    }
  }

  /** Checks the keys of one schema object (its sub-schemas are visited on their own). */
  schema(visit: SchemaVisit): void {
    const value = visit.schema
    for (const key in value) {
      const spec = schemaKeys.get(key)
      if (spec) {
        if (spec.type === 'any') continue
        const item = value[key]
        if (!matches(item, spec.type)) this.typeError(visit.at(key), spec.type, item, `"${key}"`)
        else if (spec.values && !spec.values.includes(item)) this.notInEnum(visit.at(key), key, item, spec.values)
        else if (spec.items && Array.isArray(item)) {
          for (let i = 0; i < item.length; i++) {
            if (!matches(item[i], spec.items)) this.typeError(visit.at(key, i), spec.items, item[i], `an item of "${key}"`)
          }
        }
      } else if (key.charCodeAt(0) !== 120 || key.charCodeAt(1) !== 45) {
        this.extra(key, () => visit.at(key), [...schemaKeys.keys()], schemaExtensions, 'schema')
      } else if (key.startsWith('x-ms-') && !schemaExtensions.has(key)) this.extra(key, () => visit.at(key), [], schemaExtensions, 'schema')
    }
  }

  /** Checks a value at the current pointer against a key's spec. */
  private value(value: unknown, spec: KeySpec, key: string): void {
    if (!matches(value, spec.type)) {
      this.typeError(this.here(), spec.type, value, `"${key}"`)
      return
    }
    if (spec.values && !spec.values.includes(value)) this.notInEnum(this.here(), key, value, spec.values)
    if (Array.isArray(value)) {
      const {items, list} = spec
      if (items) {
        for (let i = 0; i < value.length; i++) if (!matches(value[i], items)) this.typeError(this.here(i), items, value[i], `an item of "${key}"`)
      }
      if (list) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i]
          if (!isObj(item) || typeof item.$ref === 'string') continue
          this.stack.push(i)
          this.object(item, list)
          this.stack.pop()
        }
      }
    } else if (isObj(value)) {
      if (spec.shape) this.object(value, spec.shape)
      if (spec.map) {
        for (const name in value) {
          if (name.startsWith('x-')) continue
          const item = value[name]
          this.stack.push(name)
          if (isObj(item)) {
            if (typeof item.$ref !== 'string') this.object(item, spec.map)
          } else this.typeError(this.here(), 'object', item, `"${name}"`)
          this.stack.pop()
        }
      }
    }
  }

  private notInEnum(path: PointerSegment[], key: string, value: unknown, values: readonly unknown[]): void {
    const near = typeof value === 'string' ? values.find((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase()) : undefined
    this.ctx.report(
      R.schema,
      {file: 'apiDefinition', path},
      `"${key}" must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}; found ${JSON.stringify(value)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`,
      {msCode: 'JsonValueNotInEnum'},
    )
  }

  private typeError(path: PointerSegment[], expected: Kind | readonly Kind[], value: unknown, what: string): void {
    const wanted = (Array.isArray(expected) ? expected : [expected]).map((k) => (k === 'object' ? 'an object' : k === 'array' ? 'an array' : `a ${k}`)).join(' or ')
    this.ctx.report(R.schema, {file: 'apiDefinition', path}, `${what} must be ${wanted}, found ${describe(value)}`, {msCode: 'JsonTypeIncorrect'})
  }

  private extra(key: string, path: () => PointerSegment[], keys: string[], extensions: ReadonlySet<string>, where: string): void {
    if (key.startsWith('x-ms-')) {
      if (extensions.has(key) || placedElsewhere.has(key) || !this.ctx.on(R.unknownExtension)) return
      if (autoRest.has(key)) {
        this.ctx.report(R.unknownExtension, {file: 'apiDefinition', path: path(), at: 'key'}, `${key} is an AutoRest extension; Power Platform ignores it`, {severity: 'info', fix: 'Remove it, or keep it if another tool needs it.'})
        return
      }
      const places = placesOf.get(key)
      if (places) {
        this.ctx.report(R.unknownExtension, {file: 'apiDefinition', path: path(), at: 'key'}, `${key} has no effect on ${article(where)} ${where}; it belongs on: ${[...new Set(places)].join(', ')}`, {
          fix: `Move ${key} to where it belongs, or remove it.`,
        })
        return
      }
      const near = nearest(key, [...extensions, ...knownExtensions])
      this.ctx.report(R.unknownExtension, {file: 'apiDefinition', path: path(), at: 'key'}, `unknown extension ${JSON.stringify(key)}${near ? ` (did you mean "${near}"?)` : ''}`, {
        fix: near ? `Rename it to ${near}.` : 'Remove it, or rename it to x-<something> without the reserved x-ms- prefix.',
      })
      return
    }
    const near = nearest(key, keys)
    this.ctx.report(R.schema, {file: 'apiDefinition', path: path(), at: 'key'}, `unknown key ${JSON.stringify(key)} in ${article(where)} ${where}${near ? ` (did you mean "${near}"?)` : ''}`, {
      msCode: 'AdditionalPropertyNotAllowed',
      ...(this.leniency ? {severity: this.leniency} : {}),
      fix: near ? `Rename it to ${near}.` : 'Remove it, or prefix custom keys with "x-".',
    })
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a'
}

function matches(value: unknown, kind: Kind | readonly Kind[]): boolean {
  if (Array.isArray(kind)) {
    for (let i = 0; i < kind.length; i++) if (matches(value, kind[i])) return true
    return false
  }
  switch (kind) {
    case 'any':
      return true
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'number':
      return typeof value === 'number'
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isObj(value)
  }
  return false
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value)
  return `${typeof value} ${text.length > 40 ? text.slice(0, 37) + '…' : text}`
}

/** The closest name within a small edit distance (case-insensitive), for "did you mean". */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined
  const lower = name.toLowerCase()
  const exact = candidates.find((c) => c.toLowerCase() === lower)
  if (exact) return exact
  const best = closest(lower, candidates.map((c) => c.toLowerCase()))
  const limit = Math.max(2, Math.floor(name.length / 5))
  if (distance(lower, best) > limit && !lower.startsWith(best) && !best.startsWith(lower)) return undefined
  return candidates.find((c) => c.toLowerCase() === best)
}
