import type {Swagger} from '../connector/types.js'
import {getAtPointer, parsePointer, type PointerSegment} from '../json/pointer.js'
import {type Json, isObject, NoteBook, preferredMediaType, sameJson} from './notes.js'

type Path = readonly PointerSegment[]

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const
const formTypes = ['application/x-www-form-urlencoded', 'multipart/form-data']

/** Schema keywords Swagger 2.0 has, copied as they are (after their sub-schemas are converted). */
const plainSchemaKeywords = new Set([
  'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'enum', 'format', 'readOnly', 'xml', 'externalDocs', 'example',
])
/** Keywords of a non-body parameter's value in Swagger 2.0 (a subset of the schema keywords, plus items). */
const simpleKeywords = ['format', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'enum', 'multipleOf']

/**
 * Converts an OpenAPI 3.0 or 3.1 document to Swagger 2.0, the only version custom connectors accept, as far as
 * the format allows. Everything left out, and everything converted with a change of meaning, is written down in
 * `notes` with its JSON pointer in the input.
 *
 * Written here rather than taken from a library: the converters on npm (api-spec-converter and its kin) are
 * unmaintained, do not know OpenAPI 3.1, and drop what they cannot express without saying so; a connector author
 * needs the list of losses.
 */
export class OpenApi3Converter {
  readonly notes = new NoteBook()
  /** Names of the security schemes kept (one at most). */
  private readonly keptSchemes = new Set<string>()
  private readonly cookieParameters = new Set<string>()
  /** References being inlined (cycle guard). */
  private readonly inlining: string[] = []

  constructor(private readonly doc: Json) {}

  convert(): Swagger {
    const doc = this.doc
    const out: Swagger = {swagger: '2.0'}
    out.info = this.info()
    Object.assign(out, this.servers())
    const components = isObject(doc.components) ? doc.components : {}

    const securityDefinitions = this.securitySchemes(components)
    out.paths = this.paths()
    if (isObject(components.schemas)) {
      out.definitions = {}
      for (const [name, schema] of Object.entries(components.schemas)) out.definitions[name] = this.schema(schema, ['components', 'schemas', name])
    }
    const parameters = this.componentParameters(components)
    if (parameters) out.parameters = parameters
    if (isObject(components.responses)) {
      out.responses = {}
      for (const [name, response] of Object.entries(components.responses)) {
        out.responses[name] = this.response(response, ['components', 'responses', name]).response
      }
    }
    if (securityDefinitions) out.securityDefinitions = securityDefinitions
    if (Array.isArray(doc.security)) {
      const security = this.securityRequirements(doc.security, ['security'])
      if (security.length > 0) out.security = security as Array<Record<string, string[]>>
    }
    if (Array.isArray(doc.tags)) out.tags = doc.tags
    if (isObject(doc.externalDocs)) out.externalDocs = doc.externalDocs
    for (const [key, value] of Object.entries(doc)) if (key.startsWith('x-')) out[key] = value

    for (const key of ['links', 'callbacks'] as const) {
      if (isObject(components[key]) && Object.keys(components[key]).length > 0) {
        this.notes.lost(['components', key], `${key} have no Swagger 2.0 equivalent`)
      }
    }
    if (isObject(doc.webhooks) && Object.keys(doc.webhooks).length > 0) {
      this.notes.lost(['webhooks'], 'webhooks (OpenAPI 3.1) have no Swagger 2.0 equivalent; describe a webhook trigger with x-ms-notification-content instead')
    }
    if (doc.jsonSchemaDialect !== undefined) this.notes.lost(['jsonSchemaDialect'], 'Swagger 2.0 has one schema dialect')
    return out
  }

  private info(): Json {
    const info = isObject(this.doc.info) ? {...this.doc.info} : {}
    if (info.summary !== undefined) {
      this.notes.lost(['info', 'summary'], 'info.summary (OpenAPI 3.1) has no Swagger 2.0 equivalent')
      delete info.summary
    }
    if (isObject(info.license) && info.license.identifier !== undefined) {
      this.notes.lost(['info', 'license', 'identifier'], 'license identifiers (OpenAPI 3.1) have no Swagger 2.0 equivalent')
      const {identifier: _, ...license} = info.license
      info.license = license
    }
    return info
  }

  /** servers → host, basePath, schemes (a connector has one host). */
  private servers(): Partial<Swagger> {
    const servers = Array.isArray(this.doc.servers) ? this.doc.servers.filter(isObject) : []
    if (servers.length === 0) {
      this.notes.lost(['servers'], 'the file names no server: set host (and basePath) in apiDefinition.swagger.json')
      return {basePath: '/'}
    }
    const parsed = servers.map((server, i) => this.serverUrl(server, ['servers', i]))
    const first = parsed[0]!
    const out: Partial<Swagger> = {}
    if (first.host) out.host = first.host
    else this.notes.lost(['servers', 0, 'url'], `the server URL "${String(servers[0]!.url)}" has no host: set host in apiDefinition.swagger.json`)
    out.basePath = first.basePath
    const schemes = first.scheme ? [first.scheme] : []
    parsed.slice(1).forEach((server, i) => {
      if (server.host === first.host && server.basePath === first.basePath && server.scheme && !schemes.includes(server.scheme)) {
        schemes.push(server.scheme)
        return
      }
      this.notes.lost(['servers', i + 1], `a connector has one host: kept ${first.scheme ?? 'https'}://${first.host ?? ''}${first.basePath}, left out ${server.url}`)
    })
    if (schemes.length > 0) out.schemes = schemes.sort((a, b) => (a === 'https' ? -1 : b === 'https' ? 1 : 0))
    return out
  }

  private serverUrl(server: Json, path: Path): {url: string; scheme?: string; host?: string; basePath: string} {
    let url = String(server.url ?? '/')
    const variables = isObject(server.variables) ? server.variables : {}
    url = url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const variable = variables[name]
      if (!isObject(variable) || variable.default === undefined) {
        this.notes.lost([...path, 'url'], `server variable {${name}} has no default value; replace it in host or basePath`)
        return whole
      }
      const values = Array.isArray(variable.enum) ? variable.enum : []
      this.notes.changed([...path, 'variables', name], `server variable {${name}} fixed to its default "${String(variable.default)}"${values.length > 1 ? ` (other values: ${values.filter((v) => v !== variable.default).join(', ')})` : ''}`)
      return String(variable.default)
    })
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(url)
    if (!match) return {url, basePath: normaliseBasePath(url.split(/[?#]/)[0]!)}
    const scheme = match[1]!.toLowerCase()
    if (scheme !== 'http' && scheme !== 'https') {
      this.notes.lost([...path, 'url'], `scheme ${scheme}: connectors speak http and https only`)
    }
    return {url, ...(scheme === 'http' || scheme === 'https' ? {scheme} : {}), host: match[2]!, basePath: normaliseBasePath(match[3]!)}
  }

  // ---- security ----------------------------------------------------------------------------------------------

  private securitySchemes(components: Json): Record<string, Json> | undefined {
    const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {}
    const names = Object.keys(schemes)
    if (names.length === 0) return undefined
    // Prefer what the document requires, then the order of definition.
    const used = [...requirementNames(this.doc.security), ...Object.values(this.doc.paths ?? {}).flatMap((item) => (isObject(item) ? methods.flatMap((m) => (isObject(item[m]) ? requirementNames(item[m].security) : [])) : []))]
    const order = [...new Set([...used.filter((n) => names.includes(n)), ...names])]
    let kept: [string, Json] | undefined
    for (const name of order) {
      const converted = this.securityScheme(this.deref(schemes[name]), ['components', 'securitySchemes', name], kept === undefined)
      if (!converted) continue
      if (kept) {
        this.notes.lost(['components', 'securitySchemes', name], `a connector has one security scheme (several need connectionParameterSets in apiProperties.json): kept "${kept[0]}"`)
        continue
      }
      kept = [name, converted]
    }
    if (!kept) return undefined
    this.keptSchemes.add(kept[0])
    return {[kept[0]]: kept[1]}
  }

  /** One security scheme in Swagger 2.0 form, or undefined (with a note) when it has none. */
  private securityScheme(scheme: unknown, path: Path, note: boolean): Json | undefined {
    if (!isObject(scheme)) return undefined
    const description = typeof scheme.description === 'string' ? {description: scheme.description} : {}
    const extensions = Object.fromEntries(Object.entries(scheme).filter(([k]) => k.startsWith('x-')))
    switch (scheme.type) {
      case 'http': {
        const kind = String(scheme.scheme ?? '').toLowerCase()
        if (kind === 'basic') return {type: 'basic', ...description, ...extensions}
        if (kind === 'bearer') {
          if (note) this.notes.changed(path, 'HTTP bearer authentication: sent as an API key in the Authorization header (users enter "Bearer <token>"); use --auth oauth2 or aad when the token comes from an OAuth sign-in')
          return {type: 'apiKey', in: 'header', name: 'Authorization', ...description, ...extensions}
        }
        this.notes.lost(path, `HTTP ${kind || 'unknown'} authentication has no Swagger 2.0 equivalent`)
        return undefined
      }
      case 'apiKey':
        if (scheme.in === 'cookie') {
          this.notes.lost(path, 'API keys in a cookie have no Swagger 2.0 equivalent')
          return undefined
        }
        return {type: 'apiKey', in: scheme.in, name: scheme.name, ...description, ...extensions}
      case 'oauth2': {
        const flows = isObject(scheme.flows) ? scheme.flows : {}
        const order: Array<[string, string]> = [['authorizationCode', 'accessCode'], ['implicit', 'implicit'], ['password', 'password'], ['clientCredentials', 'application']]
        const present = order.filter(([name]) => isObject(flows[name]))
        if (present.length === 0) {
          this.notes.lost(path, 'an oauth2 scheme without flows')
          return undefined
        }
        const [flowName, flow] = present[0]!
        for (const [other] of present.slice(1)) if (note) this.notes.lost([...path, 'flows', other], `a Swagger 2.0 oauth2 definition has one flow: kept ${flowName}`)
        if (flowName === 'clientCredentials' && note) this.notes.changed([...path, 'flows', flowName], 'custom connectors do not support the client credentials grant; users will need an authorization code flow')
        const settings = flows[flowName] as Json
        return {
          type: 'oauth2',
          flow,
          ...(settings.authorizationUrl === undefined ? {} : {authorizationUrl: settings.authorizationUrl}),
          ...(settings.tokenUrl === undefined ? {} : {tokenUrl: settings.tokenUrl}),
          scopes: isObject(settings.scopes) ? settings.scopes : {},
          ...description,
          ...extensions,
        }
      }
      case 'openIdConnect':
        this.notes.lost(path, 'OpenID Connect discovery has no Swagger 2.0 equivalent; scaffold with --auth oauth2 or aad and enter the URLs')
        return undefined
      default:
        this.notes.lost(path, `security scheme type "${String(scheme.type)}" is unknown`)
        return undefined
    }
  }

  private securityRequirements(requirements: unknown[], path: Path): Json[] {
    const out: Json[] = []
    requirements.forEach((requirement, i) => {
      if (!isObject(requirement)) return
      const kept = Object.fromEntries(Object.entries(requirement).filter(([name]) => this.keptSchemes.has(name)))
      if (Object.keys(kept).length < Object.keys(requirement).length && Object.keys(requirement).length > 0) {
        const dropped = Object.keys(requirement).filter((name) => !this.keptSchemes.has(name))
        this.notes.lost([...path, i], `requirement of ${dropped.join(', ')}, a security scheme the connector does not keep`)
      }
      if (Object.keys(kept).length > 0 || Object.keys(requirement).length === 0) out.push(kept)
    })
    return out
  }

  // ---- paths and operations ----------------------------------------------------------------------------------

  private paths(): Record<string, Json> {
    const out: Record<string, Json> = {}
    const paths = isObject(this.doc.paths) ? this.doc.paths : {}
    for (const [key, raw] of Object.entries(paths)) {
      const path: Path = ['paths', key]
      let item = raw
      if (isObject(raw) && typeof raw.$ref === 'string') {
        item = this.deref(raw)
        if (item === raw) {
          this.notes.lost(path, `path item reference ${raw.$ref} could not be resolved`)
          continue
        }
      }
      if (!isObject(item)) continue
      const converted: Json = {}
      for (const field of ['summary', 'description'] as const) {
        if (item[field] !== undefined) this.notes.lost([...path, field], `a Swagger 2.0 path item has no ${field} (the operations keep theirs)`)
      }
      if (item.servers !== undefined) this.notes.lost([...path, 'servers'], 'a connector has one host: per-path servers are left out')
      if (item.trace !== undefined) this.notes.lost([...path, 'trace'], 'Swagger 2.0 has no TRACE operations')
      if (Array.isArray(item.parameters)) {
        const parameters = this.parameters(item.parameters, [...path, 'parameters'])
        if (parameters.length > 0) converted.parameters = parameters
      }
      for (const method of methods) {
        if (isObject(item[method])) converted[method] = this.operation(item[method], [...path, method], method)
      }
      for (const [k, v] of Object.entries(item)) if (k.startsWith('x-')) converted[k] = v
      out[key] = converted
    }
    return out
  }

  private operation(op: Json, path: Path, method: string): Json {
    const out: Json = {}
    for (const key of ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'deprecated'] as const) if (op[key] !== undefined) out[key] = op[key]
    const parameters = Array.isArray(op.parameters) ? this.parameters(op.parameters, [...path, 'parameters']) : []
    const consumes: string[] = []
    if (op.requestBody !== undefined) {
      if (method === 'get' || method === 'head') {
        this.notes.lost([...path, 'requestBody'], `a connector's ${method.toUpperCase()} operation cannot send a body`)
      } else {
        const body = this.requestBody(op.requestBody, [...path, 'requestBody'])
        parameters.push(...body.parameters)
        consumes.push(...body.consumes)
      }
    }
    if (consumes.length > 0) out.consumes = consumes
    if (parameters.length > 0) out.parameters = parameters
    const produces: string[] = []
    out.responses = {}
    for (const [code, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
      let key = code
      if (/^[1-5]XX$/i.test(code)) {
        key = `${code[0]}00`
        if (isObject(op.responses) && key in op.responses) {
          this.notes.lost([...path, 'responses', code], `Swagger 2.0 has no status code ranges, and ${key} is already described`)
          continue
        }
        this.notes.changed([...path, 'responses', code], `Swagger 2.0 has no status code ranges: described as ${key}`)
      }
      const converted = this.response(response, [...path, 'responses', code])
      ;(out.responses as Json)[key] = converted.response
      for (const type of converted.produces) if (!produces.includes(type)) produces.push(type)
    }
    if (produces.length > 0) out.produces = produces
    if (Array.isArray(op.security)) out.security = this.securityRequirements(op.security, [...path, 'security'])
    if (op.callbacks !== undefined) this.notes.lost([...path, 'callbacks'], 'callbacks have no Swagger 2.0 equivalent; describe a webhook trigger with x-ms-notification-content instead')
    if (op.servers !== undefined) this.notes.lost([...path, 'servers'], 'a connector has one host: per-operation servers are left out')
    for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) out[k] = v
    return out
  }

  // ---- parameters --------------------------------------------------------------------------------------------

  private componentParameters(components: Json): Record<string, Json> | undefined {
    if (!isObject(components.parameters)) return undefined
    const out: Record<string, Json> = {}
    for (const [name, raw] of Object.entries(components.parameters)) {
      const parameter = this.deref(raw)
      if (isObject(parameter) && parameter.in === 'cookie') {
        this.cookieParameters.add(name)
        this.notes.lost(['components', 'parameters', name], 'cookie parameters have no Swagger 2.0 equivalent')
        continue
      }
      const converted = this.parameter(parameter, ['components', 'parameters', name])
      if (converted) out[name] = converted
    }
    return Object.keys(out).length > 0 ? out : undefined
  }

  private parameters(list: unknown[], path: Path): Json[] {
    const out: Json[] = []
    list.forEach((raw, i) => {
      if (isObject(raw) && typeof raw.$ref === 'string') {
        const name = /^#\/components\/parameters\/([^/]+)$/.exec(raw.$ref)?.[1]
        if (name !== undefined) {
          const decoded = decodeSegment(name)
          if (!this.cookieParameters.has(decoded) && isObject(getAtPointer(this.doc, ['components', 'parameters', decoded]))) {
            // Cookie parameters are found while converting components, which happens after paths: check directly.
            const target = this.deref(raw)
            if (isObject(target) && target.in === 'cookie') {
              this.notes.lost([...path, i], `refers to ${decoded}, a cookie parameter (no Swagger 2.0 equivalent)`)
              return
            }
            out.push({$ref: `#/parameters/${name}`})
            return
          }
        }
      }
      const converted = this.parameter(this.deref(raw), [...path, i])
      if (converted) out.push(converted)
    })
    return out
  }

  /** A non-body parameter in Swagger 2.0 form, or undefined (with a note). */
  private parameter(raw: unknown, path: Path): Json | undefined {
    if (!isObject(raw)) return undefined
    if (raw.in === 'cookie') {
      this.notes.lost(path, `cookie parameter "${String(raw.name)}": Swagger 2.0 has no cookie parameters`)
      return undefined
    }
    const out: Json = {name: raw.name, in: raw.in}
    if (raw.description !== undefined) out.description = raw.description
    if (raw.in === 'path') out.required = true
    else if (raw.required !== undefined) out.required = raw.required
    if (raw.allowEmptyValue !== undefined) out.allowEmptyValue = raw.allowEmptyValue
    if (raw.deprecated) this.notes.lost([...path, 'deprecated'], 'Swagger 2.0 parameters cannot be marked deprecated')
    let schema = raw.schema
    let schemaPath: Path = [...path, 'schema']
    if (schema === undefined && isObject(raw.content)) {
      const type = Object.keys(raw.content)[0]
      if (type !== undefined) {
        schema = (raw.content[type] as Json | undefined)?.schema
        schemaPath = [...path, 'content', type, 'schema']
        this.notes.changed([...path, 'content'], `a parameter with content (${type}): sent as a plain ${String(raw.in)} parameter`)
      }
    }
    Object.assign(out, this.simpleValue(schema, schemaPath, String(raw.in)))
    if (out.type === 'array') {
      const format = collectionFormat(String(raw.in), raw.style, raw.explode)
      if (format === undefined) this.notes.changed([...path, 'style'], `style ${String(raw.style)} has no Swagger 2.0 equivalent: sent comma-separated`)
      out.collectionFormat = format ?? 'csv'
    } else if (raw.style === 'deepObject') {
      this.notes.changed([...path, 'style'], 'deepObject parameters have no Swagger 2.0 equivalent')
    }
    for (const key of ['example', 'examples'] as const) {
      if (raw[key] !== undefined) this.notes.lost([...path, key], `a Swagger 2.0 non-body parameter has no ${key}`)
    }
    for (const [k, v] of Object.entries(raw)) if (k.startsWith('x-')) out[k] = v
    return out
  }

  /** The type keywords of a non-body parameter, formData field or header, from a schema. */
  private simpleValue(raw: unknown, path: Path, where: string): Json {
    const schema = this.deref(raw)
    if (!isObject(schema)) return {type: 'string'}
    const out: Json = {}
    const {type, nullable} = schemaType(schema)
    if (nullable) this.notes.lost([...path], `a Swagger 2.0 ${where} value cannot be null`)
    const alternatives = schema.oneOf ?? schema.anyOf
    if (Array.isArray(alternatives) && type === undefined) {
      const types = [...new Set(alternatives.map((a) => schemaType(this.deref(a)).type).filter((t) => t !== undefined && t !== 'null'))]
      out.type = types.length === 1 ? types[0] : 'string'
      this.notes.changed(path, `alternatives (${types.join(', ') || 'untyped'}) for a ${where} value: sent as ${String(out.type)}`)
    } else if (type === 'object' || (type === undefined && isObject(schema.properties))) {
      out.type = 'string'
      this.notes.changed(path, `an object-valued ${where} value: sent as a string`)
    } else {
      out.type = type ?? 'string'
      if (type === undefined) this.notes.changed(path, `a ${where} value without a type: sent as a string`)
    }
    for (const key of simpleKeywords) if (schema[key] !== undefined) out[key] = schema[key]
    if (schema.const !== undefined) out.enum = [schema.const]
    if (out.type === 'array') out.items = this.simpleValue(schema.items, [...path, 'items'], where)
    if (typeof schema.exclusiveMinimum === 'number') Object.assign(out, {minimum: schema.exclusiveMinimum, exclusiveMinimum: true})
    if (typeof schema.exclusiveMaximum === 'number') Object.assign(out, {maximum: schema.exclusiveMaximum, exclusiveMaximum: true})
    for (const [k, v] of Object.entries(schema)) if (k.startsWith('x-')) out[k] = v
    return out
  }

  // ---- request bodies ----------------------------------------------------------------------------------------

  private requestBody(raw: unknown, path: Path): {parameters: Json[]; consumes: string[]} {
    const body = this.deref(raw)
    if (!isObject(body) || !isObject(body.content)) return {parameters: [], consumes: []}
    const content = body.content
    const types = Object.keys(content)
    const plain = types.filter((t) => !formTypes.includes(t.toLowerCase()))
    const forms = types.filter((t) => formTypes.includes(t.toLowerCase()))
    if (plain.length > 0) {
      const primary = preferredMediaType(plain)!
      const consumes = this.equivalentTypes(content, primary, types, path, 'request body')
      const schema = (content[primary] as Json | undefined)?.schema
      const parameter: Json = {
        name: typeof body['x-codegen-request-body-name'] === 'string' ? body['x-codegen-request-body-name'] : 'body',
        in: 'body',
        required: body.required === true,
        ...(body.description === undefined ? {} : {description: body.description}),
        schema: schema === undefined ? {} : this.schema(schema, [...path, 'content', primary, 'schema']),
      }
      for (const [k, v] of Object.entries(body)) if (k.startsWith('x-') && k !== 'x-codegen-request-body-name') parameter[k] = v
      for (const form of forms) this.notes.lost([...path, 'content', form], `a connector operation takes one kind of body: kept ${primary}`)
      return {parameters: [parameter], consumes}
    }
    const primary = forms[0]!
    for (const other of forms.slice(1)) this.notes.changed([...path, 'content', other], `form fields described once, for ${primary}; ${other} kept in consumes`)
    const media = content[primary] as Json
    if (isObject(media.encoding)) this.notes.lost([...path, 'content', primary, 'encoding'], 'per-field encodings have no Swagger 2.0 equivalent')
    const schema = this.flattenObject(media.schema)
    if (!schema) {
      this.notes.lost([...path, 'content', primary, 'schema'], 'form data must be an object with properties to become formData parameters')
      return {parameters: [], consumes: forms}
    }
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : [])
    const parameters = Object.entries(schema.properties).map(([name, property]) => {
      const fieldPath = [...path, 'content', primary, 'schema', 'properties', name]
      const resolved = this.deref(property)
      const binary = isObject(resolved) && resolved.type === 'string' && (resolved.format === 'binary' || resolved.format === 'base64' || resolved.contentMediaType !== undefined)
      const parameter: Json = {name, in: 'formData', ...(binary ? {type: 'file'} : this.simpleValue(property, fieldPath, 'form field')), required: required.has(name)}
      if (isObject(resolved) && typeof resolved.description === 'string') parameter.description = resolved.description
      if (parameter.type === 'array') parameter.collectionFormat = 'multi'
      return parameter
    })
    return {parameters, consumes: forms}
  }

  /** An object schema with its properties (allOf merged), or undefined. */
  private flattenObject(raw: unknown): {properties: Json; required?: unknown[]} | undefined {
    const schema = this.deref(raw)
    if (!isObject(schema)) return undefined
    const properties: Json = {...(isObject(schema.properties) ? schema.properties : {})}
    const required = Array.isArray(schema.required) ? [...schema.required] : []
    for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
      const flat = this.flattenObject(part)
      if (!flat) continue
      Object.assign(properties, flat.properties)
      required.push(...(flat.required ?? []))
    }
    return Object.keys(properties).length > 0 ? {properties, required} : undefined
  }

  /** The media types whose schema equals the primary's (they go into consumes/produces); the others get a note. */
  private equivalentTypes(content: Json, primary: string, types: readonly string[], path: Path, what: string): string[] {
    const schema = (content[primary] as Json | undefined)?.schema
    const out = [primary]
    for (const type of types) {
      if (type === primary || formTypes.includes(type.toLowerCase())) continue
      const other = (content[type] as Json | undefined)?.schema
      if (other === undefined || sameJson(other, schema)) out.push(type)
      else this.notes.lost([...path, 'content', type], `a Swagger 2.0 ${what} has one schema: kept the one of ${primary}`)
    }
    return out
  }

  // ---- responses ---------------------------------------------------------------------------------------------

  private response(raw: unknown, path: Path): {response: Json; produces: string[]} {
    if (isObject(raw) && typeof raw.$ref === 'string') {
      const name = /^#\/components\/responses\/([^/]+)$/.exec(raw.$ref)?.[1]
      if (name !== undefined && isObject(getAtPointer(this.doc, ['components', 'responses', decodeSegment(name)]))) {
        const target = this.deref(raw) as Json
        return {response: {$ref: `#/responses/${name}`}, produces: isObject(target.content) ? this.responseTypes(target.content) : []}
      }
    }
    const response = this.deref(raw)
    if (!isObject(response)) return {response: {description: ''}, produces: []}
    const out: Json = {description: typeof response.description === 'string' ? response.description : ''}
    let produces: string[] = []
    if (isObject(response.content) && Object.keys(response.content).length > 0) {
      const types = Object.keys(response.content)
      const primary = preferredMediaType(types)!
      produces = this.equivalentTypes(response.content, primary, types, path, 'response')
      const media = response.content[primary] as Json
      if (isObject(media) && media.schema !== undefined) out.schema = this.schema(media.schema, [...path, 'content', primary, 'schema'])
      const example = isObject(media) ? this.mediaExample(media, [...path, 'content', primary]) : undefined
      if (example !== undefined) out.examples = {[primary]: example}
    }
    if (isObject(response.headers)) {
      const headers: Json = {}
      for (const [name, header] of Object.entries(response.headers)) {
        const resolved = this.deref(header)
        if (!isObject(resolved)) continue
        headers[name] = {
          ...(typeof resolved.description === 'string' ? {description: resolved.description} : {}),
          ...this.simpleValue(resolved.schema, [...path, 'headers', name, 'schema'], 'header'),
        }
      }
      if (Object.keys(headers).length > 0) out.headers = headers
    }
    if (response.links !== undefined) this.notes.lost([...path, 'links'], 'links have no Swagger 2.0 equivalent')
    for (const [k, v] of Object.entries(response)) if (k.startsWith('x-')) out[k] = v
    return {response: out, produces}
  }

  private responseTypes(content: Json): string[] {
    const types = Object.keys(content)
    return types.length > 0 ? [preferredMediaType(types)!] : []
  }

  private mediaExample(media: Json, path: Path): unknown {
    if (media.example !== undefined) return media.example
    if (!isObject(media.examples)) return undefined
    const names = Object.keys(media.examples)
    if (names.length > 1) this.notes.lost([...path, 'examples'], `Swagger 2.0 has one example per media type: kept "${names[0]}"`)
    const first = this.deref(media.examples[names[0]!])
    return isObject(first) ? first.value : undefined
  }

  // ---- schemas -----------------------------------------------------------------------------------------------

  schema(raw: unknown, path: Path): Json {
    if (raw === true || raw === undefined) return {}
    if (raw === false) {
      this.notes.lost(path, 'the schema "false" (no value allowed) has no Swagger 2.0 equivalent')
      return {}
    }
    if (!isObject(raw)) return {}
    if (typeof raw.$ref === 'string') return this.schemaRef(raw, path)

    const out: Json = {}
    const {type, nullable, several} = schemaType(raw)
    if (several) this.notes.changed([...path, 'type'], `several types (${several.join(', ')}): left untyped`)
    if (type !== undefined && type !== 'null') out.type = type
    if (type === 'null') this.notes.changed([...path, 'type'], 'type null: left untyped')
    if (nullable) out['x-nullable'] = true

    for (const [key, value] of Object.entries(raw)) {
      const at = [...path, key]
      if (plainSchemaKeywords.has(key)) {
        if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
          out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value
          out[key] = true
        } else {
          out[key] = value
        }
        continue
      }
      switch (key) {
        case 'type':
        case 'nullable':
        case 'oneOf':
        case 'anyOf':
        case '$comment':
          break
        case 'required':
          if (Array.isArray(value) && value.length > 0) out.required = value
          break
        case 'const':
          out.enum = [value]
          break
        case 'examples':
          if (Array.isArray(value) && value.length > 0) out.example = value[0]
          break
        case 'items':
          if (Array.isArray(value)) {
            this.notes.changed(at, 'tuple items have no Swagger 2.0 equivalent: every item takes the first schema')
            out.items = this.schema(value[0], [...at, 0])
          } else {
            out.items = this.schema(value, at)
          }
          break
        case 'properties':
          if (isObject(value)) out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, this.schema(schema, [...at, name])]))
          break
        case 'additionalProperties':
          out.additionalProperties = typeof value === 'boolean' ? value : this.schema(value, at)
          break
        case 'allOf':
          if (Array.isArray(value)) out.allOf = value.map((schema, i) => this.schema(schema, [...at, i]))
          break
        case 'discriminator':
          if (isObject(value)) {
            out.discriminator = value.propertyName
            if (value.mapping !== undefined) this.notes.lost([...at, 'mapping'], 'discriminator mappings have no Swagger 2.0 equivalent (the value must be the definition name)')
          } else {
            out.discriminator = value
          }
          break
        case 'writeOnly':
        case 'deprecated':
          if (value) this.notes.lost(at, `${key} has no Swagger 2.0 equivalent`)
          break
        default:
          if (key.startsWith('x-')) out[key] = value
          else this.notes.lost(at, `the schema keyword "${key}" has no Swagger 2.0 equivalent`)
      }
    }
    if (out.type === 'array' && out.items === undefined) out.items = {}

    const alternatives = (['oneOf', 'anyOf'] as const).filter((k) => Array.isArray(raw[k]))
    for (const key of alternatives) {
      const reduced = this.alternatives(raw[key] as unknown[], [...path, key], key)
      if (reduced.nullable) out['x-nullable'] = true
      mergeSchema(out, reduced.schema)
    }
    return out
  }

  private schemaRef(raw: Json, path: Path): Json {
    const ref = raw.$ref as string
    const siblings = Object.keys(raw).filter((k) => k !== '$ref' && k !== 'description' && k !== 'summary' && !k.startsWith('x-'))
    if (siblings.length > 0) this.notes.lost(path, `Swagger 2.0 allows nothing beside $ref: left out ${siblings.join(', ')}`)
    const name = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1]
    if (name !== undefined && getAtPointer(this.doc, ['components', 'schemas', decodeSegment(name)]) !== undefined) return {$ref: `#/definitions/${name}`}
    if (!ref.startsWith('#')) {
      this.notes.lost(path, `external reference ${ref} could not be resolved`)
      return {}
    }
    if (this.inlining.includes(ref)) {
      this.notes.lost(path, `${ref} refers to itself outside components/schemas; the recursion is cut here`)
      return {}
    }
    const target = this.deref(raw)
    if (target === raw) {
      this.notes.lost(path, `reference ${ref} does not resolve`)
      return {}
    }
    this.inlining.push(ref)
    try {
      return this.schema(target, parsePointer(ref))
    } finally {
      this.inlining.pop()
    }
  }

  /** oneOf/anyOf reduced to one Swagger 2.0 schema. */
  private alternatives(branches: unknown[], path: Path, keyword: string): {schema: Json; nullable: boolean} {
    const isNull = (b: unknown) => isObject(b) && (b.type === 'null' || (Array.isArray(b.type) && b.type.length === 1 && b.type[0] === 'null'))
    const nullable = branches.some(isNull)
    const rest = branches.map((b, i) => ({b, i})).filter(({b}) => !isNull(b))
    if (rest.length === 0) return {schema: {}, nullable}
    if (rest.length === 1) {
      const only = this.schema(rest[0]!.b, [...path, rest[0]!.i])
      return {schema: only.$ref === undefined ? only : {allOf: [only]}, nullable}
    }
    const resolved = rest.map(({b}) => this.deref(b))
    const types = resolved.map((s) => (isObject(s) ? (schemaType(s).type ?? (isObject(s.properties) ? 'object' : undefined)) : undefined))
    if (types.every((t) => t === 'object')) {
      const merged: Json = {type: 'object', properties: {}}
      let required: string[] | undefined
      for (const {b, i} of rest) {
        const flat = this.flattenObject(b)
        if (!flat) continue
        for (const [name, schema] of Object.entries(flat.properties)) {
          if (!(name in (merged.properties as Json))) (merged.properties as Json)[name] = this.schema(schema, [...path, i, 'properties', name])
        }
        const names = (flat.required ?? []).map(String)
        required = required === undefined ? names : required.filter((n) => names.includes(n))
      }
      if (required && required.length > 0) merged.required = required
      this.notes.changed(path, `${keyword} of ${rest.length} object schemas merged into one object: every property of each, required only where all require it`)
      return {schema: merged, nullable}
    }
    const distinct = [...new Set(types)]
    if (distinct.length === 1 && distinct[0] !== undefined) {
      const schema: Json = {type: distinct[0]}
      const enums = resolved.map((s) => (isObject(s) && Array.isArray(s.enum) ? s.enum : undefined))
      if (enums.every(Boolean)) schema.enum = [...new Set(enums.flat())]
      this.notes.changed(path, `${keyword} of ${rest.length} ${distinct[0]} schemas reduced to one ${distinct[0]}`)
      return {schema, nullable}
    }
    this.notes.changed(path, `${keyword} of different types (${distinct.map((t) => t ?? 'untyped').join(', ')}): left untyped`)
    return {schema: {}, nullable}
  }

  // ---- references --------------------------------------------------------------------------------------------

  /** Follows local `$ref`s (chains included) to their target; returns the input when it is not a resolvable reference. */
  deref(value: unknown): unknown {
    let current = value
    for (let depth = 0; depth < 32 && isObject(current) && typeof current.$ref === 'string'; depth++) {
      const ref = current.$ref as string
      if (!ref.startsWith('#')) return current
      let target: unknown
      try {
        target = getAtPointer(this.doc, parsePointer(ref))
      } catch {
        return current
      }
      if (target === undefined) return current
      current = target
    }
    return current
  }
}

/** A schema's type: 3.1 type arrays with "null" become nullable; several other types are reported. */
function schemaType(schema: unknown): {type?: string; nullable: boolean; several?: string[]} {
  if (!isObject(schema)) return {nullable: false}
  const nullable = schema.nullable === true
  if (Array.isArray(schema.type)) {
    const types = schema.type.map(String)
    const rest = types.filter((t) => t !== 'null')
    const withNull = nullable || types.includes('null')
    if (rest.length === 1) return {type: rest[0]!, nullable: withNull}
    if (rest.length === 0) return {type: 'null', nullable: false}
    return {nullable: withNull, several: rest}
  }
  return {...(typeof schema.type === 'string' ? {type: schema.type} : {}), nullable}
}

/** Adds a reduced oneOf/anyOf schema to the schema around it (the outer keywords win). */
function mergeSchema(out: Json, reduced: Json): void {
  for (const [key, value] of Object.entries(reduced)) {
    if (key === 'properties' && isObject(out.properties) && isObject(value)) out.properties = {...value, ...out.properties}
    else if (key === 'allOf' && Array.isArray(out.allOf) && Array.isArray(value)) out.allOf = [...out.allOf, ...value]
    else if (!(key in out)) out[key] = value
  }
}

function requirementNames(security: unknown): string[] {
  return Array.isArray(security) ? security.flatMap((r) => (isObject(r) ? Object.keys(r) : [])) : []
}

function collectionFormat(location: string, style: unknown, explode: unknown): string | undefined {
  const s = typeof style === 'string' ? style : location === 'query' || location === 'cookie' ? 'form' : 'simple'
  switch (s) {
    case 'form':
      return explode === false ? 'csv' : 'multi'
    case 'simple':
      return 'csv'
    case 'spaceDelimited':
      return 'ssv'
    case 'pipeDelimited':
      return 'pipes'
    default:
      return undefined
  }
}

function normaliseBasePath(path: string): string {
  if (path === '' || path === '/') return '/'
  const withSlash = path.startsWith('/') ? path : `/${path}`
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash
}

function decodeSegment(segment: string): string {
  return decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~')
}
