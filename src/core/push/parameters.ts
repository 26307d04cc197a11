import type {ApiProperties, Swagger} from '../connector/types.js'
import {CcError} from '../errors.js'
import {parsePointer, type PointerSegment} from '../json/pointer.js'
import type {ConnectorParameters} from '../environments/project-environments.js'
import {oauthSettingsOf} from './oauth.js'

/**
 * Applies an environment's connector parameters from cc.yaml to copies of the definition and properties: the
 * host and base path, the OAuth client id, resource, tenant, login URI and scopes, generic OAuth endpoints, the
 * brand colour, and any value by JSON pointer. Returns the new documents and what changed (for the result).
 */
export interface AppliedParameters {
  apiDefinition: Swagger
  apiProperties: ApiProperties
  /** `host`, `clientId`, `definition:/info/title`… in the order applied. */
  applied: string[]
}

export function applyParameters(apiDefinition: Swagger, apiProperties: ApiProperties, parameters: ConnectorParameters, origin: string): AppliedParameters {
  const swagger = structuredClone(apiDefinition)
  const props = structuredClone(apiProperties)
  const applied: string[] = []
  const mark = (name: string, changed: boolean) => {
    if (changed && !applied.includes(name)) applied.push(name)
  }
  if (parameters.host !== undefined) mark('host', set(swagger, ['host'], parameters.host))
  if (parameters.basePath !== undefined) mark('basePath', set(swagger, ['basePath'], parameters.basePath.startsWith('/') ? parameters.basePath : `/${parameters.basePath}`))
  if (parameters.scheme !== undefined) mark('scheme', set(swagger, ['schemes'], [parameters.scheme]))

  const oauth = oauthSettingsOf(props)
  for (const {settings} of oauth) {
    const custom = (settings.customParameters ??= {}) as Record<string, {value?: unknown}>
    const properties = (settings.properties ??= {}) as Record<string, unknown>
    if (parameters.clientId !== undefined) mark('clientId', replace(settings as Record<string, unknown>, 'clientId', parameters.clientId))
    if (parameters.scopes !== undefined) mark('scopes', replace(settings as Record<string, unknown>, 'scopes', parameters.scopes))
    if (parameters.resourceUri !== undefined) {
      mark('resourceUri', replace(properties, 'AzureActiveDirectoryResourceId', parameters.resourceUri))
      mark('resourceUri', replace(custom, 'resourceUri', {value: parameters.resourceUri}))
    }
    if (parameters.tenantId !== undefined) mark('tenantId', replace(custom, 'tenantId', {value: parameters.tenantId}))
    if (parameters.loginUri !== undefined) mark('loginUri', replace(custom, 'loginUri', {value: parameters.loginUri}))
    for (const key of ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const) {
      if (parameters[key] !== undefined) mark(key, replace(custom, key, {value: parameters[key]}))
    }
    if (Object.keys(custom).length === 0) delete settings.customParameters
    if (Object.keys(properties).length === 0) delete settings.properties
  }
  const wantsOAuth = ['clientId', 'scopes', 'resourceUri', 'tenantId', 'loginUri'].some((k) => parameters[k as keyof ConnectorParameters] !== undefined)
  if (wantsOAuth && oauth.length === 0) {
    throw new CcError(`cc.yaml sets OAuth parameters for ${origin}, but the connector has no OAuth connection parameter.`, {
      code: 'PARAMETERS_NOT_APPLICABLE',
      suggestions: ['Remove clientId/resourceUri/tenantId/loginUri/scopes from the environment parameters of this connector.'],
    })
  }
  // The swagger's own oauth2 security definitions follow generic OAuth endpoints.
  for (const definition of Object.values(swagger.securityDefinitions ?? {})) {
    if (definition?.type !== 'oauth2') continue
    if (parameters.authorizationUrl !== undefined) mark('authorizationUrl', replace(definition as Record<string, unknown>, 'authorizationUrl', parameters.authorizationUrl))
    if (parameters.tokenUrl !== undefined) mark('tokenUrl', replace(definition as Record<string, unknown>, 'tokenUrl', parameters.tokenUrl))
  }
  if (parameters.iconBrandColor !== undefined) mark('iconBrandColor', set(props, ['properties', 'iconBrandColor'], parameters.iconBrandColor))
  for (const [pointer, value] of Object.entries(parameters.definition ?? {})) mark(`definition:${pointer}`, set(swagger, pointerOf(pointer, origin), value))
  for (const [pointer, value] of Object.entries(parameters.properties ?? {})) mark(`properties:${pointer}`, set(props, pointerOf(pointer, origin), value))
  return {apiDefinition: swagger, apiProperties: props, applied}
}

function pointerOf(pointer: string, origin: string): PointerSegment[] {
  try {
    return parsePointer(pointer)
  } catch {
    throw new CcError(`"${pointer}" in ${origin} is not a JSON pointer.`, {code: 'PARAMETERS_INVALID', suggestions: ['Write pointers like /info/title or /properties/iconBrandColor.']})
  }
}

function replace(target: Record<string, unknown>, key: string, value: unknown): boolean {
  if (JSON.stringify(target[key]) === JSON.stringify(value)) return false
  target[key] = value
  return true
}

/** Sets a value at a path, creating objects on the way (arrays must exist). Returns whether anything changed. */
function set(root: unknown, path: readonly PointerSegment[], value: unknown): boolean {
  if (path.length === 0) return false
  let node = root as Record<string | number, unknown>
  for (const segment of path.slice(0, -1)) {
    let next = node[segment]
    if (next === undefined || next === null) {
      next = {}
      node[segment] = next
    }
    if (typeof next !== 'object') return false
    node = next as Record<string | number, unknown>
  }
  return replace(node as Record<string, unknown>, String(path[path.length - 1]), value)
}
