import type {IncomingHttpHeaders, IncomingMessage} from 'node:http'

/** Request and response shapes of the emulator's handlers, and the error bodies of each emulated service. */

export type ServiceKind = 'identity' | 'powerapps' | 'flow' | 'bap' | 'blob' | 'dataverse' | 'graph' | 'admin'

export interface EmulatorRequest {
  method: string
  /** The path, percent-decoded. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** `scheme://host` as the client sees it: from X-Forwarded-Proto/-Host when present, else from Host. */
  origin: string
  params: Record<string, string>
  requestId: string
  /** Caller's claims once the route's token check passed. */
  auth?: Caller
  body(): Promise<Buffer>
  /** The body parsed as JSON; throws a 400 of the route's service on broken JSON. */
  json(): Promise<unknown>
  form(): Promise<URLSearchParams>
  header(name: string): string | undefined
}

/** Who called, from a verified access token. */
export interface Caller {
  tenantId: string
  /** Object id of the user or service principal. */
  objectId: string
  /** Client (application) id that obtained the token. */
  appId: string
  kind: 'user' | 'app'
  /** Delegated scopes (users) or application roles (apps). */
  scopes: string[]
  roles: string[]
  displayName: string
  userPrincipalName?: string
  audience: string
}

export interface EmulatorResponse {
  status: number
  headers?: Record<string, string | number | string[]>
  /** Objects and arrays are sent as JSON; strings and buffers as they are. */
  body?: unknown
}

/** Thrown by handlers to answer with a ready response (an error body of the right service). */
export class HttpError extends Error {
  constructor(readonly response: EmulatorResponse) {
    super(`HTTP ${response.status}`)
  }
}

export function json(status: number, body: unknown, headers: Record<string, string | number | string[]> = {}): EmulatorResponse {
  return {status, headers: {'content-type': 'application/json; charset=utf-8', ...headers}, body: JSON.stringify(body)}
}

export function noContent(headers: Record<string, string | number | string[]> = {}): EmulatorResponse {
  return {status: 204, headers}
}

/** Power Apps / Flow / BAP resource providers (ARM style): `{"error":{"code","message"}}`. */
export function armError(status: number, code: string, message: string, headers: Record<string, string | number> = {}): HttpError {
  return new HttpError(json(status, {error: {code, message}}, headers))
}

/** Microsoft Graph: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`. */
export function graphError(req: Pick<EmulatorRequest, 'requestId' | 'header'>, status: number, code: string, message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(
    json(status, {
      error: {
        code,
        message,
        ...extra,
        innerError: {date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': req.requestId, 'client-request-id': req.header('client-request-id') ?? req.requestId},
      },
    }),
  )
}

/** Dataverse Web API (OData v4): `{"error":{"code":"0x8004…","message"}}`. */
export function odataError(status: number, code: string, message: string): HttpError {
  return new HttpError(json(status, {error: {code, message}}, {'odata-version': '4.0'}))
}

/** Entra ID token endpoints: `{"error","error_description":"AADSTSnnn: …","error_codes",…}`. */
export function aadError(req: Pick<EmulatorRequest, 'requestId' | 'origin'>, status: number, error: string, aadsts: number, description: string): HttpError {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  return new HttpError(
    json(status, {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${req.requestId} Correlation ID: ${req.requestId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: req.requestId,
      correlation_id: req.requestId,
      error_uri: `${req.origin}/error?code=${aadsts}`,
    }),
  )
}

/** Azure Blob Storage: an XML `<Error>` and the `x-ms-error-code` header. */
export function blobError(status: number, code: string, message: string): HttpError {
  const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`
  return new HttpError({status, headers: {'content-type': 'application/xml', 'x-ms-error-code': code}, body})
}

/** The generic error of a service, for faults and for failures of the emulator itself. */
export function serviceError(req: Pick<EmulatorRequest, 'requestId' | 'header' | 'origin'>, service: ServiceKind, status: number, message: string, headers: Record<string, string | number> = {}): HttpError {
  const codes: Record<number, string> = {405: 'MethodNotAllowed', 413: 'RequestEntityTooLarge', 429: 'TooManyRequests', 500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout'}
  const code = codes[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest')
  let error: HttpError
  switch (service) {
    case 'graph':
      error = graphError(req, status, status === 429 ? 'TooManyRequests' : status >= 500 ? 'serviceNotAvailable' : code, message)
      break
    case 'dataverse':
      error = odataError(status, status === 429 ? '0x80072322' : '0x80040216', message)
      break
    case 'identity':
      error = aadError({requestId: req.requestId, origin: req.origin}, status, status === 429 || status === 503 ? 'temporarily_unavailable' : 'server_error', status === 429 ? 50196 : 90033, message)
      break
    case 'blob':
      error = blobError(status, status === 503 ? 'ServerBusy' : status === 429 ? 'ServerBusy' : 'InternalError', message)
      break
    default:
      error = armError(status, code, message)
  }
  Object.assign((error.response.headers ??= {}), headers)
  return error
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;'})[c]!)
}

/**
 * `scheme://host` the client used. Behind the identity test client (or a proxy), X-Forwarded-Proto and
 * X-Forwarded-Host say what the client asked for; every absolute URL the emulator hands out is built from this.
 */
export function originOf(req: IncomingMessage, fallbackHost: string): string {
  const forwardedProto = first(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase()
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http'
  const forwardedHost = first(req.headers['x-forwarded-host'])?.split(',')[0]?.trim()
  const host = [forwardedHost, req.headers.host, fallbackHost].find((h) => h && /^[A-Za-z0-9.\-[\]:]+$/.test(h))!
  return `${proto}://${host}`
}

export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Reads a body up to `limit` bytes; beyond it the request is answered 413 by the caller. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    // Past the limit, keep draining (so that the 413 can still be sent) but keep nothing.
    if (size <= limit) chunks.push(chunk as Buffer)
  }
  if (size > limit) throw new BodyTooLargeError(limit)
  return Buffer.concat(chunks)
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`)
  }
}
