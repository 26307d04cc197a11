import {randomUUID} from 'node:crypto'

import type {Reporter} from '../context.js'
import {ApiError, CcError, InterruptedError} from '../errors.js'
import {redactBody, redactHeaders, redactText, redactUrl} from './redact.js'

/**
 * The one HTTP client of `cc` (on Node's global fetch): a bearer token per service, a timeout per attempt,
 * retries with exponential backoff that honour `Retry-After` on 429 and 5xx, errors that keep the service's own
 * code, message and request id, and a DEBUG log with every secret redacted.
 *
 * Repeating a request is safe for GET, PUT, PATCH, DELETE and HEAD, and for a POST the caller marks
 * `idempotent`. Other POSTs (creating a connector) are repeated only when the service said it did not process
 * them: 429, and 503 with Retry-After; and when the connection was refused before anything was sent.
 */

export interface HttpClientOptions {
  /** Name of the service in messages ("Power Apps", "Dataverse", "Microsoft Graph", "Blob storage"). */
  service: string
  /** Base URL that relative paths are resolved against. */
  baseUrl?: string
  /** Bearer token for a request; absent for SAS-signed URLs. */
  token?: () => Promise<string>
  /** Turns a 401 into the error to throw (normally an AuthRequiredError naming the `cc login` to run). */
  onUnauthorized?: (error: ApiError) => CcError
  fetch?: typeof fetch
  reporter?: Reporter
  /** True to write requests and responses (redacted) to `reporter.debug`. */
  debug?: boolean
  signal?: AbortSignal
  /** Per attempt; default 60 s. */
  timeoutMs?: number
  /** Retries after the first attempt; default 4. */
  retries?: number
  /** First backoff step; default 500 ms, doubling, with jitter, at most 20 s. */
  retryBaseMs?: number
  /** The longest Retry-After that is waited for (default 60 s); a longer one fails at once and says so. */
  maxRetryAfterMs?: number
  headers?: Record<string, string>
}

export interface HttpRequest {
  method?: string
  /** Relative to the base URL, or absolute. */
  path: string
  query?: Record<string, string | undefined>
  headers?: Record<string, string>
  /** Sent as JSON. */
  json?: unknown
  body?: string | Uint8Array
  /** How to read the response body (default json when the response says so, else text). */
  responseType?: 'json' | 'text' | 'bytes'
  /** Statuses that are answers, not errors (e.g. 404 for "does not exist"). */
  accept?: number[]
  /** A POST that may be repeated safely. */
  idempotent?: boolean
  /** Send no bearer token (SAS URLs). */
  anonymous?: boolean
  /** What the request is for, in error messages ("creating the connector"). */
  purpose?: string
}

export interface HttpResponse<T = unknown> {
  status: number
  headers: Headers
  body: T
  url: string
  requestId?: string
}

const retryableStatuses = new Set([408, 429, 500, 502, 503, 504])
const requestIdHeaders = ['x-ms-request-id', 'x-ms-service-request-id', 'request-id', 'req_id', 'x-ms-correlation-request-id', 'client-request-id']

export class HttpClient {
  readonly service: string
  private readonly options: HttpClientOptions
  private readonly fetchImpl: typeof fetch

  constructor(options: HttpClientOptions) {
    this.service = options.service
    this.options = options
    this.fetchImpl = options.fetch ?? globalThis.fetch
  }

  /** Resolves a path or absolute URL with the query (values left undefined are skipped). */
  url(path: string, query: Record<string, string | undefined> = {}): string {
    const base = this.options.baseUrl?.replace(/\/+$/, '')
    const absolute = /^https?:\/\//i.test(path) ? path : `${base ?? ''}/${path.replace(/^\/+/, '')}`
    const url = new URL(absolute).toString()
    // Appended by hand: URLSearchParams would re-encode an existing query (a SAS signature) and write spaces as
    // `+`. OData and ARM get `$filter` with a literal `$` and `%20` for spaces (paconn's encoding).
    const pairs = Object.entries(query)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key).replaceAll('%24', '$')}=${encodeURIComponent(value)}`)
    if (pairs.length === 0) return url
    return `${url}${url.includes('?') ? '&' : '?'}${pairs.join('&')}`
  }

  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const method = (request.method ?? 'GET').toUpperCase()
    const url = this.url(request.path, request.query)
    const safeToRepeat = method !== 'POST' || request.idempotent === true
    const retries = this.options.retries ?? 4
    const clientRequestId = randomUUID()
    let attempt = 0
    for (;;) {
      throwIfInterrupted(this.options.signal)
      const outcome = await this.attempt(method, url, request, clientRequestId)
      if (outcome.kind === 'response') {
        const {response} = outcome
        if (response.ok || request.accept?.includes(response.status)) return this.read<T>(response, url, request)
        const error = await this.toApiError(response, method, url, request, clientRequestId)
        const repeatable = retryableStatuses.has(response.status) && (safeToRepeat || response.status === 429 || (response.status === 503 && response.headers.has('retry-after')))
        if (!repeatable || attempt >= retries) throw this.finalError(error, attempt)
        const wait = retryDelay(response.headers.get('retry-after'), attempt, this.options.retryBaseMs ?? 500)
        const maxWait = this.options.maxRetryAfterMs ?? 60_000
        if (wait > maxWait) {
          throw new ApiError(`${error.message} The service asks to wait ${Math.ceil(wait / 1000)} s before trying again.`, {...apiErrorFields(error), suggestions: ['Wait and run the command again.']})
        }
        this.log(`retrying ${method} ${redactUrl(url)} in ${wait} ms (${response.status}, attempt ${attempt + 2} of ${retries + 1})`)
        this.options.reporter?.step(`${this.service} answered ${response.status}; retrying in ${formatWait(wait)}`)
        await sleep(wait, this.options.signal)
      } else {
        const {error} = outcome
        const refused = errorCode(error) === 'ECONNREFUSED'
        if (!(safeToRepeat || refused) || attempt >= retries) throw this.networkError(error, method, url, request)
        const wait = retryDelay(null, attempt, this.options.retryBaseMs ?? 500)
        this.log(`retrying ${method} ${redactUrl(url)} in ${wait} ms (${describeNetworkError(error)})`)
        await sleep(wait, this.options.signal)
      }
      attempt++
    }
  }

  /** GET and parse JSON. */
  async get<T>(path: string, query?: Record<string, string | undefined>, extra: Partial<HttpRequest> = {}): Promise<T> {
    return (await this.request<T>({...extra, method: 'GET', path, ...(query ? {query} : {})})).body
  }

  private async attempt(
    method: string,
    url: string,
    request: HttpRequest,
    clientRequestId: string,
  ): Promise<{kind: 'response'; response: Response} | {kind: 'error'; error: unknown}> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'ppcc-cli',
      'client-request-id': clientRequestId,
      'x-ms-client-request-id': clientRequestId,
      ...this.options.headers,
      ...request.headers,
    }
    let body: string | Uint8Array | undefined = request.body
    if (request.json !== undefined) {
      body = JSON.stringify(request.json)
      headers['content-type'] ??= 'application/json; charset=utf-8'
    }
    if (this.options.token && !request.anonymous) headers.authorization = `Bearer ${await this.options.token()}`
    const timeoutMs = this.options.timeoutMs ?? 60_000
    const signals = [AbortSignal.timeout(timeoutMs), ...(this.options.signal ? [this.options.signal] : [])]
    const started = Date.now()
    if (this.options.debug) {
      this.log(`→ ${method} ${redactUrl(url)} ${JSON.stringify(redactHeaders(headers))}${body === undefined ? '' : ` ${redactBody(body, headers['content-type'])}`}`)
    }
    try {
      const response = await this.fetchImpl(url, {method, headers, ...(body === undefined ? {} : {body}), signal: AbortSignal.any(signals), redirect: 'follow'})
      if (this.options.debug) this.log(`← ${response.status} ${method} ${redactUrl(url)} in ${Date.now() - started} ms${requestIdOf(response.headers) ? ` (request id ${requestIdOf(response.headers)})` : ''}`)
      return {kind: 'response', response}
    } catch (error) {
      throwIfInterrupted(this.options.signal)
      if (this.options.debug) this.log(`✗ ${method} ${redactUrl(url)} after ${Date.now() - started} ms: ${describeNetworkError(error)}`)
      return {kind: 'error', error}
    }
  }

  private async read<T>(response: Response, url: string, request: HttpRequest): Promise<HttpResponse<T>> {
    const contentType = response.headers.get('content-type') ?? ''
    const type = request.responseType ?? (/json/i.test(contentType) ? 'json' : 'text')
    let body: unknown
    if (type === 'bytes') body = Buffer.from(await response.arrayBuffer())
    else {
      const text = await response.text()
      if (type === 'json') {
        try {
          body = text.trim() === '' ? undefined : JSON.parse(text.charCodeAt(0) === 0xfe_ff ? text.slice(1) : text)
        } catch {
          throw new ApiError(`${this.service} answered ${request.method ?? 'GET'} ${redactUrl(url)} with a body that is not JSON.`, {
            code: 'API_INVALID_RESPONSE',
            status: response.status,
            method: request.method ?? 'GET',
            url: redactUrl(url),
            ...optional('requestId', requestIdOf(response.headers)),
          })
        }
      } else body = text
      if (this.options.debug && text) this.log(`  ${redactBody(text, contentType)}`)
    }
    return {status: response.status, headers: response.headers, body: body as T, url, ...optional('requestId', requestIdOf(response.headers))}
  }

  private async toApiError(response: Response, method: string, url: string, request: HttpRequest, clientRequestId: string): Promise<ApiError> {
    const text = await response.text().catch(() => '')
    if (this.options.debug && text) this.log(`  ${redactBody(text, response.headers.get('content-type') ?? undefined)}`)
    const detail = parseServiceError(text, response.headers)
    const requestId = requestIdOf(response.headers) ?? detail.requestId ?? clientRequestId
    const what = request.purpose ? ` while ${request.purpose}` : ''
    const serviceText = detail.message ? `: ${detail.code ? `${detail.code}: ` : ''}${redactText(detail.message)}` : detail.code ? `: ${detail.code}` : ''
    const message = `${this.service} answered ${response.status} ${statusText(response.status)}${what}${serviceText} (${method} ${shortUrl(url)}; request id ${requestId})`
    const error = new ApiError(message, {
      code: errorCodeFor(response.status),
      status: response.status,
      method,
      url: redactUrl(url),
      requestId,
      ...optional('serviceCode', detail.code),
      suggestions: suggestionsFor(response.status, this.service),
      data: {status: response.status, requestId, ...(detail.code ? {serviceCode: detail.code} : {})},
    })
    if (response.status === 401 && this.options.onUnauthorized) return this.options.onUnauthorized(error) as ApiError
    return error
  }

  private finalError(error: ApiError, attempt: number): CcError {
    if (attempt === 0 || !(error instanceof ApiError)) return error
    return new ApiError(`${error.message} Gave up after ${attempt + 1} attempts.`, {...apiErrorFields(error), suggestions: error.suggestions})
  }

  private networkError(error: unknown, method: string, url: string, request: HttpRequest): CcError {
    const what = request.purpose ? ` while ${request.purpose}` : ''
    const timedOut = (error as Error)?.name === 'TimeoutError'
    const message = timedOut
      ? `${this.service} did not answer within ${Math.round((this.options.timeoutMs ?? 60_000) / 1000)} s${what} (${method} ${shortUrl(url)}).`
      : `Could not reach ${this.service}${what} (${method} ${shortUrl(url)}): ${describeNetworkError(error)}.`
    const unsure = method === 'POST' && !request.idempotent && !timedOut
    return new CcError(message, {
      code: timedOut ? 'API_TIMEOUT' : 'API_UNREACHABLE',
      cause: error,
      suggestions: [
        'Check the network connection (and HTTPS_PROXY) and run the command again.',
        ...(unsure ? ['The request may have reached the service: the next run finds the result by name instead of creating it twice.'] : []),
        ...(timedOut ? ['Set CC_HTTP_TIMEOUT_MS to wait longer.'] : []),
      ],
    })
  }

  private log(message: string): void {
    if (this.options.debug) this.options.reporter?.debug(`http: ${message}`)
  }
}

export interface ServiceErrorDetail {
  code?: string
  message?: string
  requestId?: string
}

/** Reads the error body of any of the services: ARM/OData/Graph `{error:{code,message}}`, Entra `{error, error_description}`, Blob XML. */
export function parseServiceError(text: string, headers?: Headers): ServiceErrorDetail {
  const detail: ServiceErrorDetail = {}
  const headerCode = headers?.get('x-ms-error-code') ?? undefined
  if (headerCode) detail.code = headerCode
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as Record<string, unknown>
      const error = body.error
      if (error && typeof error === 'object') {
        const e = error as Record<string, unknown>
        if (typeof e.code === 'string') detail.code = e.code
        if (typeof e.message === 'string') detail.message = e.message
        const inner = (e.innerError ?? e.innererror) as Record<string, unknown> | undefined
        if (inner && typeof inner['request-id'] === 'string') detail.requestId = inner['request-id']
      } else if (typeof error === 'string') {
        detail.code = error
        if (typeof body.error_description === 'string') detail.message = body.error_description.split(/\r?\n/)[0]!.replace(/ Trace ID: .*$/, '')
        if (typeof body.trace_id === 'string') detail.requestId = body.trace_id
      } else if (typeof body.message === 'string') {
        detail.message = body.message
        if (typeof body.code === 'string') detail.code = body.code
      }
    } catch {
      // not JSON after all
    }
  } else if (trimmed.includes('<Error>')) {
    detail.code ??= /<Code>([^<]*)<\/Code>/.exec(trimmed)?.[1]
    const message = /<Message>([^<]*)<\/Message>/.exec(trimmed)?.[1]
    if (message) detail.message = message.split(/\r?\n/)[0]
  } else if (trimmed && trimmed.length < 300 && !/<html/i.test(trimmed)) {
    detail.message = trimmed
  }
  if (detail.message && detail.message.length > 600) detail.message = `${detail.message.slice(0, 600)}…`
  return detail
}

export function requestIdOf(headers: Headers): string | undefined {
  for (const name of requestIdHeaders) {
    const value = headers.get(name)
    if (value) return value
  }
  return undefined
}

/** Milliseconds to wait: Retry-After (seconds or an HTTP date) when given, else exponential backoff with jitter. */
export function retryDelay(retryAfter: string | null, attempt: number, baseMs: number): number {
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now())
  }
  const ceiling = Math.min(20_000, baseMs * 2 ** attempt)
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
}

function errorCodeFor(status: number): string {
  if (status === 400) return 'API_BAD_REQUEST'
  if (status === 401) return 'API_UNAUTHORIZED'
  if (status === 403) return 'API_FORBIDDEN'
  if (status === 404) return 'API_NOT_FOUND'
  if (status === 409) return 'API_CONFLICT'
  if (status === 412) return 'API_PRECONDITION_FAILED'
  if (status === 413) return 'API_TOO_LARGE'
  if (status === 429) return 'API_THROTTLED'
  if (status >= 500) return 'API_SERVICE_ERROR'
  return 'API_ERROR'
}

function suggestionsFor(status: number, service: string): string[] {
  switch (status) {
    case 401:
      return ['cc login --env <environment>']
    case 403:
      return [`Make sure the signed-in account has a role that may do this in ${service} (for connectors: Environment Maker or System Customizer).`, 'cc whoami --env <environment>   (shows who is signed in)']
    case 404:
      return ['Check the environment (--env) and the connector id or name; cc connector list --env <environment> shows what exists.']
    case 409:
      return ['Something with the same name or id exists or changed meanwhile; run the command again, or pass the existing id.']
    case 429:
      return ['The service is throttling requests; wait a minute and run the command again.']
    default:
      return status >= 500 ? [`${service} had a problem; run the command again later. Quote the request id if it keeps failing.`] : []
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    409: 'Conflict',
    412: 'Precondition Failed',
    413: 'Payload Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  }
  return texts[status] ?? ''
}

function apiErrorFields(error: ApiError) {
  return {
    code: error.code,
    status: error.status,
    method: error.method,
    url: error.url,
    ...optional('requestId', error.requestId),
    ...optional('serviceCode', error.serviceCode),
    ...(error.data ? {data: error.data} : {}),
  }
}

function shortUrl(url: string): string {
  try {
    const parsed = new URL(redactUrl(url))
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return url
  }
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as {cause?: {code?: string}})?.cause
  return cause?.code ?? (error as {code?: string})?.code
}

function describeNetworkError(error: unknown): string {
  if ((error as Error)?.name === 'TimeoutError') return 'timed out'
  const code = errorCode(error)
  const message = (error as {cause?: Error})?.cause?.message ?? (error as Error)?.message ?? String(error)
  return code && !message.includes(code) ? `${code} ${message}` : message
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError()
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError())
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new InterruptedError())
    }
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

/** A non-negative number from an environment variable (`CC_HTTP_TIMEOUT_MS`, `CC_HTTP_RETRIES`). */
export function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name]
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

function optional<K extends string, V>(key: K, value: V | undefined): {[P in K]?: V} {
  return (value === undefined ? {} : {[key]: value}) as {[P in K]?: V}
}

/** True when DEBUG names cc or cc:http (the core's own check; the CLI has the same rule). */
export function httpDebugEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.DEBUG
  if (!value) return false
  return value.split(/[\s,]+/).some((part) => part === '*' || part === 'cc' || part === 'cc:*' || part === 'cc:http')
}
