import {randomUUID} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {EmulatorContext} from './context.js'
import type {FaultInjector} from './faults.js'
import {authenticate} from './identity/auth.js'
import {
  armError,
  BodyTooLargeError,
  first,
  graphError,
  HttpError,
  json,
  odataError,
  originOf,
  readBody,
  serviceError,
  type EmulatorRequest,
  type EmulatorResponse,
  type ServiceKind,
} from './http.js'
import type {Router} from './router.js'

/** One line of the request log (`cc emulator start --verbose`). */
export interface RequestLogEntry {
  method: string
  path: string
  status: number
  route: string
  durationMs: number
  /** `latency`, `status`, `reset` when a fault rule fired. */
  fault?: string
}

export interface ListenerOptions {
  ctx: EmulatorContext
  router: Router
  faults: () => FaultInjector | undefined
  fallbackHost: () => string
  onRequest?: (entry: RequestLogEntry) => void
}

const defaultBodyLimit = 32 * 1024 * 1024

/**
 * The request pipeline: match a route, apply fault rules (never to `/_emulator/…`), check the bearer token the
 * route wants, run the handler, and send its response. Errors thrown by handlers become the route's service
 * error shape; anything unexpected is a 500 of that shape (and is logged), never a crash.
 */
export function createRequestListener(options: ListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(options, req, res)
  }
}

async function handle(options: ListenerOptions, raw: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint()
  const {ctx, router} = options
  const requestId = first(raw.headers['client-request-id']) ?? first(raw.headers['x-ms-client-request-id']) ?? randomUUID()
  const origin = originOf(raw, options.fallbackHost())
  const url = new URL(raw.url ?? '/', 'http://emulator.invalid')
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    path = url.pathname
  }
  const method = (raw.method ?? 'GET').toUpperCase()
  const match = router.match(method, path)
  const routeName = match.kind === 'found' ? match.route.name : match.kind
  const service: ServiceKind = match.kind === 'not-found' ? serviceOfPath(path) : match.route.service
  let bodyPromise: Promise<Buffer> | undefined
  const bodyLimit = match.kind === 'found' ? (match.route.bodyLimit ?? defaultBodyLimit) : defaultBodyLimit
  const req: EmulatorRequest = {
    method,
    path,
    query: url.searchParams,
    headers: raw.headers,
    origin,
    params: match.kind === 'found' ? match.params : {},
    requestId,
    header: (name) => first(raw.headers[name.toLowerCase()]),
    body: () => (bodyPromise ??= readBody(raw, bodyLimit)),
    async json() {
      const text = (await req.body()).toString('utf8').replace(/^\uFEFF/, '')
      try {
        return JSON.parse(text)
      } catch (error) {
        throw badJson(service, req, (error as Error).message)
      }
    },
    async form() {
      return new URLSearchParams((await req.body()).toString('utf8'))
    },
  }
  let fault: string | undefined
  let response: EmulatorResponse
  try {
    const decision = service === 'admin' ? undefined : options.faults()?.decide(method, path, routeName)
    if (decision && decision.latencyMs > 0) {
      fault = 'latency'
      await new Promise((resolve) => setTimeout(resolve, decision.latencyMs))
    }
    if (decision?.fail === 'reset') {
      options.onRequest?.({method, path, status: 0, route: routeName, durationMs: elapsed(started), fault: 'reset'})
      raw.socket.destroy()
      return
    }
    if (decision?.fail) {
      fault = 'status'
      const headers: Record<string, string | number> = decision.fail.retryAfterSeconds === undefined ? {} : {'retry-after': decision.fail.retryAfterSeconds}
      throw serviceError(req, service, decision.fail.status, `Injected fault: the emulator answers ${decision.fail.status} (--faults).`, headers)
    }
    if (match.kind === 'not-found') throw notFound(service, req)
    if (match.kind === 'method-not-allowed') {
      throw withHeaders(serviceError(req, service, 405, `The method '${method}' is not allowed on this resource.`), {allow: [...new Set(match.allowed)].join(', ')})
    }
    if (match.route.auth !== 'none') req.auth = await authenticate(req, ctx, match.route.auth)
    response = await match.route.handler(req, ctx)
  } catch (error) {
    if (error instanceof HttpError) response = error.response
    else if (error instanceof BodyTooLargeError) response = serviceError(req, service, 413, `The request body is larger than ${error.limit} bytes.`).response
    else {
      process.emitWarning(`cc emulator: ${method} ${path} failed: ${(error as Error)?.stack ?? String(error)}`)
      response = serviceError(req, service, 500, `The emulator failed to handle the request: ${(error as Error)?.message ?? String(error)}`).response
    }
  }
  if (bodyPromise === undefined && !raw.readableEnded) raw.resume()
  send(res, response, requestId, method)
  options.onRequest?.({method, path, status: response.status, route: routeName, durationMs: elapsed(started), ...(fault ? {fault} : {})})
}

function send(res: ServerResponse, response: EmulatorResponse, requestId: string, method: string): void {
  const headers: Record<string, string | number | string[]> = {
    'x-ms-request-id': requestId,
    'request-id': requestId,
    'client-request-id': requestId,
    ...response.headers,
  }
  let payload: Buffer | undefined
  if (response.body !== undefined) {
    if (Buffer.isBuffer(response.body)) payload = response.body
    else if (typeof response.body === 'string') payload = Buffer.from(response.body, 'utf8')
    else {
      payload = Buffer.from(JSON.stringify(response.body), 'utf8')
      headers['content-type'] ??= 'application/json; charset=utf-8'
    }
  }
  headers['content-length'] = payload?.length ?? 0
  if (res.headersSent || res.destroyed) return
  res.writeHead(response.status, headers)
  res.end(method === 'HEAD' ? undefined : payload)
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6
}

function withHeaders(error: HttpError, headers: Record<string, string>): HttpError {
  Object.assign((error.response.headers ??= {}), headers)
  return error
}

/** Which service a path belongs to, for error shapes of unknown routes. */
function serviceOfPath(path: string): ServiceKind {
  const lower = path.toLowerCase()
  if (lower.startsWith('/_emulator')) return 'admin'
  if (lower.startsWith('/providers/microsoft.powerapps')) return 'powerapps'
  if (lower.startsWith('/providers/microsoft.processsimple')) return 'flow'
  if (lower.startsWith('/providers/')) return 'bap'
  if (lower.startsWith('/v1.0/') || lower.startsWith('/beta/')) return 'graph'
  if (lower.startsWith('/dataverse/')) return 'dataverse'
  if (lower.startsWith('/blob/')) return 'blob'
  return 'identity'
}

function notFound(service: ServiceKind, req: EmulatorRequest): HttpError {
  const segment = req.path.split('/').filter(Boolean).at(-1) ?? ''
  switch (service) {
    case 'graph':
      return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`)
    case 'dataverse':
      return odataError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`)
    case 'powerapps':
    case 'flow':
    case 'bap':
      return armError(404, 'NoRouteMatched', `No route matched the request path '${req.path}' (the emulator serves the parts of the API that cc uses; see docs/emulator.md).`)
    default:
      return new HttpError(json(404, {error: {code: 'NotFound', message: `The emulator has nothing at ${req.method} ${req.path}.`}}))
  }
}

function badJson(service: ServiceKind, req: EmulatorRequest, detail: string): HttpError {
  switch (service) {
    case 'graph':
      return graphError(req, 400, 'BadRequest', `Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. (${detail})`)
    case 'dataverse':
      return odataError(400, '0x80048d19', `Error identified in Payload provided by the user for Entity :'', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293 ----> InnerException : Microsoft.OData.ODataException: Invalid JSON. ${detail}`)
    default:
      return armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`)
  }
}
