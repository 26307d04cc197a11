import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import {collectPages} from '../clients/paging.js'
import {loadConnector} from '../connector/load.js'
import type {CoreContext} from '../context.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {type Session, withSession} from '../environments/session.js'
import {CcError, UsageError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {displayPath} from '../fs/paths.js'
import {oauthSettingsOf, usesManagedIdentity} from '../push/oauth.js'
import {pushConnector, type PushResult} from '../push/push.js'
import {syncIdentity, type SyncResult} from './sync.js'

/**
 * Automates the portal steps of entra-connector-tutorial.md for a connector: a single-tenant app registration
 * (web), the delegated permission the connector's resource needs (Azure Service Management
 * `user_impersonation` for the Azure Resource Manager sample), a client secret when the connector uses one
 * (handed to `onSecret` once, stored nowhere) or nothing for managed identity, and the app's client id written
 * into the connector's apiProperties.json. With `push`, the connector is then pushed (with the new secret) and
 * its redirect URL and federated credential are added (cc identity sync).
 */
export interface EntraAppOptions extends EnvironmentRequest {
  /** The connector folder. */
  path: string
  /** Display name of the app (default: "<connector title> (custom connector)"). */
  name?: string
  /** Create a client secret when the connector takes one (default true). */
  secret?: boolean
  /** Lifetime of the secret in days (default 180, as the portal recommends). */
  secretDays?: number
  /** Receives the secret once; it is never returned, logged or written. Without it (and without push) no secret is created. */
  onSecret?: (secret: string) => void
  /** Create an app even if the connector names one that exists. */
  force?: boolean
  /** Push the connector afterwards and add its redirect URL and federated credential. */
  push?: boolean
}

export interface EntraAppResult {
  app: {appId: string; objectId: string; displayName: string; signInAudience: 'AzureADMyOrg'; tenantId?: string}
  servicePrincipal: {id: string}
  /** The delegated permission added, when the resource's service principal and scope were found. */
  permission?: {resource: string; resourceAppId: string; resourceDisplayName?: string; scope: string; scopeId: string}
  managedIdentity: boolean
  clientSecret: {created: true; keyId: string; hint: string; endDateTime: string} | {created: false; reason: string}
  connector: {folder: string; file: string; changed: string[]}
  push?: PushResult
  sync?: SyncResult
  next: string[]
}

const placeholderIds = /^(0{8}-0{4}-0{4}-0{4}-0{12}|<.*>|\[.*\]|)$/i

export async function createEntraApp(options: EntraAppOptions, ctx: CoreContext): Promise<EntraAppResult> {
  const dir = resolve(ctx.cwd, options.path)
  const connector = await loadConnector(dir)
  const file = connector.apiProperties
  if (!file?.value || !file.doc.strict) {
    throw new CcError(`${displayPath(file?.path ?? dir, ctx.cwd)} is missing or not valid JSON.`, {code: 'CONNECTOR_UNREADABLE', file: file?.path ?? dir, suggestions: [`cc validate ${displayPath(dir, ctx.cwd)}`]})
  }
  const aad = oauthSettingsOf(file.value).filter(({settings}) => String(settings.identityProvider ?? '').toLowerCase() === 'aad')
  if (aad.length === 0) {
    throw new UsageError(`${connector.folderName} has no OAuth setting with Microsoft Entra ID (identityProvider "aad"); an app registration is for such connectors.`, {
      code: 'CONNECTOR_NOT_ENTRA',
      file: file.path,
      suggestions: ['cc scaffold <name> --auth aad   (a connector with Entra ID OAuth)', 'cc scaffold <name> --auth aad-managed-identity'],
    })
  }
  const first = aad[0]!.settings
  const managed = aad.some(({settings}) => usesManagedIdentity(settings))
  const properties = (first.properties ?? {}) as Record<string, unknown>
  const custom = (first.customParameters ?? {}) as Record<string, {value?: unknown}>
  const resource = String(properties.AzureActiveDirectoryResourceId ?? custom.resourceUri?.value ?? '').trim()
  const title = (connector.apiDefinition?.value?.info?.title ?? connector.folderName).trim()
  const displayName = options.name?.trim() || `${title} (custom connector)`

  return withSession(options, ctx, async (session) => {
    const env = await session.environment()
    const existing = typeof first.clientId === 'string' && !placeholderIds.test(first.clientId.trim()) ? first.clientId.trim() : undefined
    if (existing && !options.force) {
      const app = await session.graph.getApplication(existing)
      if (app) {
        throw new CcError(`${connector.folderName} already names the application ${existing} (${app.displayName ?? 'no name'}); nothing was created.`, {
          code: 'APP_EXISTS',
          file: file.path,
          suggestions: [`cc identity sync --env ${env.ref} --connector "${title}"   (set up its redirect URL and credential)`, 'Pass --force to create a new app and point the connector at it.'],
        })
      }
    }
    ctx.reporter.step(`Looking up the permission for ${resource || 'the resource'}`)
    const permission = resource ? await delegatedPermission(session, resource, first.scopes, ctx) : undefined
    if (!resource) ctx.reporter.warn(`${connector.folderName} names no resource (AzureActiveDirectoryResourceId / resourceUri); no API permission was added.`)

    ctx.reporter.step(`Registering ${displayName}`)
    const redirectUris = aad.some(({settings}) => String(settings.redirectMode ?? 'Global').toLowerCase() === 'global') ? ['https://global.consent.azure-apim.net/redirect'] : []
    const created = (
      await session.graph.http.request<{id: string; appId: string; displayName: string}>({
        method: 'POST',
        path: 'v1.0/applications',
        json: {
          displayName,
          signInAudience: 'AzureADMyOrg',
          web: {redirectUris},
          ...(permission ? {requiredResourceAccess: [{resourceAppId: permission.resourceAppId, resourceAccess: [{id: permission.scopeId, type: 'Scope'}]}]} : {}),
          notes: `Client app of the custom connector "${title}", registered by cc.`,
        },
        purpose: 'registering the application',
      })
    ).body
    const sp = (await session.graph.http.request<{id: string}>({method: 'POST', path: 'v1.0/servicePrincipals', json: {appId: created.appId}, purpose: 'creating the service principal'})).body

    let clientSecret: EntraAppResult['clientSecret'] = {created: false, reason: managed ? 'the connector uses managed identity (a federated credential per environment instead)' : 'not asked for'}
    let secretValue: string | undefined
    const needsSecret = !managed && options.secret !== false
    // Without someone to show it to, a secret is only worth creating when it goes straight into the connector (push).
    if (needsSecret && !options.onSecret && !options.push) clientSecret = {created: false, reason: 'a secret is shown only once, and never in --json output: run without --json (or with --push, which hands it to the connector only)'}
    else if (needsSecret) {
      const end = new Date(Date.now() + (options.secretDays ?? 180) * 86_400_000).toISOString()
      const password = (
        await session.graph.http.request<{keyId: string; hint: string; endDateTime: string; secretText: string}>({
          method: 'POST',
          path: `v1.0/applications(appId='${created.appId}')/addPassword`,
          json: {passwordCredential: {displayName: `cc: ${title}`, endDateTime: end}},
          purpose: 'adding a client secret',
        })
      ).body
      secretValue = password.secretText
      options.onSecret?.(secretValue)
      clientSecret = {created: true, keyId: password.keyId, hint: password.hint, endDateTime: password.endDateTime}
    }

    const tenantId = session.tokens.tenantId
    const changed = await writeClientId(file.path, aad.map((a) => a.pointer), created.appId, managed ? tenantId : undefined)
    const result: EntraAppResult = {
      app: {appId: created.appId, objectId: created.id, displayName: created.displayName, signInAudience: 'AzureADMyOrg', ...(tenantId ? {tenantId} : {})},
      servicePrincipal: {id: sp.id},
      ...(permission ? {permission} : {}),
      managedIdentity: managed,
      clientSecret,
      connector: {folder: displayPath(dir, ctx.cwd), file: displayPath(file.path, ctx.cwd), changed},
      next: [],
    }
    const folder = displayPath(dir, ctx.cwd)
    if (options.push) {
      result.push = await pushConnector({path: dir, ...envRequest(options), ...(secretValue ? {clientSecret: secretValue} : {})}, ctx)
      result.sync = await syncIdentity({...envRequest(options), connectors: [result.push.connector.name ?? title], yes: true}, ctx)
    } else {
      result.next = [
        `cc push ${folder} --env ${env.ref}${clientSecret.created ? ' --client-secret-stdin   (paste the secret shown above)' : ''}`,
        `cc identity sync --env ${env.ref} --connector "${title}" --yes   (adds the redirect URL${managed ? ' and the federated credential' : ''} to the app)`,
      ]
    }
    return result
  })
}

function envRequest(options: EnvironmentRequest): EnvironmentRequest {
  return {...(options.env ? {env: options.env} : {}), ...(options.cloud ? {cloud: options.cloud} : {}), ...(options.tenant ? {tenant: options.tenant} : {})}
}

/** The resource's service principal (by identifier URI, with or without a trailing slash) and the delegated scope to ask for. */
async function delegatedPermission(session: Session, resource: string, scopes: unknown, ctx: CoreContext): Promise<EntraAppResult['permission']> {
  const candidates = [...new Set([resource, resource.endsWith('/') ? resource.slice(0, -1) : `${resource}/`])]
  for (const uri of candidates) {
    const found = await collectPages<{appId: string; displayName?: string; oauth2PermissionScopes?: Array<{id: string; value: string; isEnabled?: boolean}>}>(session.graph.http, {
      path: 'v1.0/servicePrincipals',
      query: {$filter: `servicePrincipalNames/any(n:n eq '${uri.replaceAll("'", "''")}')`, $select: 'appId,displayName,oauth2PermissionScopes'},
      purpose: `looking up the resource ${uri}`,
    })
    const sp = found[0]
    if (!sp) continue
    const wanted = (Array.isArray(scopes) ? scopes : []).map((s) => String(s).split('/').pop()!).filter((s) => s !== '' && s !== '.default')
    const names = wanted.length > 0 ? wanted : ['user_impersonation']
    const scope = (sp.oauth2PermissionScopes ?? []).find((s) => names.includes(s.value) && s.isEnabled !== false)
    if (!scope) {
      ctx.reporter.warn(`${sp.displayName ?? sp.appId} exposes no delegated permission ${names.join(' or ')}; add the permission the API needs in the Entra admin center.`)
      return undefined
    }
    return {resource, resourceAppId: sp.appId, ...(sp.displayName ? {resourceDisplayName: sp.displayName} : {}), scope: scope.value, scopeId: scope.id}
  }
  ctx.reporter.warn(`No service principal in the tenant has the identifier URI ${resource}; no API permission was added (add it in the Entra admin center).`)
  return undefined
}

/**
 * Sets the client id (and, for managed identity, a real tenant id instead of `common`) in apiProperties.json,
 * editing the text so that its layout stays, and writes it atomically. Returns the JSON pointers changed.
 */
async function writeClientId(path: string, pointers: string[], appId: string, tenantId: string | undefined): Promise<string[]> {
  const {applyEdits, modify, parse} = await import('jsonc-parser')
  let text = await readFile(path, 'utf8')
  const bom = text.startsWith('\uFEFF')
  if (bom) text = text.slice(1)
  const changed: string[] = []
  const segments = (pointer: string) => pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s))
  const formatting = {formattingOptions: {insertSpaces: true, tabSize: 2}}
  for (const pointer of pointers) {
    const path = segments(pointer)
    text = applyEdits(text, modify(text, [...path, 'clientId'], appId, formatting))
    changed.push(`${pointer}/clientId`)
    if (tenantId) {
      const settings = pointerValue(parse(text), path) as {customParameters?: {tenantId?: {value?: unknown}}} | undefined
      const current = String(settings?.customParameters?.tenantId?.value ?? '')
      if (!/^[0-9a-f-]{36}$/i.test(current) || /^[0-]+$/.test(current)) {
        text = applyEdits(text, modify(text, [...path, 'customParameters', 'tenantId'], {value: tenantId}, formatting))
        changed.push(`${pointer}/customParameters/tenantId`)
      }
    }
  }
  await writeFileAtomic(path, (bom ? '\uFEFF' : '') + text)
  return changed
}

function pointerValue(root: unknown, path: Array<string | number>): unknown {
  let node = root
  for (const segment of path) node = (node as Record<string | number, unknown> | undefined)?.[segment]
  return node
}
