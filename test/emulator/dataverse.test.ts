import {ZipArchive} from 'archiver'
import {PassThrough} from 'node:stream'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readZip} from '../../src/core/zip/read.js'
import {connectorLogicalName, deterministicConnectorId} from '../../src/core/naming/connector-names.js'
import {appToken, call, devEnv, limitedApp, oauthConnectionParameters, prodEnv, sampleSwagger, scopes, startTestEmulator, testEnv, type TestEmulator, userToken} from '../helpers/emulator.js'

let emulator: TestEmulator
const tokens: Record<string, string> = {}
let powerApps: string

beforeAll(async () => {
  emulator = await startTestEmulator()
  for (const env of [devEnv, testEnv, prodEnv]) tokens[env.id] = (await userToken(emulator.url, scopes.dataverse(emulator.url, env.id))).accessToken
  powerApps = (await userToken(emulator.url, scopes.powerApps)).accessToken
})
afterAll(async () => emulator.dispose())

const api = (env: string, path: string) => `${emulator.url}/dataverse/${env}/api/data/v9.2/${path}`
const dv = (env: string, path: string, init: Parameters<typeof call>[1] = {}) => call(api(env, path), {token: tokens[env], ...init})
const rp = (name: string, env: string) => call(`${emulator.url}/providers/Microsoft.PowerApps/apis/${name}?api-version=2016-11-01&$filter=environment eq '${env}'`, {token: powerApps})

const swagger = sampleSwagger
const oauth = (managed: boolean, secret?: string) => oauthConnectionParameters({managed, ...(secret ? {secret} : {})})

function columns(displayName: string, extra: Record<string, unknown> = {}) {
  const name = connectorLogicalName('contoso', displayName)
  return {connectorid: deterministicConnectorId(name), name, displayname: displayName, description: 'test connector', connectortype: 1, openapidefinition: JSON.stringify(swagger(displayName)), ...extra}
}

describe('Dataverse tokens and callers', () => {
  it('answers 401 with an empty body and a challenge naming the org', async () => {
    const none = await call(api(devEnv.id, 'WhoAmI'))
    expect(none.status).toBe(401)
    expect(none.text).toBe('')
    expect(none.headers.get('www-authenticate')).toContain(`resource_id=${emulator.url}/dataverse/${devEnv.id}/`)
    const otherOrg = await call(api(testEnv.id, 'WhoAmI'), {token: tokens[devEnv.id]})
    expect(otherOrg.status).toBe(401)
    expect(otherOrg.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect((await call(api(devEnv.id, 'WhoAmI'), {token: powerApps})).status).toBe(401)
  })

  it('tells WhoAmI, and refuses a service principal that is not an application user (403)', async () => {
    const me = await dv(devEnv.id, 'WhoAmI')
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({BusinessUnitId: devEnv.businessUnitId, OrganizationId: devEnv.organizationId, UserId: expect.stringMatching(/^[0-9a-f-]{36}$/)})
    const ci = await appToken(emulator.url, {scope: scopes.dataverse(emulator.url, devEnv.id)})
    expect((await call(api(devEnv.id, 'WhoAmI'), {token: ci})).status).toBe(200)
    const limited = await appToken(emulator.url, {scope: scopes.dataverse(emulator.url, devEnv.id), clientId: limitedApp.appId, secret: limitedApp.secret})
    const denied = await call(api(devEnv.id, 'WhoAmI'), {token: limited})
    expect(denied.status).toBe(403)
    expect(denied.body.error.code).toBe('0x80072560')
  })
})

describe('the connectors table', () => {
  it('creates a row with the client-chosen connectorid, which the RP then shows under its connectorinternalid', async () => {
    const body = columns('Payments API', {connectionparameters: JSON.stringify(oauth(false, 'dv-secret')), iconbrandcolor: '#123456', capabilities: '118690005'})
    const created = await dv(devEnv.id, 'connectors', {method: 'POST', body})
    expect(created.status).toBe(204)
    expect(created.headers.get('odata-entityid')).toBe(api(devEnv.id, `connectors(${body.connectorid})`))
    const row = await dv(devEnv.id, `connectors(${body.connectorid})`)
    expect(row.status).toBe(200)
    expect(row.body).toMatchObject({connectorid: body.connectorid, name: 'contoso_payments-20api', displayname: 'Payments API', connectortype: 1, iconbrandcolor: '#123456', capabilities: '118690005'})
    expect(row.body.connectorinternalid).toMatch(/^shared_contoso-5fpayments-20api-5f[0-9a-f]{16}$/)
    expect(row.text).not.toContain('dv-secret')
    expect(JSON.parse(row.body.connectionparameters).token.oAuthSettings.redirectUrl).toBe(`https://global.consent.azure-apim.net/redirect/${row.body.connectorinternalid.slice(7)}`)
    const viaRp = await rp(row.body.connectorinternalid, devEnv.id)
    expect(viaRp.status).toBe(200)
    expect(viaRp.body.properties).toMatchObject({displayName: 'Payments API', metadata: {xrmConnectorId: body.connectorid}, capabilities: ['actions']})
    const selected = await dv(devEnv.id, `connectors?$select=name,connectorinternalid&$filter=displayname eq 'payments api'`)
    expect(selected.body.value).toEqual([{'@odata.etag': expect.any(String), name: 'contoso_payments-20api', connectorinternalid: row.body.connectorinternalid, connectorid: body.connectorid}])
  })

  it('shows connectors created through the RP as rows too', async () => {
    const created = await call(`${emulator.url}/providers/Microsoft.PowerApps/apis?api-version=2016-11-01&$filter=environment eq '${devEnv.id}'`, {
      token: powerApps,
      method: 'POST',
      body: {properties: {openApiDefinition: swagger('From The RP'), environment: {name: devEnv.id}}},
    })
    const rows = await dv(devEnv.id, `connectors?$filter=connectorinternalid eq '${created.body.name}'`)
    expect(rows.body.value).toHaveLength(1)
    expect(rows.body.value[0]).toMatchObject({displayname: 'From The RP', connectorid: created.body.properties.metadata.xrmConnectorId})
  })

  it('updates with PATCH (etag checks, immutable name), upserts unknown keys, deletes', async () => {
    const body = columns('Patchable')
    await dv(devEnv.id, 'connectors', {method: 'POST', body})
    const row = await dv(devEnv.id, `connectors(${body.connectorid})`)
    const stale = await dv(devEnv.id, `connectors(${body.connectorid})`, {method: 'PATCH', body: {description: 'x'}, headers: {'if-match': 'W/"999"'}})
    expect(stale.status).toBe(412)
    const patched = await dv(devEnv.id, `connectors(${body.connectorid})`, {method: 'PATCH', body: {description: 'changed'}, headers: {'if-match': row.body['@odata.etag'], prefer: 'return=representation'}})
    expect(patched.status).toBe(200)
    expect(patched.body.description).toBe('changed')
    const rename = await dv(devEnv.id, `connectors(${body.connectorid})`, {method: 'PATCH', body: {name: 'contoso_other'}})
    expect(rename.status).toBe(400)
    const upsertId = deterministicConnectorId('contoso_upserted')
    const mustExist = await dv(devEnv.id, `connectors(${upsertId})`, {method: 'PATCH', body: columns('Upserted'), headers: {'if-match': '*'}})
    expect(mustExist.status).toBe(404)
    const upserted = await dv(devEnv.id, `connectors(${upsertId})`, {method: 'PATCH', body: {...columns('Upserted'), connectorid: upsertId}})
    expect(upserted.status).toBe(204)
    expect((await dv(devEnv.id, `connectors(${upsertId})`)).body.displayname).toBe('Upserted')
    expect((await dv(devEnv.id, `connectors(${body.connectorid})`, {method: 'DELETE'})).status).toBe(204)
    const gone = await dv(devEnv.id, `connectors(${body.connectorid})`)
    expect(gone.status).toBe(404)
    expect(gone.body.error).toEqual({code: '0x80040217', message: `connector With Id = ${body.connectorid} Does Not Exist`})
    expect((await rp(row.body.connectorinternalid, devEnv.id)).status).toBe(404)
  })

  it('refuses what Dataverse refuses', async () => {
    const unknown = await dv(devEnv.id, 'connectors', {method: 'POST', body: {...columns('Bad'), nonsense: 1}})
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.message).toContain("The property 'nonsense' does not exist on type 'Microsoft.Dynamics.CRM.connector'")
    const wholeFile = await dv(devEnv.id, 'connectors', {method: 'POST', body: columns('Whole File', {connectionparameters: JSON.stringify({properties: {connectionParameters: {}}})})})
    expect(wholeFile.status).toBe(400)
    expect(wholeFile.body.error.message).toBe('ApiHubsRequestFailed: Nullable object must have a value.')
    const body = columns('Twice')
    await dv(devEnv.id, 'connectors', {method: 'POST', body})
    const twice = await dv(devEnv.id, 'connectors', {method: 'POST', body})
    expect(twice.status).toBe(412)
    expect(twice.body.error.code).toBe('0x80040237')
    const select = await dv(devEnv.id, 'connectors?$select=nope')
    expect(select.status).toBe(400)
    expect(select.body.error.message).toContain("Could not find a property named 'nope'")
    const missing = await dv(devEnv.id, 'connectors', {method: 'POST', body: {name: 'contoso_x'}})
    expect(missing.status).toBe(400)
    const readOnly = await dv(devEnv.id, 'connectors', {method: 'POST', body: {...columns('RO'), connectorinternalid: 'shared_x'}})
    expect(readOnly.status).toBe(400)
  })

  it('pages with @odata.nextLink when the client prefers a page size', async () => {
    for (const n of ['Page A', 'Page B', 'Page C']) await dv(testEnv.id, 'connectors', {method: 'POST', body: columns(n)})
    const seen: string[] = []
    let url: string | undefined = api(testEnv.id, `connectors?$select=displayname&$filter=startswith(displayname,'Page')`)
    while (url) {
      const page = await call(url, {token: tokens[testEnv.id], headers: {prefer: 'odata.maxpagesize=2'}})
      expect(page.body.value.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.value.map((r: {displayname: string}) => r.displayname))
      url = page.body['@odata.nextLink']
    }
    expect(seen).toEqual(['Page A', 'Page B', 'Page C'])
  })
})

async function zip(files: Record<string, string | Buffer>): Promise<string> {
  const archive = new ZipArchive()
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (c: Buffer) => chunks.push(c))
  const ended = new Promise((resolve) => sink.on('end', resolve))
  archive.pipe(sink)
  for (const [name, data] of Object.entries(files)) archive.append(typeof data === 'string' ? Buffer.from(data) : data, {name})
  await archive.finalize()
  await ended
  return Buffer.concat(chunks).toString('base64')
}

function solutionZip(options: {version?: string; connectorId?: string; managed?: boolean; omit?: string; extraRoot?: string} = {}) {
  const name = 'contoso_imported-20api'
  const id = options.connectorId ?? deterministicConnectorId(name)
  const files: Record<string, string> = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /><Default Extension="json" ContentType="application/octet-stream" /></Types>',
    'solution.xml': `\uFEFF<?xml version="1.0" encoding="utf-8"?><ImportExportXml version="9.2" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SolutionManifest><UniqueName>ContosoConnectors</UniqueName><LocalizedNames><LocalizedName description="Contoso connectors" languagecode="1033" /></LocalizedNames><Descriptions /><Version>${options.version ?? '1.0.0.0'}</Version><Managed>${options.managed ? 1 : 0}</Managed><Publisher><UniqueName>contoso</UniqueName><LocalizedNames><LocalizedName description="Contoso" languagecode="1033" /></LocalizedNames><Descriptions /><EMailAddress xsi:nil="true"></EMailAddress><SupportingWebsiteUrl xsi:nil="true"></SupportingWebsiteUrl><CustomizationPrefix>contoso</CustomizationPrefix><CustomizationOptionValuePrefix>12345</CustomizationOptionValuePrefix><Addresses /></Publisher><RootComponents><RootComponent type="372" id="{${id}}" schemaName="${name}" behavior="0" />${options.extraRoot ?? ''}</RootComponents><MissingDependencies /></SolutionManifest></ImportExportXml>`,
    'customizations.xml': `<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Entities /><Connectors><Connector><connectorid>${id}</connectorid><description>Imported</description><displayname>Imported API</displayname><iconbrandcolor>#007ee5</iconbrandcolor><name>${name}</name><connectortype>1</connectortype><openapidefinition>/Connector/${name}_openapidefinition.json</openapidefinition><connectionparameters>/Connector/${name}_connectionparameters.json</connectionparameters><policytemplateinstances>/Connector/${name}_policytemplateinstances.json</policytemplateinstances></Connector></Connectors><Languages><Language>1033</Language></Languages></ImportExportXml>`,
    [`Connector/${name}_openapidefinition.json`]: JSON.stringify(swagger('Imported API')),
    [`Connector/${name}_connectionparameters.json`]: JSON.stringify(oauth(true)),
    [`Connector/${name}_policytemplateinstances.json`]: '[]',
  }
  if (options.omit) delete files[options.omit]
  return {id, name, files}
}

describe('solutions', () => {
  it('puts a connector into a solution with MSCRM.SolutionUniqueName and AddSolutionComponent', async () => {
    const publisher = await dv(devEnv.id, 'publishers', {method: 'POST', body: {uniquename: 'fabrikam', friendlyname: 'Fabrikam', customizationprefix: 'fab', customizationoptionvalueprefix: 23456}})
    expect(publisher.status).toBe(204)
    const publisherId = /publishers\(([^)]+)\)/.exec(publisher.headers.get('odata-entityid')!)![1]
    const solution = await dv(devEnv.id, 'solutions', {method: 'POST', body: {uniquename: 'FabrikamConnectors', friendlyname: 'Fabrikam connectors', version: '1.0.0.0', 'publisherid@odata.bind': `/publishers(${publisherId})`}})
    expect(solution.status).toBe(204)
    const solutionId = /solutions\(([^)]+)\)/.exec(solution.headers.get('odata-entityid')!)![1]
    const body = columns('Solution Aware')
    expect((await dv(devEnv.id, 'connectors', {method: 'POST', body, headers: {'MSCRM.SolutionUniqueName': 'FabrikamConnectors'}})).status).toBe(204)
    const components = await dv(devEnv.id, `solutioncomponents?$filter=_solutionid_value eq ${solutionId} and componenttype eq 372`)
    expect(components.body.value.map((c: {objectid: string}) => c.objectid)).toEqual([body.connectorid])
    const other = columns('Added Later')
    await dv(devEnv.id, 'connectors', {method: 'POST', body: other})
    const add = await dv(devEnv.id, 'AddSolutionComponent', {method: 'POST', body: {ComponentId: other.connectorid, ComponentType: 372, SolutionUniqueName: 'FabrikamConnectors', AddRequiredComponents: false}})
    expect(add.status).toBe(200)
    const again = await dv(devEnv.id, 'AddSolutionComponent', {method: 'POST', body: {ComponentId: other.connectorid, ComponentType: 372, SolutionUniqueName: 'FabrikamConnectors', AddRequiredComponents: false}})
    expect(again.body.id).toBe(add.body.id)
    const unknown = await dv(devEnv.id, 'connectors', {method: 'POST', body: columns('Nowhere'), headers: {'MSCRM.SolutionUniqueName': 'NoSuchSolution'}})
    expect(unknown.status).toBe(404)
    expect((await dv(devEnv.id, `connectors(${columns('Nowhere').connectorid})`)).status).toBe(404)
  })

  it('lists publishers and solutions, removes components, answers EntityDefinitions and PublishXml, deletes solutions', async () => {
    const publishers = await dv(devEnv.id, `publishers?$filter=uniquename eq 'DefaultPublisher'&$select=customizationprefix`)
    expect(publishers.body.value).toEqual([{'@odata.etag': expect.any(String), customizationprefix: 'new', publisherid: expect.any(String)}])
    const publisherId = publishers.body.value[0].publisherid
    const created = await dv(devEnv.id, 'solutions', {method: 'POST', body: {uniquename: 'Scratch', version: '1.2', 'publisherid@odata.bind': `/publishers(${publisherId})`}})
    const id = /solutions\(([^)]+)\)/.exec(created.headers.get('odata-entityid')!)![1]
    expect((await dv(devEnv.id, `solutions(${id})`)).body).toMatchObject({uniquename: 'Scratch', version: '1.2', ismanaged: false, _publisherid_value: publisherId})
    expect((await dv(devEnv.id, 'solutions', {method: 'POST', body: {uniquename: 'Scratch', 'publisherid@odata.bind': `/publishers(${publisherId})`}})).status).toBe(412)
    const body = columns('Scratch Connector')
    await dv(devEnv.id, 'connectors', {method: 'POST', body, headers: {'MSCRM.SolutionUniqueName': 'Scratch'}})
    const removed = await dv(devEnv.id, 'RemoveSolutionComponent', {method: 'POST', body: {ComponentId: body.connectorid, ComponentType: 372, SolutionUniqueName: 'Scratch'}})
    expect(removed.status).toBe(200)
    expect((await dv(devEnv.id, `solutioncomponents?$filter=_solutionid_value eq ${id}`)).body.value).toEqual([])
    const defaultComponents = await dv(devEnv.id, `solutioncomponents?$filter=objectid eq ${body.connectorid}`)
    expect(defaultComponents.body.value).toHaveLength(1)
    const entity = await dv(devEnv.id, `EntityDefinitions?$filter=LogicalName eq 'connector'&$select=ObjectTypeCode`)
    expect(entity.body.value[0].ObjectTypeCode).toBe(372)
    expect((await dv(devEnv.id, 'PublishXml', {method: 'POST', body: {ParameterXml: '<importexportxml />'}})).status).toBe(204)
    expect((await dv(devEnv.id, `solutions(${id})`, {method: 'DELETE'})).status).toBe(204)
    expect((await dv(devEnv.id, `solutions(${id})`)).status).toBe(404)
    expect((await dv(devEnv.id, `connectors(${body.connectorid})`)).status).toBe(200)
  })

  it('imports a solution zip: same connectorid in every environment, a different internal id and managed identity', async () => {
    const {id, files} = solutionZip()
    const customizationFile = await zip(files)
    for (const env of [devEnv, testEnv]) {
      const imported = await dv(env.id, 'ImportSolution', {method: 'POST', body: {CustomizationFile: customizationFile, OverwriteUnmanagedCustomizations: true, PublishWorkflows: true, ImportJobId: '11111111-2222-4333-8444-555555555555'}})
      expect(imported.status).toBe(204)
    }
    const dev = await dv(devEnv.id, `connectors(${id})`)
    const test = await dv(testEnv.id, `connectors(${id})`)
    expect(dev.body).toMatchObject({displayname: 'Imported API', ismanaged: false})
    expect(dev.body.connectorinternalid).not.toBe(test.body.connectorinternalid)
    const devMi = (await rp(dev.body.connectorinternalid, devEnv.id)).body.properties.managedIdentity
    const testMi = (await rp(test.body.connectorinternalid, testEnv.id)).body.properties.managedIdentity
    expect(devMi.subject).toContain(`/e/${devEnv.id}/`)
    expect(testMi.subject).toContain(`/e/${testEnv.id}/`)
    const solutions = await dv(devEnv.id, `solutions?$filter=uniquename eq 'ContosoConnectors'&$select=version,ismanaged`)
    expect(solutions.body.value[0]).toMatchObject({version: '1.0.0.0', ismanaged: false})
    const job = await dv(devEnv.id, 'importjobs(11111111-2222-4333-8444-555555555555)')
    expect(job.body).toMatchObject({progress: 100, solutionname: 'ContosoConnectors'})
    // A new version updates the same row and keeps its internal id and managed identity.
    expect((await dv(devEnv.id, 'ImportSolution', {method: 'POST', body: {CustomizationFile: await zip(solutionZip({version: '1.0.1.0'}).files)}})).status).toBe(204)
    const again = await dv(devEnv.id, `connectors(${id})`)
    expect(again.body.connectorinternalid).toBe(dev.body.connectorinternalid)
    expect((await rp(dev.body.connectorinternalid, devEnv.id)).body.properties.managedIdentity).toEqual(devMi)
  })

  it('refuses broken solution zips with the platform messages, and changes nothing', async () => {
    const notZip = await dv(prodEnv.id, 'ImportSolution', {method: 'POST', body: {CustomizationFile: Buffer.from('not a zip').toString('base64')}})
    expect(notZip.status).toBe(400)
    expect(notZip.body.error.message).toMatch(/^The solution file is invalid/)
    const {name, files} = solutionZip({omit: `Connector/contoso_imported-20api_connectionparameters.json`})
    const missingFile = await dv(prodEnv.id, 'ImportSolution', {method: 'POST', body: {CustomizationFile: await zip(files)}})
    expect(missingFile.status).toBe(400)
    expect(missingFile.body.error.message).toContain('Connector Import Failed: File Not Found')
    const orphan = await dv(prodEnv.id, 'ImportSolution', {method: 'POST', body: {CustomizationFile: await zip(solutionZip({extraRoot: '<RootComponent type="372" id="{0f0f0f0f-0000-4000-8000-000000000000}" behavior="0" />'}).files)}})
    expect(orphan.status).toBe(400)
    expect(orphan.body.error.message).toContain('Cannot add a Root Component {0f0f0f0f-0000-4000-8000-000000000000} of type 372 because it is not in the target system')
    expect((await dv(prodEnv.id, `connectors?$filter=name eq '${name}'`)).body.value).toEqual([])
    expect((await dv(prodEnv.id, `solutions?$filter=uniquename eq 'ContosoConnectors'`)).body.value).toEqual([])
  })

  it('exports a solution as a zip with the connector files and no secrets', async () => {
    const {id, name} = solutionZip()
    const exported = await dv(devEnv.id, 'ExportSolution', {method: 'POST', body: {SolutionName: 'ContosoConnectors', Managed: false}})
    expect(exported.status).toBe(200)
    const files = await readZip(Buffer.from(exported.body.ExportSolutionFile, 'base64'))
    expect([...files.keys()].sort()).toEqual(
      ['[Content_Types].xml', `Connector/${name}_connectionparameters.json`, `Connector/${name}_openapidefinition.json`, `Connector/${name}_policytemplateinstances.json`, 'customizations.xml', 'solution.xml'].sort(),
    )
    expect(files.get('solution.xml')!.toString()).toContain(`<RootComponent type="372" id="{${id}}" schemaName="${name}" behavior="0" />`)
    expect(files.get('customizations.xml')!.toString()).toContain(`<connectorid>${id}</connectorid>`)
    const params = JSON.parse(files.get(`Connector/${name}_connectionparameters.json`)!.toString())
    expect(params.token.oAuthSettings.clientSecret).toBeUndefined()
    const missing = await dv(devEnv.id, 'ExportSolution', {method: 'POST', body: {SolutionName: 'Nope', Managed: false}})
    expect(missing.status).toBe(404)
  })
})
