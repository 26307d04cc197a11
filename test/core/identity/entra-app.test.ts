import {cpSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoreContext} from '../../../src/core/context.js'
import {createEntraApp} from '../../../src/core/identity/entra-app.js'
import {syncIdentity} from '../../../src/core/identity/sync.js'
import {pushConnector} from '../../../src/core/push/push.js'
import {appToken, call, devEnv, scopes, startTestEmulator, tenant, type TestEmulator} from '../../helpers/emulator.js'
import {secretMatches, writeSimpleConnector} from '../../helpers/sign-in-emulator.js'
import {ccErrorOf} from '../../helpers/solution-zip-fixtures.js'
import {appWithCredentials, fileScratch, transferContext, writeGeneratedConnector} from '../../helpers/transfer-fixtures.js'

describe('createEntraApp (cc entra app create)', () => {
  let emulator: TestEmulator
  let root: string
  let ctx: CoreContext & {warnings: string[]}

  beforeAll(async () => {
    emulator = await startTestEmulator()
    root = fileScratch('entra-app-')
    ctx = transferContext(emulator.url, root)
  })

  afterAll(async () => {
    await emulator?.dispose()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  const graphGet = async (path: string) => (await call(`${emulator.url}/v1.0/${path}`, {token: await appToken(emulator.url, {scope: scopes.graph})})).body

  it('registers a single-tenant app with the Azure Service Management permission and a secret shown once, and writes the client id', async () => {
    const dir = writeGeneratedConnector(join(root, 'src'), {folder: 'arm-oauth', title: 'ARM with a secret', kind: 'oauth', appId: '00000000-0000-0000-0000-000000000000'})
    const propertiesFile = join(dir, 'apiProperties.json')
    writeFileSync(propertiesFile, readFileSync(propertiesFile, 'utf8').replaceAll('https://arm-oauth.contoso.com', 'https://management.core.windows.net/'))
    const before = readFileSync(propertiesFile, 'utf8')
    const secrets: string[] = []
    const result = await createEntraApp({path: dir, env: 'local:dev', onSecret: (s) => secrets.push(s)}, ctx)

    expect(secrets).toHaveLength(1)
    expect(result.clientSecret).toMatchObject({created: true, hint: secrets[0]!.slice(0, 3)})
    expect(JSON.stringify(result)).not.toContain(secrets[0])
    expect(result.permission).toEqual({resource: 'https://management.core.windows.net/', resourceAppId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', resourceDisplayName: 'Windows Azure Service Management API', scope: 'user_impersonation', scopeId: '41094075-9dad-400e-a0bd-54e686782033'})
    const app = await graphGet(`applications(appId='${result.app.appId}')`)
    expect(app).toMatchObject({displayName: 'ARM with a secret (custom connector)', signInAudience: 'AzureADMyOrg', requiredResourceAccess: [{resourceAppId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', resourceAccess: [{id: '41094075-9dad-400e-a0bd-54e686782033', type: 'Scope'}]}]})
    expect(app.passwordCredentials).toHaveLength(1)
    expect((await graphGet(`servicePrincipals(appId='${result.app.appId}')`)).id).toBe(result.servicePrincipal.id)

    // Only the client id changed in the file; the secret is in no file.
    const after = readFileSync(propertiesFile, 'utf8')
    expect(after).toBe(before.replace('00000000-0000-0000-0000-000000000000', result.app.appId))
    expect(result.connector.changed).toEqual(['/properties/connectionParameters/token/oAuthSettings/clientId'])
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'latin1')).not.toContain(secrets[0])
    expect(result.next[0]).toContain('--client-secret-stdin')

    // The next steps work: push with the secret, then the redirect URL.
    const pushed = await pushConnector({path: dir, env: 'local:dev', clientSecret: secrets[0], remember: false}, ctx)
    expect(await secretMatches(emulator.url, devEnv.id, pushed.connector.name!, secrets[0]!)).toBe(true)
    await syncIdentity({env: 'local:dev', connectors: ['ARM with a secret'], yes: true}, ctx)
    expect((await appWithCredentials(emulator.url, result.app.appId)).redirectUris).toEqual([pushed.redirectUrl])
  })

  it('prepares a managed-identity connector (no secret, the real tenant) and with --push sets up its credential', async () => {
    const dir = join(root, 'arm')
    cpSync(join(process.cwd(), 'connectors', 'azure-resource-manager'), dir, {recursive: true})
    const existing = await ccErrorOf(createEntraApp({path: dir, env: 'local:dev'}, ctx))
    expect(existing).toMatchObject({code: 'APP_EXISTS'})
    expect(existing.message).toContain('5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c')

    const result = await createEntraApp({path: dir, env: 'local:dev', force: true, push: true, onSecret: () => expect.unreachable('no secret for managed identity')}, ctx)
    expect(result).toMatchObject({managedIdentity: true, clientSecret: {created: false}, app: {tenantId: tenant.id}})
    const oauth = JSON.parse(readFileSync(join(dir, 'apiProperties.json'), 'utf8')).properties.connectionParameters.token.oAuthSettings
    expect(oauth.clientId).toBe(result.app.appId)
    expect(result.push).toMatchObject({action: 'created'})
    const app = await appWithCredentials(emulator.url, result.app.appId)
    expect(app.credentials).toEqual([expect.objectContaining({issuer: result.push!.managedIdentity!.issuer, subject: result.push!.managedIdentity!.subject, name: 'Azure-Resource-Manager-8a7f5b2e'})])
    expect(app.redirectUris).toEqual([result.push!.redirectUrl])
    expect(result.next).toEqual([])
  })

  it('refuses a connector without Entra ID OAuth', async () => {
    const dir = join(root, 'plain')
    writeSimpleConnector(dir)
    expect(await ccErrorOf(createEntraApp({path: dir, env: 'local:dev'}, ctx))).toMatchObject({code: 'CONNECTOR_NOT_ENTRA', exitCode: 2})
  })
})
