import type {TokenCredentialOptions} from '@azure/identity'

/**
 * How @azure/identity reaches the local emulator. Identity and MSAL insist on https authorities, and the
 * emulator speaks plain http on loopback. The `local` cloud therefore uses the emulator's origin with `https:` as
 * authority host and this HTTP client, which sends those requests to the emulator's http origin with
 * `X-Forwarded-Proto: https` and `X-Forwarded-Host`, so that every URL the emulator hands back (OpenID metadata,
 * device-code page, token issuer) is the https one MSAL expects (docs/architecture.md, shared contracts).
 */

export type IdentityHttpClient = NonNullable<TokenCredentialOptions['httpClient']>
type PipelineRequest = Parameters<IdentityHttpClient['sendRequest']>[0]
type PipelineResponse = Awaited<ReturnType<IdentityHttpClient['sendRequest']>>
type HttpHeaders = PipelineResponse['headers']

export function emulatorHttpClient(emulatorUrl: string, fetchImpl: typeof fetch = globalThis.fetch): IdentityHttpClient {
  const target = new URL(emulatorUrl)
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url)
      const sameHost = url.host === target.host
      const forwarded: Record<string, string> = sameHost ? {'x-forwarded-proto': url.protocol.replace(':', ''), 'x-forwarded-host': url.host} : {}
      if (sameHost) url.protocol = target.protocol
      const headers: Record<string, string> = {...request.headers.toJSON(), ...forwarded}
      const body = await bodyOf(request)
      const signals = [request.abortSignal, request.timeout > 0 ? AbortSignal.timeout(request.timeout) : undefined].filter((s): s is AbortSignal => s !== undefined)
      const response = await fetchImpl(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : {body}),
        ...(signals.length > 0 ? {signal: AbortSignal.any(signals)} : {}),
        redirect: 'manual',
      })
      const responseHeaders = new PlainHeaders()
      response.headers.forEach((value, name) => responseHeaders.set(name, value))
      return {request, status: response.status, headers: responseHeaders as unknown as HttpHeaders, bodyAsText: await response.text()}
    },
  }
}

async function bodyOf(request: PipelineRequest): Promise<string | Uint8Array | undefined> {
  if (request.formData) {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(request.formData)) {
      for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item))
    }
    return form.toString()
  }
  const body = request.body as unknown
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (typeof body === 'function') return bodyOf({...request, body: (body as () => unknown)()} as PipelineRequest)
  return String(body)
}

/** The HttpHeaders interface of @azure/core-rest-pipeline, minimally. */
class PlainHeaders {
  private readonly map = new Map<string, {name: string; value: string}>()
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.value
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase())
  }
  set(name: string, value: string | number | boolean): void {
    this.map.set(name.toLowerCase(), {name, value: String(value)})
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase())
  }
  toJSON(options: {preserveCase?: boolean} = {}): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, {name, value}] of this.map) out[options.preserveCase ? name : key] = value
    return out
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [key, {value}] of this.map) yield [key, value]
  }
}
