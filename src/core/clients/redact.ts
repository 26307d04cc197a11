/**
 * Redaction for anything that may be shown in DEBUG output: headers, URLs (SAS signatures, codes in queries),
 * form and JSON bodies. What is secret is decided by name, so that new fields of the same kind are covered.
 */

const secretKeys =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-ms-authorization-auxiliary|x-ms-copy-source-authorization|access_?token|refresh_?token|id_?token|client_?secret|secret|password|client_assertion|assertion|device_code|sharedaccesssignature)$/i

/** In queries and forms also the authorization code, the SAS signature and a bare `token`. */
const secretQueryKeys = /^(code|sig|token)$/i

function isSecretName(name: string): boolean {
  return secretKeys.test(name)
}

function isSecretQueryName(name: string): boolean {
  return secretKeys.test(name) || secretQueryKeys.test(name)
}

export const redacted = '[redacted]'

/** Headers with Authorization, cookies and token headers replaced; the scheme of Authorization is kept. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!isSecretName(name)) out[name] = value
    else if (/^authorization$/i.test(name)) out[name] = `${value.split(/\s+/)[0] ?? ''} ${redacted}`.trim()
    else out[name] = redacted
  }
  return out
}

/** A URL with secret query parameters (SAS `sig`, `code`, tokens) replaced. Non-URLs are returned unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  let changed = false
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretQueryName(key)) {
      parsed.searchParams.set(key, redacted)
      changed = true
    }
  }
  return changed ? parsed.toString() : url
}

/** A JSON value with secret fields replaced, at any depth. Strings that look like JWTs are replaced too. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => redactJson(v))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSecretName(key) && (typeof v === 'string' || typeof v === 'number') ? redacted : redactJson(v)
    }
    return out
  }
  if (typeof value === 'string') return redactText(value)
  return value
}

/** Free text with JWTs, bearer tokens and `secret=…` pairs replaced. */
export function redactText(text: string): string {
  return text
    .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, redacted)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${redacted}`)
    .replace(/\b(sig|client_secret|client_assertion|refresh_token|access_token|id_token|device_code|code|password)=([^&\s"']+)/gi, `$1=${redacted}`)
}

/** A request or response body for the debug log: JSON and forms redacted field by field, other text scanned, binaries summarised. */
export function redactBody(body: string | Uint8Array | undefined, contentType: string | undefined, limit = 2000): string | undefined {
  if (body === undefined) return undefined
  if (typeof body !== 'string') {
    if (!contentType || !/json|text|xml|form/i.test(contentType)) return `<${body.byteLength} bytes>`
    body = Buffer.from(body).toString('utf8')
  }
  let shown: string
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(body)) {
    try {
      shown = JSON.stringify(redactJson(JSON.parse(body)))
    } catch {
      shown = redactText(body)
    }
  } else if (/x-www-form-urlencoded/i.test(contentType ?? '')) {
    const form = new URLSearchParams(body)
    for (const key of [...form.keys()]) if (isSecretQueryName(key)) form.set(key, redacted)
    shown = form.toString()
  } else {
    shown = redactText(body)
  }
  return shown.length > limit ? `${shown.slice(0, limit)}… (${shown.length} characters)` : shown
}
