import type {EmulatorContext} from './context.js'
import {FaultSpecError} from './faults.js'
import {HttpError, json, noContent, type EmulatorRequest, type EmulatorResponse} from './http.js'
import {approveDeviceCodeInStore, DeviceCodeError} from './identity/device-codes.js'
import {signJwt} from './identity/jwt.js'
import {buildEmulatorInfo} from './info.js'
import {routesOf, type RouteDefinition} from './router.js'
import {secretMatches} from './state/keys.js'
import {collections, type ConnectorRecord} from './state/records.js'

/**
 * The emulator's own routes under `/_emulator/` (no token, never faulted): health (discovery), info, device-code
 * approval, reset, and the fault rules in force.
 */
export function adminRoutes(): RouteDefinition[] {
  const route = routesOf('admin', 'none')
  return [
    route('GET', '/_emulator/health', 'admin.health', health),
    route('GET', '/_emulator/info', 'admin.info', info),
    route('POST', '/_emulator/devicecodes/approve', 'admin.devicecodes.approve', approve),
    route('POST', '/_emulator/reset', 'admin.reset', reset),
    route('POST', '/_emulator/connectors/{environment}/{name}/verify-secret', 'admin.connectors.verify-secret', verifySecret),
    route('POST', '/_emulator/connectors/{environment}/{name}/managed-identity-token', 'admin.connectors.managed-identity-token', managedIdentityToken),
    route('GET', '/_emulator/faults', 'admin.faults.get', async (_req, ctx) => json(200, {plan: ctx.runtime.faults() ?? null})),
    route('PUT', '/_emulator/faults', 'admin.faults.put', putFaults),
    route('DELETE', '/_emulator/faults', 'admin.faults.delete', async (_req, ctx) => (ctx.runtime.setFaults(undefined), noContent())),
  ]
}

async function health(_req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const {runtime} = ctx
  return json(200, {status: 'ok', service: 'cc-emulator', version: runtime.version, url: runtime.url(), pid: runtime.pid, startedAt: runtime.startedAt, dataDir: ctx.dataDir})
}

async function info(_req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const {runtime} = ctx
  return json(200, buildEmulatorInfo({dataDir: ctx.dataDir, url: runtime.url(), pid: runtime.pid, startedAt: runtime.startedAt}))
}

function adminError(status: number, code: string, message: string): HttpError {
  return new HttpError(json(status, {error: {code, message}}))
}

async function approve(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = (await req.json()) as {userCode?: unknown; user?: unknown; deny?: unknown}
  if (typeof body?.userCode !== 'string') throw adminError(400, 'InvalidRequest', 'Send {"userCode": "<code>", "user"?: "<upn>", "deny"?: true}.')
  try {
    const result = await approveDeviceCodeInStore(ctx.store, {
      userCode: body.userCode,
      ...(typeof body.user === 'string' ? {user: body.user} : {}),
      deny: body.deny === true,
      now: ctx.now(),
    })
    return json(200, result)
  } catch (error) {
    if (error instanceof DeviceCodeError) throw adminError(error.reason === 'not-found' ? 404 : 409, error.reason, error.message)
    throw error
  }
}

/**
 * Tells whether a secret equals the one a connector holds (the emulator keeps only an HMAC): lets tests check
 * that a client sent the right OAuth secret without the secret ever being readable. Body `{secret, pointer?}`.
 */
async function verifySecret(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = (await req.json()) as {secret?: unknown; pointer?: unknown}
  if (typeof body?.secret !== 'string') throw adminError(400, 'InvalidRequest', 'Send {"secret": "<value>", "pointer"?: "/connectionParameters/token/oAuthSettings/clientSecret"}.')
  const record = (await ctx.store.list<ConnectorRecord>(collections.connectors(req.params.environment!))).find((c) => c.name.toLowerCase() === req.params.name!.toLowerCase())
  if (!record) throw adminError(404, 'NotFound', `No connector ${req.params.name} in environment ${req.params.environment}.`)
  const entry = typeof body.pointer === 'string' ? record.secrets.find((s) => s.pointer === body.pointer) : record.secrets[0]
  return json(200, {pointer: entry?.pointer ?? null, matches: entry ? secretMatches(ctx.keys, body.secret, entry.digest) : false})
}

/**
 * What the connector runtime presents when a managed-identity connector calls its API: a token issued for the
 * connector's managed identity (its issuer and subject) with the token-exchange audience, signed with the
 * emulator's key. Used as a client assertion on the client app, it succeeds only when the app has a federated
 * credential for that issuer and subject — so tests can check that `cc` configured the app correctly.
 */
async function managedIdentityToken(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const record = (await ctx.store.list<ConnectorRecord>(collections.connectors(req.params.environment!))).find((c) => c.name.toLowerCase() === req.params.name!.toLowerCase())
  if (!record) throw adminError(404, 'NotFound', `No connector ${req.params.name} in environment ${req.params.environment}.`)
  if (!record.managedIdentity) throw adminError(409, 'NotManagedIdentity', `The connector ${record.name} does not use managed identity.`)
  const now = Math.floor(ctx.now() / 1000)
  const token = signJwt({iss: record.managedIdentity.issuer, sub: record.managedIdentity.subject, aud: 'api://AzureADTokenExchange', iat: now, nbf: now, exp: now + 600}, ctx.keys.signing)
  return json(200, {token, issuer: record.managedIdentity.issuer, subject: record.managedIdentity.subject, audience: 'api://AzureADTokenExchange'})
}

async function reset(_req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  await ctx.runtime.reset()
  return json(200, {reset: true, dataDir: ctx.dataDir})
}

async function putFaults(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const spec = (await req.body()).toString('utf8')
  try {
    return json(200, {plan: ctx.runtime.setFaults(spec.trim() === '' ? undefined : spec) ?? null})
  } catch (error) {
    if (error instanceof FaultSpecError) throw adminError(400, 'InvalidFaultSpec', error.message)
    throw error
  }
}
