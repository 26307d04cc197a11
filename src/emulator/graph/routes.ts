import {randomBytes, randomUUID} from 'node:crypto'

import type {EmulatorContext} from '../context.js'
import {graphError, json, noContent, type EmulatorRequest, type EmulatorResponse, type HttpError} from '../http.js'
import {findUser, homeTenant} from '../identity/directory.js'
import {evaluateFilter, ODataQueryError, paginate, parseFilter, parseSelect} from '../odata.js'
import {routesOf, type RouteDefinition} from '../router.js'
import {secretDigest} from '../state/keys.js'
import {collections, type ApplicationRecord, type FederatedCredentialRecord, type ServicePrincipalRecord, type TenantRecord} from '../state/records.js'
import {knownScopeIds, resourceApps} from '../seed-identities.js'
import {keyCredentialFromPem, newApplication, uuidFrom} from '../state/seed.js'
import type {Transaction} from '../state/store.js'

/**
 * Microsoft Graph v1.0, the parts cc uses: applications (by id and by appId), their redirect URIs, passwords and
 * federated identity credentials with the documented rules (identity-and-federated-credentials.md 2.1–2.4), and
 * service principals. Permissions follow Graph: application permissions (`roles`) for app-only tokens;
 * delegated scopes plus the user's directory role or app ownership for users.
 */
export function graphRoutes(): RouteDefinition[] {
  const route = routesOf('graph', 'graph', '/v1.0')
  const app = ['/applications/{id}', "/applications(appId='{appId}')"]
  const fic = (base: string) => [`${base}/federatedIdentityCredentials/{fic}`, `${base}/federatedIdentityCredentials(name='{ficName}')`]
  return [
    route('GET', '/me', 'graph.me', me),
    route('GET', '/organization', 'graph.organization', organization),
    route('GET', '/applications', 'graph.applications.list', listApplications),
    route('POST', '/applications', 'graph.applications.create', createApplication),
    ...app.flatMap((p) => [
      route('GET', p, 'graph.applications.get', getApplication),
      route('PATCH', p, 'graph.applications.update', updateApplication),
      route('DELETE', p, 'graph.applications.delete', deleteApplication),
      route('POST', `${p}/addPassword`, 'graph.applications.addPassword', addPassword),
      route('POST', `${p}/removePassword`, 'graph.applications.removePassword', removePassword),
      route('GET', `${p}/federatedIdentityCredentials`, 'graph.fic.list', listFics),
      route('POST', `${p}/federatedIdentityCredentials`, 'graph.fic.create', createFic),
      ...fic(p).flatMap((f) => [route('GET', f, 'graph.fic.get', getFic), route('PATCH', f, 'graph.fic.update', updateFic), route('DELETE', f, 'graph.fic.delete', deleteFic)]),
    ]),
    route('GET', '/servicePrincipals', 'graph.servicePrincipals.list', listServicePrincipals),
    route('POST', '/servicePrincipals', 'graph.servicePrincipals.create', createServicePrincipal),
    route('GET', '/servicePrincipals/{id}', 'graph.servicePrincipals.get', getServicePrincipal),
    route('GET', "/servicePrincipals(appId='{appId}')", 'graph.servicePrincipals.get', getServicePrincipal),
  ]
}

const readPermissions = ['Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All']
const writePermissions = ['Application.ReadWrite.All', 'Directory.AccessAsUser.All', 'Directory.ReadWrite.All']
const adminRoles = ['Global Administrator', 'Application Administrator', 'Cloud Application Administrator']

function denied(req: EmulatorRequest): HttpError {
  return graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')
}

function permissions(req: EmulatorRequest): string[] {
  return req.auth!.kind === 'app' ? req.auth!.roles : req.auth!.scopes
}

function requireRead(req: EmulatorRequest): void {
  if (!permissions(req).some((p) => readPermissions.includes(p))) throw denied(req)
}

/** May the caller change this app (or, without one, create apps)? */
async function requireWrite(req: EmulatorRequest, ctx: EmulatorContext, app?: ApplicationRecord): Promise<void> {
  const caller = req.auth!
  const granted = permissions(req)
  if (caller.kind === 'app') {
    if (granted.includes('Application.ReadWrite.All') || granted.includes('Directory.ReadWrite.All')) return
    if (granted.includes('Application.ReadWrite.OwnedBy') && (!app || app.owners.includes(caller.objectId))) return
    throw denied(req)
  }
  if (!granted.some((p) => writePermissions.includes(p))) throw denied(req)
  if (!app) return // members may register applications (the tenant default)
  const user = await findUser(ctx, caller.objectId)
  if (user?.directoryRoles.some((r) => adminRoles.includes(r)) || app.owners.includes(caller.objectId)) return
  throw denied(req)
}

function badRequest(req: EmulatorRequest, message: string, code = 'Request_BadRequest', extra: Record<string, unknown> = {}): HttpError {
  return graphError(req, 400, code, message, extra)
}

function notFound(req: EmulatorRequest, id: string): HttpError {
  return graphError(req, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`)
}

function queryError(req: EmulatorRequest, error: unknown): never {
  if (error instanceof ODataQueryError) throw badRequest(req, `Invalid filter clause: ${error.message}`, 'BadRequest')
  throw error
}

/** `$filter`, `$select`, `$top` and paging of a Graph collection. */
function collectionResponse(req: EmulatorRequest, ctx: EmulatorContext, context: string, items: Array<Record<string, unknown>>): EmulatorResponse {
  try {
    const filterText = req.query.get('$filter')
    let kept = items
    if (filterText !== null) {
      const filter = parseFilter(filterText)
      kept = items.filter((item) => evaluateFilter(filter, (path) => item[path]) === true)
    }
    const select = parseSelect(req.query.get('$select'))
    const page = paginate(kept, req, ctx.settings.pageSize)
    return json(200, {
      '@odata.context': `${req.origin}/v1.0/$metadata#${context}`,
      value: page.items.map((item) => selected(item, select)),
      ...(page.nextLink ? {'@odata.nextLink': page.nextLink} : {}),
    })
  } catch (error) {
    queryError(req, error)
  }
}

function selected(item: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return item
  return Object.fromEntries(select.filter((s) => s in item).map((s) => [s, item[s]]))
}

async function me(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  if (req.auth!.kind !== 'user') throw badRequest(req, '/me request is only valid with delegated authentication flow.', 'BadRequest')
  const user = await findUser(ctx, req.auth!.objectId)
  if (!user) throw notFound(req, req.auth!.objectId)
  return json(200, {
    '@odata.context': `${req.origin}/v1.0/$metadata#users/$entity`,
    id: user.id,
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    mail: user.userPrincipalName,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
  })
}

async function organization(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const tenant = await homeTenant(ctx)
  return json(200, {
    '@odata.context': `${req.origin}/v1.0/$metadata#organization`,
    value: [{id: tenant.id, displayName: tenant.displayName, verifiedDomains: [{name: tenant.domain, isDefault: true, isInitial: true, type: 'Managed', capabilities: 'Email, OfficeCommunicationsOnlineService'}], tenantType: 'AAD'}],
  })
}

function applicationView(app: ApplicationRecord, tenant: TenantRecord): Record<string, unknown> {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    description: app.description,
    displayName: app.displayName,
    identifierUris: app.identifierUris,
    isFallbackPublicClient: app.isFallbackPublicClient,
    notes: app.notes,
    publisherDomain: tenant.domain,
    signInAudience: app.signInAudience,
    tags: app.tags,
    uniqueName: null,
    api: {acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: []},
    info: {logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null},
    keyCredentials: app.keyCredentials.map((k) => ({
      customKeyIdentifier: k.customKeyIdentifier,
      displayName: k.displayName,
      endDateTime: k.endDateTime,
      key: null,
      keyId: k.keyId,
      startDateTime: k.startDateTime,
      type: k.type,
      usage: k.usage,
    })),
    passwordCredentials: app.passwordCredentials.map((p) => ({customKeyIdentifier: null, displayName: p.displayName, endDateTime: p.endDateTime, hint: p.hint, keyId: p.keyId, secretText: null, startDateTime: p.startDateTime})),
    publicClient: app.publicClient,
    requiredResourceAccess: app.requiredResourceAccess,
    spa: app.spa,
    web: {...app.web, redirectUriSettings: app.web.redirectUris.map((uri) => ({uri, index: null}))},
  }
}

async function tenantApps(ctx: EmulatorContext, tx?: Transaction): Promise<{tenant: TenantRecord; apps: ApplicationRecord[]}> {
  const tenant = await homeTenant(ctx)
  const all = tx ? await tx.list<ApplicationRecord>(collections.applications) : await ctx.store.list<ApplicationRecord>(collections.applications)
  return {tenant, apps: all.filter((a) => a.tenantId === tenant.id).sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime) || a.id.localeCompare(b.id))}
}

/** The app a path names: `applications/{id}` (object id, or app id as Graph also accepts) or `applications(appId='…')`. */
async function targetApp(req: EmulatorRequest, ctx: EmulatorContext, tx?: Transaction): Promise<ApplicationRecord> {
  const {apps} = await tenantApps(ctx, tx)
  const key = (req.params.id ?? req.params.appId ?? '').toLowerCase()
  const app = req.params.appId ? apps.find((a) => a.appId === key) : apps.find((a) => a.id === key)
  if (!app) throw notFound(req, req.params.id ?? req.params.appId ?? '')
  return app
}

async function listApplications(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireRead(req)
  const {tenant, apps} = await tenantApps(ctx)
  return collectionResponse(req, ctx, 'applications', apps.map((a) => applicationView(a, tenant)))
}

async function getApplication(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireRead(req)
  const app = await targetApp(req, ctx)
  const tenant = await homeTenant(ctx)
  const select = parseSelect(req.query.get('$select'))
  return json(200, {'@odata.context': `${req.origin}/v1.0/$metadata#applications/$entity`, ...selected(applicationView(app, tenant), select)})
}

const applicationWritable = new Set(['displayName', 'description', 'signInAudience', 'identifierUris', 'web', 'spa', 'publicClient', 'isFallbackPublicClient', 'requiredResourceAccess', 'tags', 'notes', 'keyCredentials'])
const applicationReadOnly = new Set(['id', 'appId', 'createdDateTime', 'publisherDomain', 'deletedDateTime'])

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Redirect URIs: absolute, https (http only for localhost), no fragment, no wildcard, at most 256 characters. */
function checkRedirectUris(req: EmulatorRequest, uris: unknown, where: string): string[] {
  if (!Array.isArray(uris)) throw badRequest(req, `Invalid value specified for property 'redirectUris' of resource 'Application': ${where}.redirectUris must be an array of strings.`)
  for (const uri of uris) {
    let url: URL | undefined
    try {
      url = typeof uri === 'string' ? new URL(uri) : undefined
    } catch {
      url = undefined
    }
    const localhost = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
    const ok = url && typeof uri === 'string' && uri.length <= 256 && !uri.includes('*') && url.hash === '' && (url.protocol === 'https:' || (url.protocol === 'http:' && localhost) || (!['http:', 'https:'].includes(url.protocol) && where !== 'web'))
    if (!ok) throw badRequest(req, `Invalid value specified for property 'redirectUris' of resource 'Application': '${String(uri)}' must be an absolute https URI (http only for localhost), without a fragment or wildcard, of at most 256 characters.`)
  }
  return [...(uris as string[])]
}

/** Applies a body to an application: complex properties merge, collections are replaced. */
function applyApplication(req: EmulatorRequest, app: ApplicationRecord, body: Record<string, unknown>, creating: boolean): ApplicationRecord {
  const next = structuredClone(app)
  for (const key of Object.keys(body)) {
    if (key.startsWith('@odata.')) continue
    if (applicationReadOnly.has(key)) {
      if (creating && key === 'id') continue
      throw badRequest(req, `Property '${key}' is read-only and cannot be set.`)
    }
    if (key === 'passwordCredentials') throw badRequest(req, "Property 'passwordCredentials' cannot be set here: use the addPassword and removePassword actions.")
    if (!applicationWritable.has(key)) throw badRequest(req, `Property '${key}' does not exist on type 'microsoft.graph.application'.`)
  }
  if ('displayName' in body) {
    if (typeof body.displayName !== 'string' || body.displayName.trim() === '') throw badRequest(req, "Invalid value specified for property 'displayName' of resource 'Application'.")
    next.displayName = body.displayName
  }
  if ('description' in body) next.description = body.description === null ? null : String(body.description)
  if ('notes' in body) next.notes = body.notes === null ? null : String(body.notes)
  if ('signInAudience' in body) {
    if (!['AzureADMyOrg', 'AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount', 'PersonalMicrosoftAccount'].includes(String(body.signInAudience))) {
      throw badRequest(req, "Invalid value specified for property 'signInAudience' of resource 'Application'.")
    }
    next.signInAudience = String(body.signInAudience)
  }
  if ('identifierUris' in body) {
    if (!Array.isArray(body.identifierUris) || body.identifierUris.some((u) => typeof u !== 'string')) throw badRequest(req, "Invalid value specified for property 'identifierUris' of resource 'Application'.")
    next.identifierUris = body.identifierUris as string[]
  }
  if ('isFallbackPublicClient' in body) next.isFallbackPublicClient = body.isFallbackPublicClient === true
  if ('tags' in body) next.tags = Array.isArray(body.tags) ? body.tags.map(String) : []
  if ('requiredResourceAccess' in body) next.requiredResourceAccess = Array.isArray(body.requiredResourceAccess) ? body.requiredResourceAccess : []
  for (const platform of ['web', 'spa', 'publicClient'] as const) {
    if (!(platform in body)) continue
    const value = body[platform]
    if (!isObject(value)) throw badRequest(req, `Invalid value specified for property '${platform}' of resource 'Application'.`)
    const current = next[platform] as Record<string, unknown>
    const merged: Record<string, unknown> = {...current}
    for (const [k, v] of Object.entries(value)) {
      if (k === 'redirectUris') merged.redirectUris = checkRedirectUris(req, v, platform)
      else if (k === 'redirectUriSettings') continue
      else if (platform === 'web' && ['homePageUrl', 'logoutUrl', 'implicitGrantSettings'].includes(k)) merged[k] = v
      else throw badRequest(req, `Property '${k}' does not exist on type 'microsoft.graph.${platform === 'web' ? 'webApplication' : platform === 'spa' ? 'spaApplication' : 'publicClientApplication'}'.`)
    }
    ;(next as unknown as Record<string, unknown>)[platform] = merged
  }
  if ('keyCredentials' in body) {
    if (!Array.isArray(body.keyCredentials)) throw badRequest(req, "Invalid value specified for property 'keyCredentials' of resource 'Application'.")
    next.keyCredentials = body.keyCredentials.map((k) => {
      const entry = isObject(k) ? k : {}
      const kept = app.keyCredentials.find((c) => c.keyId === entry.keyId)
      if (kept && !entry.key) return kept
      if (entry.type !== 'AsymmetricX509Cert' || entry.usage !== 'Verify' || typeof entry.key !== 'string') {
        throw badRequest(req, "Invalid value specified for property 'keyCredentials' of resource 'Application': the emulator takes certificates ({type: 'AsymmetricX509Cert', usage: 'Verify', key: '<base64 DER certificate>'}).")
      }
      try {
        return keyCredentialFromPem(entry.key, typeof entry.displayName === 'string' ? entry.displayName : 'certificate', typeof entry.keyId === 'string' ? entry.keyId : randomUUID())
      } catch {
        throw badRequest(req, "Invalid value specified for property 'keyCredentials' of resource 'Application': the key is not an X.509 certificate.")
      }
    })
  }
  return next
}

async function readObject(req: EmulatorRequest): Promise<Record<string, unknown>> {
  const body = await req.json()
  if (!isObject(body)) throw badRequest(req, 'The request body must be a JSON object.', 'BadRequest')
  return body
}

async function createApplication(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  await requireWrite(req, ctx)
  const body = await readObject(req)
  if (typeof body.displayName !== 'string' || body.displayName.trim() === '') throw badRequest(req, "Invalid value specified for property 'displayName' of resource 'Application'.")
  const tenant = await homeTenant(ctx)
  const app = applyApplication(req, newApplication(tenant.id, body.displayName, [req.auth!.objectId], randomUUID(), randomUUID(), new Date(ctx.now()).toISOString()), body, true)
  await ctx.store.transaction(async (tx) => tx.put(collections.applications, app.id, app))
  return json(201, {'@odata.context': `${req.origin}/v1.0/$metadata#applications/$entity`, ...applicationView(app, tenant)}, {location: `${req.origin}/v1.0/applications/${app.id}`})
}

async function updateApplication(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = await readObject(req)
  await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    const next = applyApplication(req, app, body, false)
    tx.put(collections.applications, next.id, next)
  })
  return noContent()
}

async function deleteApplication(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    tx.delete(collections.applications, app.id)
    for (const sp of await tx.list<ServicePrincipalRecord>(collections.servicePrincipals)) if (sp.appId === app.appId && sp.tenantId === app.tenantId) tx.delete(collections.servicePrincipals, sp.id)
  })
  return noContent()
}

async function addPassword(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = await readObject(req)
  const credential = isObject(body.passwordCredential) ? body.passwordCredential : {}
  const secret = `${randomBytes(3).toString('base64url').slice(0, 3)}8Q~${randomBytes(27).toString('base64url')}`
  const start = new Date(ctx.now())
  const end = typeof credential.endDateTime === 'string' && !Number.isNaN(Date.parse(credential.endDateTime)) ? new Date(credential.endDateTime) : new Date(start.getTime() + 2 * 365 * 86_400_000)
  const record = {keyId: randomUUID(), displayName: typeof credential.displayName === 'string' ? credential.displayName : null, hint: secret.slice(0, 3), startDateTime: start.toISOString(), endDateTime: end.toISOString(), digest: secretDigest(ctx.keys, secret)}
  await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    tx.put(collections.applications, app.id, {...app, passwordCredentials: [...app.passwordCredentials, record]})
  })
  return json(200, {
    '@odata.context': `${req.origin}/v1.0/$metadata#microsoft.graph.passwordCredential`,
    customKeyIdentifier: null,
    displayName: record.displayName,
    endDateTime: record.endDateTime,
    hint: record.hint,
    keyId: record.keyId,
    secretText: secret,
    startDateTime: record.startDateTime,
  })
}

async function removePassword(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = await readObject(req)
  await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    if (!app.passwordCredentials.some((p) => p.keyId === body.keyId)) throw badRequest(req, `No password credential with keyId '${String(body.keyId)}' on the application.`)
    tx.put(collections.applications, app.id, {...app, passwordCredentials: app.passwordCredentials.filter((p) => p.keyId !== body.keyId)})
  })
  return noContent()
}

function ficView(req: EmulatorRequest, app: ApplicationRecord, fic: FederatedCredentialRecord, entity: boolean): Record<string, unknown> {
  return {
    ...(entity ? {'@odata.context': `${req.origin}/v1.0/$metadata#applications('${app.id}')/federatedIdentityCredentials/$entity`} : {}),
    audiences: fic.audiences,
    description: fic.description,
    id: fic.id,
    issuer: fic.issuer,
    name: fic.name,
    subject: fic.subject,
  }
}

async function listFics(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireRead(req)
  const app = await targetApp(req, ctx)
  return collectionResponse(req, ctx, `applications('${app.id}')/federatedIdentityCredentials`, app.federatedIdentityCredentials.map((f) => ficView(req, app, f, false)))
}

/** The FIC a path names: by id or by name (`…/federatedIdentityCredentials/{id or name}` or `(name='…')`). */
function findFic(req: EmulatorRequest, app: ApplicationRecord): FederatedCredentialRecord | undefined {
  const key = req.params.ficName ?? req.params.fic!
  return req.params.ficName ? app.federatedIdentityCredentials.find((f) => f.name === key) : app.federatedIdentityCredentials.find((f) => f.id === key.toLowerCase() || f.name === key)
}

async function getFic(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireRead(req)
  const app = await targetApp(req, ctx)
  const fic = findFic(req, app)
  if (!fic) throw notFound(req, req.params.ficName ?? req.params.fic!)
  return json(200, ficView(req, app, fic, true))
}

const ficNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/
const ficProperties = new Set(['name', 'issuer', 'subject', 'audiences', 'description', 'id'])

/** Checks a complete FIC against the documented rules, including uniqueness among the app's other FICs. */
function checkFic(req: EmulatorRequest, app: ApplicationRecord, fic: FederatedCredentialRecord): void {
  if (!ficNamePattern.test(fic.name)) {
    throw badRequest(req, `FederatedIdentityCredential name '${fic.name}' is invalid. The name must be 3 to 120 characters long, start with a letter or digit, and contain only letters, digits, '-' and '_'.`)
  }
  let issuerUrl: URL | undefined
  try {
    issuerUrl = new URL(fic.issuer)
  } catch {
    issuerUrl = undefined
  }
  if (!fic.issuer || !issuerUrl || fic.issuer.length > 600) throw badRequest(req, "Invalid value specified for property 'issuer' of resource 'FederatedIdentityCredential': an absolute URL of at most 600 characters is required.")
  if (!fic.subject || fic.subject.length > 600) throw badRequest(req, "Invalid value specified for property 'subject' of resource 'FederatedIdentityCredential': at most 600 characters, required.")
  if (fic.audiences.length !== 1) throw badRequest(req, 'FederatedIdentityCredential must have exactly one audience.')
  if (fic.audiences[0]!.length === 0 || fic.audiences[0]!.length > 600) throw badRequest(req, "Invalid value specified for property 'audiences' of resource 'FederatedIdentityCredential': at most 600 characters.")
  if (fic.description !== null && fic.description.length > 600) throw badRequest(req, "Invalid value specified for property 'description' of resource 'FederatedIdentityCredential': at most 600 characters.")
  const others = app.federatedIdentityCredentials.filter((f) => f.id !== fic.id)
  if (others.some((f) => f.name === fic.name)) throw graphError(req, 409, 'Request_MultipleObjectsWithSameKeyValue', `FederatedIdentityCredential with name ${fic.name} already exists.`)
  if (others.some((f) => f.issuer === fic.issuer && f.subject === fic.subject)) {
    throw badRequest(req, `FederatedIdentityCredential with the same issuer '${fic.issuer}' and subject '${fic.subject}' already exists for this application: the combination must be unique.`, 'InvalidFederatedIdentityCredentialValue', {
      details: [{code: 'InvalidFederatedIdentityCredentialValue', target: 'FederatedIdentityCredential.Subject', message: 'Issuer and subject combination already exists for this application.'}],
    })
  }
  if (others.length >= 20) throw badRequest(req, 'The application already has the maximum of 20 federated identity credentials; delete one or use another application.', 'Directory_QuotaExceeded')
}

function ficFromBody(req: EmulatorRequest, body: Record<string, unknown>, base: FederatedCredentialRecord): FederatedCredentialRecord {
  for (const key of Object.keys(body)) {
    if (!key.startsWith('@odata.') && !ficProperties.has(key)) throw badRequest(req, `Property '${key}' does not exist on type 'microsoft.graph.federatedIdentityCredential'.`)
  }
  const string = (key: string, current: string): string => {
    if (!(key in body)) return current
    if (typeof body[key] !== 'string') throw badRequest(req, `Invalid value specified for property '${key}' of resource 'FederatedIdentityCredential'.`)
    return body[key] as string
  }
  let audiences = base.audiences
  if ('audiences' in body) {
    if (!Array.isArray(body.audiences) || body.audiences.some((a) => typeof a !== 'string')) throw badRequest(req, 'FederatedIdentityCredential must have exactly one audience.')
    audiences = body.audiences as string[]
  }
  return {
    id: base.id,
    name: string('name', base.name),
    issuer: string('issuer', base.issuer),
    subject: string('subject', base.subject),
    description: 'description' in body ? (body.description === null ? null : String(body.description)) : base.description,
    audiences,
  }
}

async function createFic(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = await readObject(req)
  const {app, fic} = await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    if (typeof body.name !== 'string') throw badRequest(req, "Required property 'name' is missing.")
    const fic = ficFromBody(req, body, {id: randomUUID(), name: '', issuer: '', subject: '', description: null, audiences: []})
    checkFic(req, app, fic)
    tx.put(collections.applications, app.id, {...app, federatedIdentityCredentials: [...app.federatedIdentityCredentials, fic]})
    return {app, fic}
  })
  return json(201, ficView(req, app, fic, true), {location: `${req.origin}/v1.0/applications/${app.id}/federatedIdentityCredentials/${fic.id}`})
}

/** PATCH by id or name; `(name='…')` with `Prefer: create-if-missing` creates (201) when there is none (upsert). */
async function updateFic(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = await readObject(req)
  const upsert = req.params.ficName !== undefined && /create-if-missing/i.test(req.header('prefer') ?? '')
  const outcome = await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    const current = findFic(req, app)
    if (!current && !upsert) throw notFound(req, req.params.ficName ?? req.params.fic!)
    const name = current?.name ?? req.params.ficName!
    if ('name' in body && body.name !== name) throw badRequest(req, `Property 'name' is read-only and cannot be changed (it is '${name}'); create a new federated identity credential instead.`)
    const fic = ficFromBody(req, body, current ?? {id: randomUUID(), name, issuer: '', subject: '', description: null, audiences: []})
    checkFic(req, app, fic)
    const others = app.federatedIdentityCredentials.filter((f) => f.id !== fic.id)
    tx.put(collections.applications, app.id, {...app, federatedIdentityCredentials: current ? app.federatedIdentityCredentials.map((f) => (f.id === fic.id ? fic : f)) : [...others, fic]})
    return {app, fic, created: !current}
  })
  if (outcome.created) return json(201, ficView(req, outcome.app, outcome.fic, true))
  return noContent()
}

async function deleteFic(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  await ctx.store.transaction(async (tx) => {
    const app = await targetApp(req, ctx, tx)
    await requireWrite(req, ctx, app)
    const fic = findFic(req, app)
    if (!fic) throw notFound(req, req.params.ficName ?? req.params.fic!)
    tx.put(collections.applications, app.id, {...app, federatedIdentityCredentials: app.federatedIdentityCredentials.filter((f) => f.id !== fic.id)})
  })
  return noContent()
}

/** The delegated scopes a resource app exposes (`oauth2PermissionScopes`), as Graph shows them on its service principal. */
function permissionScopes(appId: string): Array<Record<string, unknown>> {
  const resource = resourceApps.find((r) => r.appId === appId)
  return (resource?.defaultScopes ?? []).map((value) => ({
    adminConsentDescription: `Allows the app to ${value === 'user_impersonation' ? `access ${resource!.displayName}` : `use ${value}`} on behalf of the signed-in user.`,
    adminConsentDisplayName: value === 'user_impersonation' ? `Access ${resource!.displayName}` : value,
    id: knownScopeIds[`${appId}/${value}`] ?? uuidFrom(`scope/${appId}/${value}`),
    isEnabled: true,
    type: 'User',
    userConsentDescription: null,
    userConsentDisplayName: null,
    value,
  }))
}

function servicePrincipalView(sp: ServicePrincipalRecord): Record<string, unknown> {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: sp.accountEnabled,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    displayName: sp.displayName,
    servicePrincipalNames: sp.servicePrincipalNames,
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: 'AzureADMyOrg',
    tags: [],
    appRoles: [],
    oauth2PermissionScopes: permissionScopes(sp.appId),
  }
}

async function tenantServicePrincipals(ctx: EmulatorContext): Promise<ServicePrincipalRecord[]> {
  const tenant = await homeTenant(ctx)
  return (await ctx.store.list<ServicePrincipalRecord>(collections.servicePrincipals)).filter((s) => s.tenantId === tenant.id)
}

async function listServicePrincipals(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireRead(req)
  return collectionResponse(req, ctx, 'servicePrincipals', (await tenantServicePrincipals(ctx)).map(servicePrincipalView))
}

async function getServicePrincipal(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  requireRead(req)
  const key = (req.params.id ?? req.params.appId ?? '').toLowerCase()
  const sp = (await tenantServicePrincipals(ctx)).find((s) => (req.params.appId ? s.appId === key : s.id === key))
  if (!sp) throw notFound(req, req.params.id ?? req.params.appId ?? '')
  return json(200, {'@odata.context': `${req.origin}/v1.0/$metadata#servicePrincipals/$entity`, ...servicePrincipalView(sp)})
}

async function createServicePrincipal(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  await requireWrite(req, ctx)
  const body = await readObject(req)
  if (typeof body.appId !== 'string') throw badRequest(req, "Required property 'appId' is missing.")
  const appId = body.appId.toLowerCase()
  const sp = await ctx.store.transaction(async (tx) => {
    const {tenant, apps} = await tenantApps(ctx, tx)
    const app = apps.find((a) => a.appId === appId)
    if (!app) throw badRequest(req, `The appId '${body.appId}' of the service principal does not reference a valid application object.`)
    const existing = (await tx.list<ServicePrincipalRecord>(collections.servicePrincipals)).find((s) => s.appId === appId && s.tenantId === tenant.id)
    if (existing) throw graphError(req, 409, 'Request_MultipleObjectsWithSameKeyValue', 'The service principal cannot be created, updated, or restored because the service principal name is already in use.')
    const sp: ServicePrincipalRecord = {id: randomUUID(), appId, tenantId: tenant.id, displayName: app.displayName, servicePrincipalType: 'Application', accountEnabled: true, appOwnerOrganizationId: tenant.id, servicePrincipalNames: [appId, ...app.identifierUris], graphRoles: []}
    tx.put(collections.servicePrincipals, sp.id, sp)
    return sp
  })
  return json(201, {'@odata.context': `${req.origin}/v1.0/$metadata#servicePrincipals/$entity`, ...servicePrincipalView(sp)})
}
