import {randomUUID} from 'node:crypto'

import {isCcError} from '../../core/errors.js'
import {readZip} from '../../core/zip/read.js'
import {escapeXml, HttpError, odataError, type EmulatorRequest} from '../http.js'
import {homeTenant} from '../identity/directory.js'
import {principalOf} from '../platform/connectors.js'
import {collections, type ConnectorRecord, type ImportJobRecord, type PublisherRecord, type SolutionRecord} from '../state/records.js'
import {normalizeGuid, writeConnectorRow} from './connector-writes.js'
import {addComponent, type OrgContext} from './org.js'

/**
 * ImportSolution: the base64 solution zip is opened with the same hostile-zip guards as cc's own reader, then
 * solution.xml (publisher, version, managed, root components) and customizations.xml (`Connectors/Connector`)
 * are read with their Connector/ files, and the publisher, solution, connector rows and components are written
 * in one transaction, so a failed import changes nothing.
 */

const invalidFile = (detail: string) =>
  odataError(
    400,
    '0x80048060',
    `The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml. Customization files exported from previous versions of Microsoft Dynamics CRM are not supported. (${detail})`,
  )

type XmlNode = Record<string, unknown>

async function parseXml(data: Buffer, file: string): Promise<XmlNode> {
  const {XMLParser, XMLValidator} = await import('fast-xml-parser')
  const text = data.toString('utf8').replace(/^\uFEFF/, '')
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw odataError(400, '0x80048060', `The import file is invalid. XML error in ${file} at line ${valid.err.line}: ${valid.err.msg}`)
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => ['RootComponent', 'Connector', 'LocalizedName', 'Description'].includes(name),
  })
  return parser.parse(text) as XmlNode
}

function child(node: unknown, name: string): XmlNode | undefined {
  const value = (node as XmlNode | undefined)?.[name]
  return typeof value === 'object' && value !== null ? (value as XmlNode) : undefined
}

function text(node: unknown, name: string): string | undefined {
  const value = (node as XmlNode | undefined)?.[name]
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null && typeof (value as XmlNode)['#text'] === 'string') return (value as XmlNode)['#text'] as string
  return undefined
}

function list(node: unknown, name: string): XmlNode[] {
  const value = (node as XmlNode | undefined)?.[name]
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as XmlNode[]) : []
}

function localizedName(node: unknown): string | undefined {
  return list(child(node, 'LocalizedNames'), 'LocalizedName')[0]?.['@_description'] as string | undefined
}

interface ImportBody {
  CustomizationFile?: unknown
  ImportJobId?: unknown
  ConvertToManaged?: unknown
  OverwriteUnmanagedCustomizations?: unknown
}

export async function importSolution(req: EmulatorRequest, org: OrgContext, body: ImportBody): Promise<void> {
  if (typeof body?.CustomizationFile !== 'string' || body.CustomizationFile === '') throw odataError(400, '0x80040203', "Required parameter 'CustomizationFile' is missing (the solution zip as base64).")
  const zip = Buffer.from(body.CustomizationFile, 'base64')
  let files: Map<string, Buffer>
  try {
    files = await readZip(zip, {label: 'CustomizationFile'})
  } catch (error) {
    if (isCcError(error)) throw invalidFile(error.message)
    throw error
  }
  const byLower = new Map([...files].map(([name, data]) => [name.toLowerCase(), data]))
  const file = (path: string) => byLower.get(path.replace(/^\/+/, '').toLowerCase())
  for (const required of ['solution.xml', 'customizations.xml', '[content_types].xml']) {
    if (!byLower.has(required)) throw invalidFile(`${required} is missing`)
  }
  const manifest = child(child(await parseXml(file('solution.xml')!, 'solution.xml'), 'ImportExportXml'), 'SolutionManifest')
  if (!manifest) throw invalidFile('solution.xml has no ImportExportXml/SolutionManifest')
  const uniqueName = text(manifest, 'UniqueName')
  const version = text(manifest, 'Version') ?? '1.0.0.0'
  if (!uniqueName) throw invalidFile('solution.xml has no UniqueName')
  if (uniqueName.toLowerCase() === 'default' || uniqueName.toLowerCase() === 'active') throw odataError(400, '0x8004f01f', `A solution named '${uniqueName}' cannot be imported.`)
  const managed = text(manifest, 'Managed') === '1' || body.ConvertToManaged === true
  const publisherNode = child(manifest, 'Publisher')
  const publisherName = text(publisherNode, 'UniqueName')
  const prefix = text(publisherNode, 'CustomizationPrefix')
  if (!publisherName || !prefix) throw invalidFile('solution.xml has no Publisher with UniqueName and CustomizationPrefix')
  const roots = list(child(manifest, 'RootComponents'), 'RootComponent').filter((r) => r['@_type'] === '372' || r['@_type'] === '371')

  const customizations = child(await parseXml(file('customizations.xml')!, 'customizations.xml'), 'ImportExportXml')
  if (!customizations) throw invalidFile('customizations.xml has no ImportExportXml root')
  const connectorNodes = list(child(customizations, 'Connectors'), 'Connector')
  const connectors = connectorNodes.map((node) => connectorColumns(node, file))
  for (const root of roots) {
    const id = normalizeGuid(root['@_id'])
    const schemaName = root['@_schemaName']
    const match = connectors.find((c) => (id && c.connectorid === id) || (!id && typeof schemaName === 'string' && c.columns.name === schemaName))
    if (!match) {
      throw odataError(400, '0x8004f036', `Cannot add a Root Component ${String(root['@_id'] ?? schemaName)} of type 372 because it is not in the target system.`)
    }
  }

  const principal = await principalOf(org, req.auth!)
  const tenant = await homeTenant(org)
  const env = org.environment.id
  const now = new Date(org.now()).toISOString()
  const jobId = normalizeGuid(body.ImportJobId) ?? randomUUID()
  await org.store.transaction(async (tx) => {
    const publishers = await tx.list<PublisherRecord>(collections.publishers(env))
    let publisher = publishers.find((p) => p.uniquename.toLowerCase() === publisherName.toLowerCase())
    if (!publisher) {
      publisher = {
        publisherid: randomUUID(),
        uniquename: publisherName,
        friendlyname: localizedName(publisherNode) ?? publisherName,
        customizationprefix: prefix.toLowerCase(),
        customizationoptionvalueprefix: Number(text(publisherNode, 'CustomizationOptionValuePrefix') ?? 10000),
        description: null,
      }
      tx.put(collections.publishers(env), publisher.publisherid, publisher)
    }
    const solutions = await tx.list<SolutionRecord>(collections.solutions(env))
    const existing = solutions.find((s) => s.uniquename.toLowerCase() === uniqueName.toLowerCase())
    if (existing && existing.ismanaged !== managed) {
      throw odataError(
        400,
        '0x80048033',
        existing.ismanaged
          ? `The solution is already installed on this system as a managed solution and the package to be imported is unmanaged. Delete the managed solution '${uniqueName}' first, or import a managed package.`
          : `The solution '${uniqueName}' is already installed as an unmanaged solution; a managed package of the same solution cannot be imported over it.`,
      )
    }
    const solution: SolutionRecord = {
      solutionid: existing?.solutionid ?? randomUUID(),
      uniquename: uniqueName,
      friendlyname: localizedName(manifest) ?? uniqueName,
      version,
      ismanaged: managed,
      isvisible: true,
      publisherid: publisher.publisherid,
      description: null,
      installedon: existing?.installedon ?? now,
      modifiedon: now,
    }
    tx.put(collections.solutions(env), solution.solutionid, solution)
    const rows = await tx.list<ConnectorRecord>(collections.connectors(env))
    for (const connector of connectors) {
      const current = rows.find((r) => r.connectorid === connector.connectorid)
      try {
        const row = await writeConnectorRow(org, tx, {
          environment: org.environment,
          tenantId: tenant.id,
          principal,
          columns: connector.columns,
          managed,
          clearSecrets: true,
          ...(current ? {existing: current} : {connectorid: connector.connectorid}),
        })
        await addComponent(org, tx, solution, row.connectorid)
      } catch (error) {
        if (error instanceof HttpError) {
          const body = JSON.parse(String(error.response.body)) as {error: {code: string; message: string}}
          throw odataError(error.response.status, body.error.code, `Connector Import Failed (${String(connector.columns.name)}): ${body.error.message}`)
        }
        throw error
      }
    }
    const job: ImportJobRecord = {
      importjobid: jobId,
      solutionname: uniqueName,
      progress: 100,
      startedon: now,
      completedon: now,
      data: `<importexportxml><solutionManifests><solutionManifest languagecode="1033"><UniqueName>${escapeXml(uniqueName)}</UniqueName><Version>${escapeXml(version)}</Version><Managed>${managed ? 1 : 0}</Managed><result result="success" errorcode="0" errortext="" /></solutionManifest></solutionManifests><connectors>${connectors.map((c) => `<connector name="${escapeXml(String(c.columns.name))}" id="${c.connectorid}"><result result="success" /></connector>`).join('')}</connectors></importexportxml>`,
    }
    tx.put(collections.importJobs(env), job.importjobid, job)
  })
}

/** The column values of one `Connector` element, with the Connector/ files it names. */
function connectorColumns(node: XmlNode, file: (path: string) => Buffer | undefined): {connectorid: string; columns: Record<string, unknown>} {
  const connectorid = normalizeGuid(text(node, 'connectorid'))
  const name = text(node, 'name')
  if (!connectorid || !name) throw odataError(400, '0x80048060', 'The import file is invalid: every Connector in customizations.xml needs a connectorid (GUID) and a name.')
  const columns: Record<string, unknown> = {name, displayname: text(node, 'displayname') ?? name}
  for (const column of ['description', 'iconbrandcolor', 'connectortype', 'scriptoperations'] as const) {
    const value = text(node, column)
    if (value !== undefined) columns[column] = column === 'connectortype' ? Number(value) : value
  }
  const fileColumns = ['openapidefinition', 'connectionparameters', 'connectionparametersets', 'policytemplateinstances', 'customcodeblobcontent', 'iconblob'] as const
  for (const column of fileColumns) {
    const path = text(node, column)
    if (path === undefined || path === '') continue
    const data = file(path)
    if (!data) throw odataError(400, '0x80048060', `Connector Import Failed: File Not Found (${path}, named by the connector ${name}).`)
    columns[column] = column === 'iconblob' ? data.toString('base64') : data.toString('utf8').replace(/^\uFEFF/, '')
  }
  if (columns.openapidefinition === undefined) throw odataError(400, '0x80048060', `Connector Import Failed: the connector ${name} names no openapidefinition file.`)
  return {connectorid, columns}
}
