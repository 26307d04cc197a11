import type {KeyObject} from 'node:crypto'
import {X509Certificate} from 'node:crypto'

import type {EmulatorContext} from '../context.js'
import {aadError, type EmulatorRequest} from '../http.js'
import {secretMatches} from '../state/keys.js'
import type {ApplicationRecord, TenantRecord} from '../state/records.js'
import {findApplicationByAppId} from './directory.js'
import {decodeJwt, keyFromJwk, verifyJwtSignature, type DecodedJwt} from './jwt.js'

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** How a confidential client proved itself. */
export type ClientProof = 'secret' | 'certificate' | 'federated'

/**
 * Authenticates a confidential client at a token endpoint: client secret (form or HTTP Basic), certificate
 * (a client assertion signed with a certificate registered on the app, RS256 with `x5t` or PS256 with
 * `x5t#S256`), or a federated assertion (another issuer's token matching a federated identity credential).
 */
export async function authenticateClient(
  req: EmulatorRequest,
  ctx: EmulatorContext,
  tenant: TenantRecord,
  form: URLSearchParams,
): Promise<{app: ApplicationRecord; proof: ClientProof}> {
  let clientId = form.get('client_id') ?? undefined
  let secret = form.get('client_secret') ?? undefined
  const basic = /^Basic\s+(\S+)$/i.exec(req.header('authorization') ?? '')
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      clientId ??= decodeURIComponent(decoded.slice(0, colon))
      secret ??= decodeURIComponent(decoded.slice(colon + 1))
    }
  }
  if (!clientId) throw aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.")
  const app = await findApplicationByAppId(ctx, clientId)
  if (!app || app.tenantId !== tenant.id) {
    throw aadError(req, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`)
  }
  const assertion = form.get('client_assertion')
  if (secret !== undefined) {
    const now = ctx.now()
    const ok = app.passwordCredentials.some((p) => Date.parse(p.endDateTime) > now && secretMatches(ctx.keys, secret, p.digest))
    if (!ok) throw aadError(req, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`)
    return {app, proof: 'secret'}
  }
  if (assertion) {
    if (form.get('client_assertion_type') !== jwtBearerAssertionType) {
      throw aadError(req, 400, 'invalid_request', 700009, `Client assertion type must be '${jwtBearerAssertionType}'.`)
    }
    const jwt = decodeJwt(assertion)
    if (!jwt) throw aadError(req, 400, 'invalid_request', 50027, 'JWT token is invalid or malformed.')
    // A client's own assertion (certificate) is issued by the client itself (iss = sub = client id); anything
    // else is another issuer's token presented for a federated credential.
    if (jwt.payload.iss === app.appId || jwt.payload.iss === clientId) {
      await checkCertificateAssertion(req, ctx, app, jwt, tenant)
      return {app, proof: 'certificate'}
    }
    await checkFederatedAssertion(req, ctx, app, jwt)
    return {app, proof: 'federated'}
  }
  throw aadError(req, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
}

async function checkCertificateAssertion(req: EmulatorRequest, ctx: EmulatorContext, app: ApplicationRecord, jwt: DecodedJwt, tenant: TenantRecord): Promise<void> {
  const s256 = jwt.header['x5t#S256']
  const sha1 = jwt.header.x5t
  const credential = app.keyCredentials.find((k) => (typeof s256 === 'string' && k.x5tS256 === s256) || (typeof sha1 === 'string' && k.x5t === sha1))
  if (!credential) {
    throw aadError(req, 401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(s256 ?? sha1)}']`)
  }
  const key = new X509Certificate(Buffer.from(credential.certificate, 'base64')).publicKey
  if (!verifyJwtSignature(jwt, key)) throw aadError(req, 401, 'invalid_client', 700027, 'Client assertion failed signature validation.')
  const {iss, sub, aud, exp, nbf} = jwt.payload
  if (iss !== app.appId || sub !== app.appId) {
    throw aadError(req, 401, 'invalid_client', 700021, `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://aka.ms/certCredentials.`)
  }
  checkLifetime(req, ctx, exp, nbf)
  const audiencesOk = typeof aud === 'string' && isTokenEndpointAudience(req, aud, tenant)
  if (!audiencesOk) throw aadError(req, 401, 'invalid_client', 700025, `Client assertion audience '${String(aud)}' is not the token endpoint of tenant '${tenant.id}'.`)
}

/** The token endpoint of the tenant, on this emulator's host or the public login host (v1 or v2, id or domain). */
function isTokenEndpointAudience(req: EmulatorRequest, aud: string, tenant: TenantRecord): boolean {
  try {
    const url = new URL(aud)
    const host = new URL(req.origin).host
    if (url.host !== host && url.host !== 'login.microsoftonline.com') return false
    const segment = url.pathname.split('/')[1]?.toLowerCase()
    return segment === tenant.id || segment === tenant.domain.toLowerCase() || segment === 'common' || segment === 'organizations'
  } catch {
    return false
  }
}

function checkLifetime(req: EmulatorRequest, ctx: EmulatorContext, exp: unknown, nbf: unknown): void {
  const now = Math.floor(ctx.now() / 1000)
  if (typeof exp !== 'number' || exp <= now - 300 || (typeof nbf === 'number' && nbf > now + 300)) {
    throw aadError(req, 400, 'invalid_client', 700024, `Client assertion is not within its valid time range. Current time: ${new Date(now * 1000).toISOString()}, assertion valid from ${typeof nbf === 'number' ? new Date(nbf * 1000).toISOString() : '-'}, expiry time of assertion ${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : '-'}.`)
  }
}

async function checkFederatedAssertion(req: EmulatorRequest, ctx: EmulatorContext, app: ApplicationRecord, jwt: DecodedJwt): Promise<void> {
  const {iss, sub, aud, exp, nbf} = jwt.payload
  const audiences = Array.isArray(aud) ? aud.map(String) : [String(aud)]
  const byIssuer = app.federatedIdentityCredentials.filter((f) => f.issuer === iss)
  if (byIssuer.length === 0) {
    throw aadError(req, 400, 'invalid_request', 700211, `No matching federated identity record found for presented assertion issuer '${String(iss)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`)
  }
  const bySubject = byIssuer.filter((f) => f.subject === sub)
  if (bySubject.length === 0) {
    throw aadError(req, 400, 'invalid_request', 700213, `No matching federated identity record found for presented assertion subject '${String(sub)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`)
  }
  if (!bySubject.some((f) => f.audiences.some((a) => audiences.includes(a)))) {
    throw aadError(req, 400, 'invalid_request', 700212, `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`)
  }
  checkLifetime(req, ctx, exp, nbf)
  const key = jwt.header.kid === ctx.keys.signing.kid ? ctx.keys.signing.publicKey : await issuerKey(req, ctx, String(iss), jwt.header.kid)
  if (!verifyJwtSignature(jwt, key)) throw aadError(req, 400, 'invalid_client', 50013, 'Assertion failed signature validation.')
}

const issuerKeyCache = new Map<string, {at: number; keys: Array<Record<string, unknown>>}>()

/** Fetches another issuer's signing keys (OpenID discovery, then JWKS), as Entra does; http only on loopback. */
async function issuerKey(req: EmulatorRequest, ctx: EmulatorContext, issuer: string, kid: unknown): Promise<KeyObject> {
  const fail = (why: string) => aadError(req, 400, 'invalid_request', 50166, `Request to External OIDC endpoint failed. Issuer '${issuer}': ${why}`)
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    throw fail('the issuer is not a URL')
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw fail('issuers must use https (http is accepted on loopback only)')
  let cached = issuerKeyCache.get(issuer)
  if (!cached || ctx.now() - cached.at > 300_000 || !cached.keys.some((k) => k.kid === kid)) {
    try {
      const metadata = (await (await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {signal: AbortSignal.timeout(5000)})).json()) as {jwks_uri?: string}
      if (!metadata.jwks_uri) throw new Error('no jwks_uri in the OpenID configuration')
      const jwks = (await (await fetch(metadata.jwks_uri, {signal: AbortSignal.timeout(5000)})).json()) as {keys?: Array<Record<string, unknown>>}
      cached = {at: ctx.now(), keys: Array.isArray(jwks.keys) ? jwks.keys : []}
      issuerKeyCache.set(issuer, cached)
    } catch (error) {
      throw fail((error as Error).message)
    }
  }
  const jwk = cached.keys.find((k) => kid === undefined || k.kid === kid)
  const key = jwk ? keyFromJwk(jwk) : undefined
  if (!key) throw fail(`no signing key with kid '${String(kid)}'`)
  return key
}
