import type {EmulatorRequest, EmulatorResponse, ServiceKind} from './http.js'
import type {EmulatorContext} from './context.js'

export type Handler = (req: EmulatorRequest, ctx: EmulatorContext) => Promise<EmulatorResponse>

/** Which token a route wants: an audience family, or none (identity endpoints, SAS-signed blobs, admin). */
export type AuthKind = 'none' | 'powerapps' | 'flow' | 'bap' | 'graph' | 'dataverse'

export interface RouteDefinition {
  method: string
  /**
   * A path template: literal text, `{name}` for one path segment (no `/`, `(`, `)` or `'`), `{name*}` for the
   * rest of the path. Matching ignores case, as the real services do.
   */
  path: string
  /** Stable name, used in fault rules (`route=powerapps.apis.create`) and the request log. */
  name: string
  service: ServiceKind
  auth: AuthKind
  handler: Handler
  /** Body size limit in bytes (default 32 MiB). */
  bodyLimit?: number
}

export interface CompiledRoute extends RouteDefinition {
  regex: RegExp
}

export type RouteMatch =
  | {kind: 'found'; route: CompiledRoute; params: Record<string, string>}
  | {kind: 'method-not-allowed'; allowed: string[]; route: CompiledRoute}
  | {kind: 'not-found'}

/** A route builder for one service: `route(method, path, name, handler)` with the service's prefix, kind and token. */
export function routesOf(service: ServiceKind, auth: AuthKind, prefix = ''): (method: string, path: string, name: string, handler: Handler) => RouteDefinition {
  return (method, path, name, handler) => ({method, path: `${prefix}${path}`, name, service, auth, handler})
}

export class Router {
  private readonly routes: CompiledRoute[] = []

  add(...definitions: RouteDefinition[]): this {
    for (const d of definitions) this.routes.push({...d, regex: compileTemplate(d.path)})
    return this
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = []
    let sameShape: CompiledRoute | undefined
    for (const route of this.routes) {
      const m = route.regex.exec(path)
      if (!m) continue
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return {kind: 'found', route, params: {...m.groups}}
      }
      allowed.push(route.method)
      sameShape ??= route
    }
    return sameShape ? {kind: 'method-not-allowed', allowed, route: sameShape} : {kind: 'not-found'}
  }

  get all(): readonly CompiledRoute[] {
    return this.routes
  }
}

function compileTemplate(template: string): RegExp {
  let source = ''
  let rest = template
  while (rest.length > 0) {
    const open = rest.indexOf('{')
    if (open < 0) {
      source += escapeRegex(rest)
      break
    }
    source += escapeRegex(rest.slice(0, open))
    const close = rest.indexOf('}', open)
    const name = rest.slice(open + 1, close)
    source += name.endsWith('*') ? `(?<${name.slice(0, -1)}>.+)` : `(?<${name}>[^/()']+)`
    rest = rest.slice(close + 1)
  }
  return new RegExp(`^${source}/?$`, 'i')
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
