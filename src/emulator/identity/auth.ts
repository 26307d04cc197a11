import type {EmulatorContext} from '../context.js'
import {armError, graphError, HttpError, type Caller, type EmulatorRequest} from '../http.js'
import type {AuthKind} from '../router.js'
import {audiences, resourceApps} from '../seed-identities.js'
import {homeTenant} from './directory.js'
import {decodeJwt, verifyJwtSignature} from './jwt.js'
import {dataverseEnvironmentOf} from './tokens.js'

type Failure = 'missing' | 'invalid' | 'expired' | 'audience' | 'tenant'

const powerAppsAudiences = [audiences.powerApps, '475226c6-020e-4fb2-8a90-7a972cbfc1d4']
const flowAudiences = [audiences.flow, '7df0a125-d3be-4c96-aa54-591f83ff541c']
const graphAudiences = [audiences.graph, resourceApps.find((r) => r.displayName === 'Microsoft Graph')!.appId]

/** The audiences a route family accepts (trailing slashes do not matter). */
export function allowedAudiences(kind: AuthKind, req: EmulatorRequest): string[] {
  switch (kind) {
    case 'powerapps':
      return powerAppsAudiences
    // paconn sends its Power Apps token to the Flow RP too, and that works against the real service.
    case 'flow':
      return [...flowAudiences, ...powerAppsAudiences]
    case 'bap':
      return [...powerAppsAudiences, ...flowAudiences, 'https://api.bap.microsoft.com/']
    case 'graph':
      return graphAudiences
    case 'dataverse':
      return [`${req.origin}/dataverse/${req.params.environment}`]
    default:
      return []
  }
}

function audienceMatches(kind: AuthKind, req: EmulatorRequest, aud: string): boolean {
  if (kind === 'dataverse') return (dataverseEnvironmentOf(aud) ?? '').toLowerCase() === (req.params.environment ?? '').toLowerCase()
  const bare = (s: string) => s.replace(/\/+$/, '').toLowerCase()
  return allowedAudiences(kind, req).some((a) => bare(a) === bare(aud))
}

/**
 * Checks the bearer token of a request for a route family and returns the caller. Failures answer with the 401
 * that service gives: ARM-style codes for the resource providers, Graph's InvalidAuthenticationToken, and for
 * Dataverse an empty body with a WWW-Authenticate challenge.
 */
export async function authenticate(req: EmulatorRequest, ctx: EmulatorContext, kind: AuthKind): Promise<Caller> {
  const tenant = await homeTenant(ctx)
  const header = req.header('authorization')
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!match) throw unauthorized(req, kind, 'missing', tenant.id, {}, ctx.now())
  const jwt = decodeJwt(match[1]!)
  if (!jwt || jwt.header.kid !== ctx.keys.signing.kid || !verifyJwtSignature(jwt, ctx.keys.signing.publicKey)) throw unauthorized(req, kind, 'invalid', tenant.id, {}, ctx.now())
  const claims = jwt.payload
  const nowSeconds = Math.floor(ctx.now() / 1000)
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) throw unauthorized(req, kind, 'expired', tenant.id, claims, ctx.now())
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) throw unauthorized(req, kind, 'invalid', tenant.id, {}, ctx.now())
  if (claims.tid !== tenant.id) throw unauthorized(req, kind, 'tenant', tenant.id, claims, ctx.now())
  if (typeof claims.aud !== 'string' || !audienceMatches(kind, req, claims.aud)) throw unauthorized(req, kind, 'audience', tenant.id, claims, ctx.now())
  const isUser = claims.idtyp === 'user'
  return {
    tenantId: String(claims.tid),
    objectId: String(claims.oid),
    appId: String(claims.appid),
    kind: isUser ? 'user' : 'app',
    scopes: typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [],
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    displayName: String(claims.name ?? claims.appid),
    ...(typeof claims.upn === 'string' ? {userPrincipalName: claims.upn} : {}),
    audience: String(claims.aud),
  }
}

function unauthorized(req: EmulatorRequest, kind: AuthKind, failure: Failure, tenantId: string, claims: Record<string, unknown>, nowMs: number): HttpError {
  const authority = `${req.origin}/${tenantId}`
  const expiry = typeof claims.exp === 'number' ? utc(claims.exp * 1000) : ''
  if (kind === 'graph') {
    const messages: Record<Failure, string> = {
      missing: 'Access token is empty.',
      invalid: 'Access token validation failure. Invalid signature or malformed token.',
      expired: 'Lifetime validation failed, the token is expired.',
      audience: 'Access token validation failure. Invalid audience.',
      tenant: 'Access token validation failure. Invalid issuer: the token was issued by another tenant.',
    }
    const error = graphError(req, 401, 'InvalidAuthenticationToken', messages[failure])
    error.response.headers!['www-authenticate'] = `Bearer realm="", authorization_uri="${authority}/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`
    return error
  }
  if (kind === 'dataverse') {
    const descriptions: Record<Failure, string> = {
      missing: '',
      invalid: 'The access token is invalid.',
      expired: `The access token expired at ${expiry}.`,
      audience: `The access token was issued for the audience '${String(claims.aud)}', not for this organization.`,
      tenant: `The access token was issued by tenant '${String(claims.tid)}', not by the tenant of this organization.`,
    }
    const challenge = `Bearer authorization_uri=${authority}/oauth2/authorize, resource_id=${req.origin}/dataverse/${req.params.environment}/`
    return new HttpError({
      status: 401,
      headers: {'www-authenticate': failure === 'missing' ? challenge : `${challenge}, error="invalid_token", error_description="${descriptions[failure]}"`},
    })
  }
  const allowed = allowedAudiences(kind, req).filter((a) => a.startsWith('http'))
  const [code, message] = {
    missing: ['AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."],
    invalid: ['InvalidAuthenticationToken', 'The access token is invalid.'],
    expired: ['ExpiredAuthenticationToken', `The access token expiry UTC time '${expiry}' is earlier than current UTC time '${utc(nowMs)}'.`],
    audience: [
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences '${allowed.join("','")}'.`,
    ],
    tenant: [
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${String(claims.iss)}'. It must match the tenant '${authority}/' associated with this environment. Please use the authority (URL) '${authority}' to get the token.`,
    ],
  }[failure] as [string, string]
  const challenge =
    failure === 'missing'
      ? `Bearer authorization_uri="${authority}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`
      : `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${message.replaceAll('"', "'")}"`
  return armError(401, code, message, {'www-authenticate': challenge})
}

function utc(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}
