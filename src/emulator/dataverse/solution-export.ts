import {PassThrough} from 'node:stream'

import {escapeXml, odataError, type EmulatorRequest} from '../http.js'
import {blobAccount, presentedParameters} from '../platform/connectors.js'
import {collections, type ConnectorRecord, type PublisherRecord, type SolutionComponentRecord, type SolutionRecord} from '../state/records.js'
import type {OrgContext} from './org.js'

/**
 * ExportSolution: a packed solution zip as Dataverse writes one (dataverse-and-solutions.md 3.1–3.5):
 * `[Content_Types].xml`, `solution.xml`, `customizations.xml` and the `Connector/` files at the root. Secrets are
 * never exported; per-connector redirect URLs are (as in real exports).
 */
export async function exportSolution(_req: EmulatorRequest, org: OrgContext, body: {SolutionName?: unknown; Managed?: unknown}): Promise<Buffer> {
  if (typeof body?.SolutionName !== 'string' || body.SolutionName === '') throw odataError(400, '0x80040203', "Required parameter 'SolutionName' is missing.")
  const env = org.environment.id
  const solution = (await org.store.list<SolutionRecord>(collections.solutions(env))).find((s) => s.uniquename.toLowerCase() === String(body.SolutionName).toLowerCase())
  if (!solution) throw odataError(404, '0x8004a103', `The solution with unique name '${body.SolutionName}' does not exist in this environment.`)
  if (solution.uniquename === 'Default') throw odataError(400, '0x8004f01f', 'The Default solution cannot be exported.')
  const publisher = await org.store.get<PublisherRecord>(collections.publishers(env), solution.publisherid)
  const components = (await org.store.list<SolutionComponentRecord>(collections.solutionComponents(env))).filter((c) => c.solutionid === solution.solutionid)
  const rows = await org.store.list<ConnectorRecord>(collections.connectors(env))
  const connectors = components.map((c) => rows.find((r) => r.connectorid === c.objectid)).filter((r): r is ConnectorRecord => r !== undefined)
  const managed = body.Managed === true

  const files = new Map<string, Buffer | string>()
  const connectorXml: string[] = []
  for (const c of connectors) {
    const n = c.logicalName
    const {params, sets} = presentedParameters(c)
    const path = (suffix: string) => `Connector/${n}_${suffix}`
    files.set(path('openapidefinition.json'), c.openApiDefinition)
    files.set(path('connectionparameters.json'), JSON.stringify(params ?? {}))
    if (sets) files.set(path('connectionparametersets.json'), JSON.stringify(sets))
    files.set(path('policytemplateinstances.json'), JSON.stringify(c.policyTemplateInstances ?? []))
    if (c.script !== null) files.set(path('customcodeblobcontent.csx'), c.script)
    const icon = c.iconBlob ? await org.blobs.get(blobAccount, 'connector-icons', `${env}/${c.name}`) : undefined
    if (icon) files.set(path('iconblob.Png'), icon.data)
    const element = (name: string, value: string | null) => (value === null ? '' : `<${name}>${escapeXml(value)}</${name}>`)
    connectorXml.push(
      '<Connector>' +
        element('connectorid', c.connectorid) +
        element('description', c.description) +
        element('displayname', c.displayName) +
        element('iconbrandcolor', c.iconBrandColor) +
        element('name', n) +
        element('connectortype', '1') +
        (c.script !== null && c.scriptOperations ? element('scriptoperations', JSON.stringify(c.scriptOperations)) : '') +
        element('openapidefinition', `/${path('openapidefinition.json')}`) +
        element('connectionparameters', `/${path('connectionparameters.json')}`) +
        (sets ? element('connectionparametersets', `/${path('connectionparametersets.json')}`) : '') +
        element('policytemplateinstances', `/${path('policytemplateinstances.json')}`) +
        (c.script !== null ? element('customcodeblobcontent', `/${path('customcodeblobcontent.csx')}`) : '') +
        (icon ? element('iconblob', `/${path('iconblob.Png')}`) : '') +
        '</Connector>',
    )
  }
  const xmlns = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
  const header = '\uFEFF<?xml version="1.0" encoding="utf-8"?>'
  const roots = connectors.map((c) => `<RootComponent type="372" id="{${c.connectorid}}" schemaName="${escapeXml(c.logicalName)}" behavior="0" />`).join('')
  const pub = publisher ?? {uniquename: 'DefaultPublisher', friendlyname: 'Default Publisher', customizationprefix: 'new', customizationoptionvalueprefix: 10000}
  files.set(
    'solution.xml',
    `${header}<ImportExportXml version="9.2.25101.200" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive" ${xmlns}><SolutionManifest>` +
      `<UniqueName>${escapeXml(solution.uniquename)}</UniqueName><LocalizedNames><LocalizedName description="${escapeXml(solution.friendlyname)}" languagecode="1033" /></LocalizedNames>` +
      `<Descriptions />` +
      `<Version>${escapeXml(solution.version)}</Version><Managed>${managed ? 1 : 0}</Managed>` +
      `<Publisher><UniqueName>${escapeXml(pub.uniquename)}</UniqueName><LocalizedNames><LocalizedName description="${escapeXml(pub.friendlyname)}" languagecode="1033" /></LocalizedNames><Descriptions />` +
      `<EMailAddress xsi:nil="true"></EMailAddress><SupportingWebsiteUrl xsi:nil="true"></SupportingWebsiteUrl><CustomizationPrefix>${escapeXml(pub.customizationprefix)}</CustomizationPrefix>` +
      `<CustomizationOptionValuePrefix>${pub.customizationoptionvalueprefix}</CustomizationOptionValuePrefix><Addresses /></Publisher>` +
      `<RootComponents>${roots}</RootComponents><MissingDependencies /></SolutionManifest></ImportExportXml>`,
  )
  files.set(
    'customizations.xml',
    `${header}<ImportExportXml ${xmlns}><Entities /><Roles /><Workflows /><FieldSecurityProfiles /><Templates /><EntityMaps /><EntityRelationships /><OrganizationSettings /><optionsets /><CustomControls /><EntityDataProviders />` +
      `<Connectors>${connectorXml.join('')}</Connectors><Languages><Language>1033</Language></Languages></ImportExportXml>`,
  )
  const extensions = [...new Set([...files.keys(), '[Content_Types].xml'].map((f) => f.slice(f.lastIndexOf('.') + 1)))].sort()
  files.set(
    '[Content_Types].xml',
    `${header}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${extensions.map((e) => `<Default Extension="${escapeXml(e)}" ContentType="application/octet-stream" />`).join('')}</Types>`,
  )
  return zipFiles(files, new Date(solution.modifiedon))
}

/** Writes a zip in memory (archiver, deflate), entries in a stable order. */
async function zipFiles(files: Map<string, Buffer | string>, date: Date): Promise<Buffer> {
  const {ZipArchive} = await import('archiver')
  const archive = new ZipArchive({zlib: {level: 6}})
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve)
    archive.on('error', reject)
  })
  archive.pipe(sink)
  const order = ['[Content_Types].xml', 'solution.xml', 'customizations.xml', ...[...files.keys()].filter((k) => k.startsWith('Connector/')).sort()]
  for (const name of order) archive.append(typeof files.get(name) === 'string' ? Buffer.from(files.get(name) as string, 'utf8') : (files.get(name) as Buffer), {name, date})
  await archive.finalize()
  await done
  return Buffer.concat(chunks)
}
