import type {SecurityDefinition, Swagger} from '../connector/types.js'
import {isObject, type NoteBook} from './notes.js'
import type {DetectedAuth} from './types.js'

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const

/** Hosts of the Microsoft identity platform: an oauth2 scheme that signs in there is Entra ID (aad). */
const entraHosts = /^(login\.microsoftonline\.(com|us|de)|login\.windows\.net|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|[a-z0-9-]+\.b2clogin\.com)$/i

/**
 * Makes a Swagger 2.0 document fit for a connector, whatever produced it: every operation gets an operationId
 * (required by the platform) and at least one response, and only one security definition is kept (a connector
 * has one; several need connectionParameterSets); path parameters get `x-ms-url-encoding: single`. What changes
 * is noted, with pointers that are valid in the input (a converted 3.x document keeps its paths).
 */
export function normalizeForConnector(swagger: Swagger, notes: NoteBook, options: {converted: boolean}): DetectedAuth | undefined {
  swagger.swagger = '2.0'
  const used = new Set<string>()
  const missing: Array<{op: Record<string, unknown>; method: string; path: string}> = []
  for (const [path, item] of Object.entries(swagger.paths ?? {})) {
    if (!isObject(item)) continue
    encodePathParameters(item.parameters)
    for (const method of methods) {
      const op = item[method]
      if (!isObject(op)) continue
      encodePathParameters(op.parameters)
      if (typeof op.operationId === 'string' && op.operationId !== '') used.add(op.operationId)
      else missing.push({op, method, path})
      if (!isObject(op.responses) || Object.keys(op.responses).length === 0) {
        op.responses = {'200': {description: 'Success'}}
        notes.changed(['paths', path, method, 'responses'], 'the operation has no responses: added "200 Success" (the platform needs at least one)')
      }
    }
  }
  for (const {op, method, path} of missing) {
    const id = uniqueId(operationIdFor(method, path), used)
    op.operationId = id
    notes.changed(['paths', path, method, 'operationId'], `no operationId: named ${id} (the platform needs one per operation)`)
  }
  if (!options.converted && !swagger.host) notes.lost(['host'], 'the file has no host: set host in apiDefinition.swagger.json')
  return keepOneSecurityDefinition(swagger, notes, options.converted)
}

/** The platform's advice for every path parameter (rule params/path-encoding): `x-ms-url-encoding: single`. */
function encodePathParameters(parameters: unknown): void {
  for (const parameter of Array.isArray(parameters) ? parameters : []) {
    if (isObject(parameter) && parameter.in === 'path' && parameter['x-ms-url-encoding'] === undefined) parameter['x-ms-url-encoding'] = 'single'
  }
}

/** `GET /pets/{petId}/toys` → `GetPetsToysByPetId`. */
export function operationIdFor(method: string, path: string): string {
  const words: string[] = []
  const params: string[] = []
  for (const segment of path.split('/')) {
    const param = /^\{(.+)\}$/.exec(segment)
    if (param) params.push(param[1]!)
    else if (segment) words.push(segment)
  }
  const pascal = (s: string) =>
    s
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('')
  const base = pascal(method) + words.map(pascal).join('') + (params.length > 0 ? `By${params.map(pascal).join('And')}` : '')
  return /^[A-Za-z]/.test(base) ? base : `Op${base}`
}

function uniqueId(id: string, used: Set<string>): string {
  let candidate = id
  for (let n = 2; used.has(candidate); n++) candidate = `${id}${n}`
  used.add(candidate)
  return candidate
}

function keepOneSecurityDefinition(swagger: Swagger, notes: NoteBook, converted: boolean): DetectedAuth | undefined {
  const definitions = isObject(swagger.securityDefinitions) ? swagger.securityDefinitions : {}
  const names = Object.keys(definitions)
  if (names.length === 0) return undefined
  const required = (swagger.security ?? []).flatMap((r) => Object.keys(r))
  const name = required.find((n) => names.includes(n)) ?? names[0]!
  if (names.length > 1) {
    // A converted 3.x document already holds one; this is for 2.0 input.
    for (const other of names.filter((n) => n !== name)) {
      notes.lost(['securityDefinitions', other], `a connector has one security definition (several need connectionParameterSets in apiProperties.json): kept "${name}"`)
    }
    swagger.securityDefinitions = {[name]: definitions[name]!}
    const keep = (list: Array<Record<string, string[]>> | undefined) => list?.map((r) => Object.fromEntries(Object.entries(r).filter(([n]) => n === name))).filter((r) => Object.keys(r).length > 0)
    if (swagger.security) swagger.security = keep(swagger.security)!
    for (const item of Object.values(swagger.paths ?? {})) {
      for (const method of methods) {
        const op = item?.[method]
        if (isObject(op) && Array.isArray(op.security)) op.security = keep(op.security as Array<Record<string, string[]>>)
      }
    }
  }
  const definition = definitions[name]!
  const kind = authKindOf(definition)
  if (!kind && !converted) notes.lost(['securityDefinitions', name], `security type "${String(definition.type)}" is not one a connector supports`)
  return kind ? {kind, name, definition} : undefined
}

function authKindOf(definition: SecurityDefinition): DetectedAuth['kind'] | undefined {
  switch (definition.type) {
    case 'basic':
      return 'basic'
    case 'apiKey':
      return 'apikey'
    case 'oauth2': {
      const url = typeof definition.authorizationUrl === 'string' ? definition.authorizationUrl : typeof definition.tokenUrl === 'string' ? definition.tokenUrl : ''
      let host = ''
      try {
        host = new URL(url).hostname
      } catch {
        host = ''
      }
      return entraHosts.test(host) ? 'aad' : 'oauth2'
    }
    default:
      return undefined
  }
}
