import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'

import {HttpClient, retryDelay} from '../../../src/core/clients/http.js'
import {collectPages} from '../../../src/core/clients/paging.js'
import {redactBody, redactHeaders, redactText, redactUrl} from '../../../src/core/clients/redact.js'
import {AuthRequiredError} from '../../../src/core/errors.js'
import {ccErrorOf} from '../../helpers/solution-zip-fixtures.js'

/** A scripted service on loopback: each request gets the next answer; requests are recorded. */
const servers: Server[] = []
afterEach(async () => {
  while (servers.length > 0) {
    const server = servers.pop()!
    server.closeAllConnections()
    await new Promise((done) => server.close(() => done(undefined)))
  }
})

type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void

async function service(answers: Answer[]): Promise<{url: string; requests: Array<{method: string; url: string; headers: IncomingMessage['headers']; body: string}>}> {
  const requests: Array<{method: string; url: string; headers: IncomingMessage['headers']; body: string}> = []
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    requests.push({method: req.method!, url: req.url!, headers: req.headers, body})
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!
    answer(req, res, body)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  servers.push(server)
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests}
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => (_req, res) => {
  res.writeHead(status, {'content-type': 'application/json', ...headers})
  res.end(JSON.stringify(body))
}

describe('HttpClient', () => {
  it('sends the bearer token and JSON, and reads JSON answers', async () => {
    const svc = await service([json(200, {ok: true})])
    const http = new HttpClient({service: 'Test', baseUrl: svc.url, token: async () => 'token-123'})
    const response = await http.request<{ok: boolean}>({method: 'POST', path: 'things', query: {'api-version': '2016-11-01', $filter: "environment eq 'Default-1'"}, json: {a: 1}})
    expect(response.body).toEqual({ok: true})
    expect(svc.requests[0]).toMatchObject({method: 'POST', url: '/things?api-version=2016-11-01&$filter=environment%20eq%20%27Default-1%27', body: '{"a":1}'})
    expect(svc.requests[0]!.headers.authorization).toBe('Bearer token-123')
    expect(svc.requests[0]!.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('retries 429 after the Retry-After seconds and 503 with an HTTP date, then succeeds', async () => {
    const later = new Date(Date.now() + 1000).toUTCString()
    const svc = await service([json(429, {error: {code: 'TooManyRequests', message: 'slow down'}}, {'retry-after': '0'}), json(503, {}, {'retry-after': later}), json(200, {done: 1})])
    const steps: string[] = []
    const http = new HttpClient({service: 'Test', baseUrl: svc.url, retryBaseMs: 1, reporter: {step: (m) => steps.push(m), progress() {}, warn() {}, debug() {}}})
    const response = await http.request({method: 'POST', path: 'create'})
    expect(response.body).toEqual({done: 1})
    expect(svc.requests).toHaveLength(3)
    expect(steps[0]).toBe('Test answered 429; retrying in 0 ms')
    expect(steps[1]).toMatch(/^Test answered 503; retrying in/)
  })

  it('does not repeat a POST that may have been processed (500), but repeats an idempotent one', async () => {
    const svc = await service([json(500, {error: {code: 'InternalServerError', message: 'boom'}}), json(200, {})])
    const http = new HttpClient({service: 'Test', baseUrl: svc.url, retryBaseMs: 1})
    const error = await ccErrorOf(http.request({method: 'POST', path: 'create', purpose: 'creating the thing'}))
    expect(error).toMatchObject({code: 'API_SERVICE_ERROR', status: 500})
    expect(svc.requests).toHaveLength(1)
    await http.request({method: 'POST', path: 'validate', idempotent: true})
    expect(svc.requests).toHaveLength(2)
  })

  it("keeps the service's code, message and request id in errors, with a hint per status", async () => {
    const svc = await service([
      json(404, {error: {code: 'ApiNotFound', message: "The API 'shared_x' could not be found."}}, {'x-ms-request-id': 'req-404'}),
      json(403, {error: {code: 'Authorization_RequestDenied', message: 'Insufficient privileges.', innerError: {'request-id': 'graph-req-1'}}}),
      (_req, res) => {
        res.writeHead(409, {'content-type': 'application/xml', 'x-ms-error-code': 'BlobAlreadyExists'})
        res.end('<?xml version="1.0"?><Error><Code>BlobAlreadyExists</Code><Message>The specified blob already exists.</Message></Error>')
      },
    ])
    const http = new HttpClient({service: 'Power Apps', baseUrl: svc.url})
    const notFound = await ccErrorOf(http.request({path: 'apis/shared_x', purpose: 'reading connector shared_x'}))
    expect(notFound.message).toBe(`Power Apps answered 404 Not Found while reading connector shared_x: ApiNotFound: The API 'shared_x' could not be found. (GET ${svc.url}/apis/shared_x; request id req-404)`)
    expect(notFound).toMatchObject({code: 'API_NOT_FOUND', serviceCode: 'ApiNotFound', requestId: 'req-404'})
    const forbidden = await ccErrorOf(http.request({path: 'x'}))
    expect(forbidden).toMatchObject({code: 'API_FORBIDDEN', requestId: 'graph-req-1'})
    expect(forbidden.suggestions[0]).toMatch(/role/)
    const conflict = await ccErrorOf(http.request({method: 'PUT', path: 'blob', body: 'x'}))
    expect(conflict).toMatchObject({code: 'API_CONFLICT', serviceCode: 'BlobAlreadyExists'})
    expect(conflict.message).toContain('The specified blob already exists.')
  })

  it('turns 401 into the error the caller chooses (sign in again)', async () => {
    const svc = await service([json(401, {error: {code: 'ExpiredAuthenticationToken', message: 'The access token expiry UTC time is earlier than current UTC time.'}})])
    const http = new HttpClient({service: 'Power Apps', baseUrl: svc.url, onUnauthorized: (e) => new AuthRequiredError(e.message, {code: 'AUTH_EXPIRED', suggestions: ['cc login --env dev']})})
    const error = await ccErrorOf(http.request({path: 'x'}))
    expect(error).toBeInstanceOf(AuthRequiredError)
    expect(error).toMatchObject({code: 'AUTH_EXPIRED', exitCode: 4, suggestions: ['cc login --env dev']})
  })

  it('fails at once when the service asks to wait longer than the limit', async () => {
    const svc = await service([json(429, {}, {'retry-after': '3600'})])
    const http = new HttpClient({service: 'Test', baseUrl: svc.url})
    const error = await ccErrorOf(http.request({path: 'x'}))
    expect(error.message).toMatch(/The service asks to wait 3600 s before trying again\.$/)
    expect(svc.requests).toHaveLength(1)
  })

  it('retries a refused connection and reports an unreachable service clearly', async () => {
    const svc = await service([json(200, {})])
    const port = new URL(svc.url).port
    servers.pop()!.close()
    const http = new HttpClient({service: 'Dataverse', baseUrl: `http://127.0.0.1:${port}`, retries: 2, retryBaseMs: 1})
    const error = await ccErrorOf(http.request({method: 'POST', path: 'create', purpose: 'creating the connector'}))
    expect(error).toMatchObject({code: 'API_UNREACHABLE'})
    expect(error.message).toMatch(/^Could not reach Dataverse while creating the connector \(POST http:\/\/127\.0\.0\.1:\d+\/create\): .*ECONNREFUSED/)
  })

  it('times out a hanging answer', async () => {
    const svc = await service([() => {}])
    const http = new HttpClient({service: 'Test', baseUrl: svc.url, timeoutMs: 100, retries: 0})
    const error = await ccErrorOf(http.request({path: 'slow'}))
    expect(error).toMatchObject({code: 'API_TIMEOUT'})
    expect(error.message).toMatch(/^Test did not answer within 0 s/)
  })

  it('logs requests and answers for DEBUG with tokens, secrets and signatures redacted', async () => {
    const svc = await service([json(200, {access_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', refresh_token: 'r-secret', value: 'kept'})])
    const lines: string[] = []
    const http = new HttpClient({service: 'Test', baseUrl: svc.url, token: async () => 'eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ0In0.c2ln', debug: true, reporter: {step() {}, progress() {}, warn() {}, debug: (m) => lines.push(m)}})
    await http.request({method: 'POST', path: `${svc.url}/blob/c/icon.png?sv=2019&sig=SAS-SIGNATURE&sp=rw`, json: {properties: {connectionParameters: {token: {oAuthSettings: {clientSecret: 'oauth-secret', clientId: 'visible-id'}}}}}})
    const log = lines.join('\n')
    expect(log).not.toContain('SAS-SIGNATURE')
    expect(log).not.toContain('oauth-secret')
    expect(log).not.toContain('r-secret')
    expect(log).not.toMatch(/eyJ[A-Za-z0-9]+\.eyJ/)
    expect(log).toContain('visible-id')
    expect(log).toContain('"value":"kept"')
    expect(log).toContain('"authorization":"Bearer [redacted]"')
  })

  it('follows next links and stops, without looping, on a link it has already followed', async () => {
    const svc = await service([
      (req, res) => {
        const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1')
        res.writeHead(200, {'content-type': 'application/json'})
        res.end(JSON.stringify({value: [page], ...(page < 3 ? {nextLink: `http://${req.headers.host}/list?page=${page + 1}`} : page === 3 ? {nextLink: `http://${req.headers.host}/list?page=3`} : {})}))
      },
    ])
    const http = new HttpClient({service: 'Test', baseUrl: svc.url})
    expect(await collectPages<number>(http, {path: 'list'})).toEqual([1, 2, 3])
    expect(svc.requests).toHaveLength(3)
  })
})

describe('redaction and backoff', () => {
  it('redacts by name in headers, URLs, JSON, forms and text', () => {
    expect(redactHeaders({Authorization: 'Bearer abc', 'x-ms-version': '2019'})).toEqual({Authorization: 'Bearer [redacted]', 'x-ms-version': '2019'})
    expect(redactUrl('https://a.blob.core.windows.net/c/x.png?sv=1&sig=abc%2B&se=2')).toBe('https://a.blob.core.windows.net/c/x.png?sv=1&sig=%5Bredacted%5D&se=2')
    expect(redactBody('client_id=a&client_secret=s3&grant_type=client_credentials&client_assertion=eyJx', 'application/x-www-form-urlencoded')).toBe('client_id=a&client_secret=%5Bredacted%5D&grant_type=client_credentials&client_assertion=%5Bredacted%5D')
    expect(redactText('Authorization: Bearer abcdefghijklmnop and code=xyz')).toBe('Authorization: Bearer [redacted] and code=[redacted]')
    expect(redactBody(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png')).toBe('<4 bytes>')
  })

  it('waits what Retry-After says, else backs off exponentially within a ceiling', () => {
    expect(retryDelay('2', 0, 500)).toBe(2000)
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(20_000, 500 * 2 ** attempt)
      const wait = retryDelay(null, attempt, 500)
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2)
      expect(wait).toBeLessThanOrEqual(ceiling)
    }
  })
})
