import {randomUUID} from 'node:crypto'

import {json, noContent, odataError, type EmulatorRequest, type EmulatorResponse} from '../http.js'
import {homeTenant} from '../identity/directory.js'
import {evaluateFilter, filterProperties, ODataQueryError, paginate, parseFilter, parseSelect, preferredPageSize} from '../odata.js'
import {blobAccount, principalOf} from '../platform/connectors.js'
import {deleteConnector} from '../platform/powerapps-routes.js'
import {routesOf, type RouteDefinition} from '../router.js'
import {uuidFrom} from '../state/seed.js'
import {
  collections,
  type ConnectorRecord,
  type ImportJobRecord,
  type PublisherRecord,
  type SolutionComponentRecord,
  type SolutionRecord,
} from '../state/records.js'
import type {Transaction} from '../state/store.js'
import {allColumns, connectorRow, readOnlyColumns, selectColumns, writableColumns} from './connector-columns.js'
import {normalizeGuid, writeConnectorRow} from './connector-writes.js'
import {addComponent, orgOf, unmanagedSolution, type OrgContext} from './org.js'
import {exportSolution} from './solution-export.js'
import {importSolution} from './solution-import.js'

/**
 * The Dataverse Web API of each environment's org, under `/dataverse/{environment}/api/data/v9.x/`: the
 * `connectors` table, WhoAmI, publishers, solutions, solution components, import jobs, and the actions
 * ImportSolution, ExportSolution, AddSolutionComponent, RemoveSolutionComponent, PublishXml, PublishAllXml.
 */
export function dataverseRoutes(): RouteDefinition[] {
  const base = routesOf('dataverse', 'dataverse', '/dataverse/{environment}/api/data/{version}/')
  const route = (method: string, path: string, name: string, handler: (req: EmulatorRequest, org: OrgContext) => Promise<EmulatorResponse>, bodyLimit?: number): RouteDefinition => ({
    ...base(method, path, name, async (req, ctx) => handler(req, {...ctx, ...(await orgOf(req, ctx))})),
    ...(bodyLimit ? {bodyLimit} : {}),
  })
  return [
    route('GET', 'connectors', 'dataverse.connectors.list', listConnectors),
    route('POST', 'connectors', 'dataverse.connectors.create', createConnector),
    route('GET', 'connectors({id})', 'dataverse.connectors.get', getConnector),
    route('PATCH', 'connectors({id})', 'dataverse.connectors.update', updateConnector),
    route('DELETE', 'connectors({id})', 'dataverse.connectors.delete', deleteConnectorRow),
    route('GET', 'WhoAmI', 'dataverse.WhoAmI', whoAmI),
    route('GET', 'WhoAmI()', 'dataverse.WhoAmI', whoAmI),
    route('GET', 'publishers', 'dataverse.publishers.list', listPublishers),
    route('POST', 'publishers', 'dataverse.publishers.create', createPublisher),
    route('GET', 'solutions', 'dataverse.solutions.list', listSolutions),
    route('GET', 'solutions({id})', 'dataverse.solutions.get', getSolution),
    route('POST', 'solutions', 'dataverse.solutions.create', createSolution),
    route('DELETE', 'solutions({id})', 'dataverse.solutions.delete', deleteSolution),
    route('GET', 'solutioncomponents', 'dataverse.solutioncomponents.list', listComponents),
    route('GET', 'importjobs({id})', 'dataverse.importjobs.get', getImportJob),
    route('GET', 'EntityDefinitions', 'dataverse.EntityDefinitions', entityDefinitions),
    route('POST', 'ImportSolution', 'dataverse.ImportSolution', importSolutionAction, 200 * 1024 * 1024),
    route('POST', 'ExportSolution', 'dataverse.ExportSolution', exportSolutionAction),
    route('POST', 'AddSolutionComponent', 'dataverse.AddSolutionComponent', addSolutionComponentAction),
    route('POST', 'RemoveSolutionComponent', 'dataverse.RemoveSolutionComponent', removeSolutionComponentAction),
    route('POST', 'PublishXml', 'dataverse.PublishXml', async () => noContent()),
    route('POST', 'PublishAllXml', 'dataverse.PublishAllXml', async () => noContent()),
  ]
}

function queryError(error: unknown): never {
  if (error instanceof ODataQueryError) throw odataError(400, '0x80060888', error.message)
  throw error
}

/** Rows through `$filter`, `$select`, `$top` and paging (`Prefer: odata.maxpagesize`). */
function listResponse(req: EmulatorRequest, org: OrgContext, entitySet: string, rows: Array<Record<string, unknown>>, columns: Set<string>, key: string): EmulatorResponse {
  try {
    const filterText = req.query.get('$filter')
    let kept = rows
    if (filterText !== null) {
      const filter = parseFilter(filterText)
      for (const property of filterProperties(filter)) {
        if (!columns.has(property)) throw new ODataQueryError(`Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${entitySet.replace(/s$/, '')}'.`)
      }
      kept = rows.filter((row) => evaluateFilter(filter, (path) => row[path]) === true)
    }
    const select = checkedSelect(req, columns, entitySet)
    const pageSize = preferredPageSize(req) ?? org.settings.dataversePageSize
    const page = paginate(kept, req, pageSize)
    return json(
      200,
      {
        '@odata.context': `${org.apiUrl}/$metadata#${entitySet}${select ? `(${select.join(',')})` : ''}`,
        value: page.items.map((row) => selectColumns(row, select, key)),
        ...(page.nextLink ? {'@odata.nextLink': page.nextLink} : {}),
      },
      {'odata-version': '4.0', ...(preferredPageSize(req) ? {'preference-applied': `odata.maxpagesize=${pageSize}`} : {})},
    )
  } catch (error) {
    queryError(error)
  }
}

function checkedSelect(req: EmulatorRequest, columns: Set<string>, entitySet: string): string[] | undefined {
  const select = parseSelect(req.query.get('$select'))
  for (const column of select ?? []) {
    if (!columns.has(column)) throw new ODataQueryError(`Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${entitySet.replace(/s$/, '')}'.`)
  }
  return select
}

async function rowOf(org: OrgContext, record: ConnectorRecord, withIcon: boolean): Promise<Record<string, unknown>> {
  const icon = withIcon && record.iconBlob ? (await org.blobs.get(blobAccount, 'connector-icons', `${record.environment}/${record.name}`))?.data : undefined
  return connectorRow(record, {icon, systemUserId: org.systemUserId})
}

async function listConnectors(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const withIcon = (req.query.get('$select') ?? '').split(',').some((c) => c.trim() === 'iconblob')
  const records = (await org.store.list<ConnectorRecord>(collections.connectors(org.environment.id))).sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.name.localeCompare(b.name))
  const rows = await Promise.all(records.map((r) => rowOf(org, r, withIcon)))
  return listResponse(req, org, 'connectors', rows, allColumns, 'connectorid')
}

function connectorNotFound(id: string): never {
  throw odataError(404, '0x80040217', `connector With Id = ${id} Does Not Exist`)
}

function idParam(req: EmulatorRequest): string {
  const id = normalizeGuid(req.params.id)
  if (!id) throw odataError(400, '0x80060888', `Bad Request - Error in query syntax: '${req.params.id}' is not a GUID key.`)
  return id
}

async function findRow(org: OrgContext, id: string, tx?: Transaction): Promise<ConnectorRecord | undefined> {
  const records = tx ? await tx.list<ConnectorRecord>(collections.connectors(org.environment.id)) : await org.store.list<ConnectorRecord>(collections.connectors(org.environment.id))
  return records.find((r) => r.connectorid === id)
}

async function getConnector(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = idParam(req)
  const record = await findRow(org, id)
  if (!record) connectorNotFound(id)
  try {
    const select = checkedSelect(req, allColumns, 'connectors')
    const row = await rowOf(org, record, select?.includes('iconblob') ?? false)
    return json(200, {'@odata.context': `${org.apiUrl}/$metadata#connectors${select ? `(${select.join(',')})` : ''}/$entity`, ...selectColumns(row, select, 'connectorid')}, {'odata-version': '4.0', etag: String(row['@odata.etag'])})
  } catch (error) {
    queryError(error)
  }
}

/** The columns of a request body, refusing what the table does not have or does not let clients write. */
async function bodyColumns(req: EmulatorRequest): Promise<Record<string, unknown>> {
  const body = await req.json()
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw odataError(400, '0x80048d19', 'The request body must be a JSON object of column values.')
  for (const key of Object.keys(body)) {
    if (key.startsWith('@odata.')) continue
    if (readOnlyColumns.has(key)) throw odataError(400, '0x80048d19', `The property '${key}' is read-only on type 'Microsoft.Dynamics.CRM.connector' (the platform sets it).`)
    if (!writableColumns.has(key)) {
      throw odataError(
        400,
        '0x80048d19',
        `Error identified in Payload provided by the user for Entity :'connectors', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293 ----> InnerException : Microsoft.OData.ODataException: The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.connector'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      )
    }
  }
  return body as Record<string, unknown>
}

/** 204 with OData-EntityId, or (Prefer: return=representation) 201/200 with the row. */
async function written(req: EmulatorRequest, org: OrgContext, record: ConnectorRecord, created: boolean): Promise<EmulatorResponse> {
  const entityId = `${org.apiUrl}/connectors(${record.connectorid})`
  const headers = {'odata-entityid': entityId, 'odata-version': '4.0', etag: `W/"${record.version}"`}
  if (!/return=representation/i.test(req.header('prefer') ?? '')) return noContent(headers)
  try {
    const select = checkedSelect(req, allColumns, 'connectors')
    const row = await rowOf(org, record, select?.includes('iconblob') ?? false)
    return json(created ? 201 : 200, {'@odata.context': `${org.apiUrl}/$metadata#connectors/$entity`, ...selectColumns(row, select, 'connectorid')}, {...headers, 'preference-applied': 'return=representation'})
  } catch (error) {
    queryError(error)
  }
}

async function createConnector(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const columns = await bodyColumns(req)
  const connectorid = columns.connectorid === undefined ? undefined : normalizeGuid(columns.connectorid)
  if (columns.connectorid !== undefined && !connectorid) throw odataError(400, '0x80048d19', `'${String(columns.connectorid)}' is not a valid GUID for connectorid.`)
  const principal = await principalOf(org, req.auth!)
  const tenant = await homeTenant(org)
  const solutionName = req.header('mscrm.solutionuniquename')
  const record = await org.store.transaction(async (tx) => {
    const solution = solutionName ? await unmanagedSolution(org, tx, solutionName) : undefined
    const row = await writeConnectorRow(org, tx, {environment: org.environment, tenantId: tenant.id, principal, columns, ...(connectorid ? {connectorid} : {})})
    if (solution) await addComponent(org, tx, solution, row.connectorid)
    return row
  })
  return written(req, org, record, true)
}

async function updateConnector(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = idParam(req)
  const columns = await bodyColumns(req)
  if (columns.connectorid !== undefined && normalizeGuid(columns.connectorid) !== id) throw odataError(400, '0x80048d19', 'The connectorid in the body differs from the key in the URL.')
  const principal = await principalOf(org, req.auth!)
  const tenant = await homeTenant(org)
  const solutionName = req.header('mscrm.solutionuniquename')
  const ifMatch = req.header('if-match')
  const ifNoneMatch = req.header('if-none-match')
  const {record, created} = await org.store.transaction(async (tx) => {
    const existing = await findRow(org, id, tx)
    if (!existing && ifMatch) connectorNotFound(id)
    if (existing && ifNoneMatch === '*') throw odataError(412, '0x80040237', 'A record with matching key values already exists.')
    if (existing && ifMatch && ifMatch !== '*' && ifMatch !== `W/"${existing.version}"`) {
      throw odataError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.")
    }
    const solution = solutionName ? await unmanagedSolution(org, tx, solutionName) : undefined
    // PATCH to a key that does not exist creates the row (upsert), as Dataverse does.
    const row = await writeConnectorRow(org, tx, {environment: org.environment, tenantId: tenant.id, principal, columns, ...(existing ? {existing} : {connectorid: id})})
    if (solution) await addComponent(org, tx, solution, row.connectorid)
    return {record: row, created: !existing}
  })
  return written(req, org, record, created)
}

async function deleteConnectorRow(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = idParam(req)
  await org.store.transaction(async (tx) => {
    const existing = await findRow(org, id, tx)
    if (!existing) connectorNotFound(id)
    await deleteConnector(org, tx, existing)
  })
  return noContent({'odata-version': '4.0'})
}

async function whoAmI(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  return json(200, {
    '@odata.context': `${org.apiUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: org.environment.businessUnitId,
    UserId: org.systemUserId(req.auth!.objectId),
    OrganizationId: org.environment.organizationId,
  })
}

function publisherRow(p: PublisherRecord): Record<string, unknown> {
  return {'@odata.etag': 'W/"1"', ...p}
}

async function listPublishers(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const rows = (await org.store.list<PublisherRecord>(collections.publishers(org.environment.id))).map(publisherRow)
  return listResponse(req, org, 'publishers', rows, new Set(['publisherid', 'uniquename', 'friendlyname', 'customizationprefix', 'customizationoptionvalueprefix', 'description']), 'publisherid')
}

async function createPublisher(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const body = (await req.json()) as Record<string, unknown>
  const uniquename = body?.uniquename
  const prefix = body?.customizationprefix
  if (typeof uniquename !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(uniquename)) throw odataError(400, '0x80040203', "Required field 'uniquename' is missing or not a valid name.")
  if (typeof prefix !== 'string' || !/^[a-z][a-z0-9]{1,7}$/i.test(prefix) || /^mscrm/i.test(prefix)) {
    throw odataError(400, '0x80040203', "'customizationprefix' must be 2 to 8 letters or digits, start with a letter, and not start with 'mscrm'.")
  }
  const optionPrefix = Number(body.customizationoptionvalueprefix ?? 10000)
  if (!Number.isInteger(optionPrefix) || optionPrefix < 10000 || optionPrefix > 99999) throw odataError(400, '0x80040203', "'customizationoptionvalueprefix' must be a number from 10000 to 99999.")
  const publisher = await org.store.transaction(async (tx) => {
    const existing = await tx.list<PublisherRecord>(collections.publishers(org.environment.id))
    if (existing.some((p) => p.uniquename.toLowerCase() === uniquename.toLowerCase())) throw odataError(412, '0x80040237', `A publisher named '${uniquename}' already exists.`)
    const record: PublisherRecord = {
      publisherid: normalizeGuid(body.publisherid) ?? randomUUID(),
      uniquename,
      friendlyname: String(body.friendlyname ?? uniquename),
      customizationprefix: prefix.toLowerCase(),
      customizationoptionvalueprefix: optionPrefix,
      description: typeof body.description === 'string' ? body.description : null,
    }
    tx.put(collections.publishers(org.environment.id), record.publisherid, record)
    return record
  })
  return noContent({'odata-entityid': `${org.apiUrl}/publishers(${publisher.publisherid})`})
}

function solutionRow(s: SolutionRecord): Record<string, unknown> {
  const {publisherid, ...rest} = s
  return {'@odata.etag': 'W/"1"', ...rest, _publisherid_value: publisherid}
}

const solutionColumns = new Set(['solutionid', 'uniquename', 'friendlyname', 'version', 'ismanaged', 'isvisible', '_publisherid_value', 'description', 'installedon', 'modifiedon'])

async function listSolutions(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const rows = (await org.store.list<SolutionRecord>(collections.solutions(org.environment.id))).map(solutionRow)
  return listResponse(req, org, 'solutions', rows, solutionColumns, 'solutionid')
}

async function getSolution(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = idParam(req)
  const solution = await org.store.get<SolutionRecord>(collections.solutions(org.environment.id), id)
  if (!solution) throw odataError(404, '0x80040217', `solution With Id = ${id} Does Not Exist`)
  return json(200, {'@odata.context': `${org.apiUrl}/$metadata#solutions/$entity`, ...solutionRow(solution)})
}

async function createSolution(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const body = (await req.json()) as Record<string, unknown>
  const uniquename = body?.uniquename
  if (typeof uniquename !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(uniquename)) throw odataError(400, '0x80040203', "Required field 'uniquename' is missing or not a valid name (letters, digits, underscores).")
  const bind = String(body['publisherid@odata.bind'] ?? '')
  const publisherid = normalizeGuid(/publishers\(([^)]+)\)/i.exec(bind)?.[1])
  if (!publisherid) throw odataError(400, '0x80040203', "Required field 'publisherid' is missing: send \"publisherid@odata.bind\": \"/publishers(<id>)\".")
  const version = String(body.version ?? '1.0.0.0')
  if (!/^\d+(\.\d+){1,3}$/.test(version)) throw odataError(400, '0x80048d19', `'${version}' is not a valid solution version (major.minor[.build[.revision]]).`)
  const solution = await org.store.transaction(async (tx) => {
    if (!(await tx.get(collections.publishers(org.environment.id), publisherid))) throw odataError(404, '0x80040217', `publisher With Id = ${publisherid} Does Not Exist`)
    const existing = await tx.list<SolutionRecord>(collections.solutions(org.environment.id))
    if (existing.some((s) => s.uniquename.toLowerCase() === uniquename.toLowerCase())) throw odataError(412, '0x80040237', `A solution named '${uniquename}' already exists.`)
    const now = new Date(org.now()).toISOString()
    const record: SolutionRecord = {
      solutionid: normalizeGuid(body.solutionid) ?? randomUUID(),
      uniquename,
      friendlyname: String(body.friendlyname ?? uniquename),
      version,
      ismanaged: false,
      isvisible: true,
      publisherid,
      description: typeof body.description === 'string' ? body.description : null,
      installedon: now,
      modifiedon: now,
    }
    tx.put(collections.solutions(org.environment.id), record.solutionid, record)
    return record
  })
  return noContent({'odata-entityid': `${org.apiUrl}/solutions(${solution.solutionid})`})
}

/** Deleting an unmanaged solution keeps its components; deleting a managed one removes them (Dataverse rules). */
async function deleteSolution(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = idParam(req)
  await org.store.transaction(async (tx) => {
    const solution = await tx.get<SolutionRecord>(collections.solutions(org.environment.id), id)
    if (!solution) throw odataError(404, '0x80040217', `solution With Id = ${id} Does Not Exist`)
    if (solution.uniquename === 'Default') throw odataError(400, '0x8004f01f', 'The Default solution cannot be deleted.')
    for (const component of await tx.list<SolutionComponentRecord>(collections.solutionComponents(org.environment.id))) {
      if (component.solutionid !== id) continue
      tx.delete(collections.solutionComponents(org.environment.id), component.solutioncomponentid)
      if (solution.ismanaged) {
        const connector = await findRow(org, component.objectid, tx)
        if (connector) await deleteConnector(org, tx, connector)
      }
    }
    tx.delete(collections.solutions(org.environment.id), id)
  })
  return noContent()
}

/** The solution components, with every connector implicitly in the Default solution. */
async function listComponents(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const explicit = await org.store.list<SolutionComponentRecord>(collections.solutionComponents(org.environment.id))
  const solutions = await org.store.list<SolutionRecord>(collections.solutions(org.environment.id))
  const defaultSolution = solutions.find((s) => s.uniquename === 'Default')
  const connectors = await org.store.list<ConnectorRecord>(collections.connectors(org.environment.id))
  const implicit: SolutionComponentRecord[] = defaultSolution
    ? connectors.map((c) => ({solutioncomponentid: uuidFrom(`${defaultSolution.solutionid}/${c.connectorid}`), solutionid: defaultSolution.solutionid, objectid: c.connectorid, componenttype: 372, rootcomponentbehavior: 0, createdon: c.createdTime}))
    : []
  const rows = [...explicit, ...implicit].map(({solutionid, ...rest}) => ({'@odata.etag': 'W/"1"', ...rest, _solutionid_value: solutionid, ismetadata: false}))
  return listResponse(req, org, 'solutioncomponents', rows, new Set(['solutioncomponentid', '_solutionid_value', 'objectid', 'componenttype', 'rootcomponentbehavior', 'ismetadata', 'createdon']), 'solutioncomponentid')
}

async function getImportJob(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = idParam(req)
  const job = await org.store.get<ImportJobRecord>(collections.importJobs(org.environment.id), id)
  if (!job) throw odataError(404, '0x80040217', `importjob With Id = ${id} Does Not Exist`)
  return json(200, {'@odata.context': `${org.apiUrl}/$metadata#importjobs/$entity`, '@odata.etag': 'W/"1"', ...job})
}

async function entityDefinitions(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const rows = [{LogicalName: 'connector', ObjectTypeCode: 372, EntitySetName: 'connectors', MetadataId: 'a1b6a6e8-6c3b-4a4a-9d4c-5f3c6c1e7b72', SchemaName: 'Connector'}]
  return listResponse(req, org, 'EntityDefinitions', rows, new Set(['LogicalName', 'ObjectTypeCode', 'EntitySetName', 'MetadataId', 'SchemaName']), 'MetadataId')
}

interface ComponentAction {
  ComponentId?: unknown
  ComponentType?: unknown
  SolutionUniqueName?: unknown
}

async function componentActionTarget(req: EmulatorRequest, org: OrgContext, tx: Transaction): Promise<{solution: SolutionRecord; connectorid: string}> {
  const body = (await req.json()) as ComponentAction
  const id = normalizeGuid(body?.ComponentId)
  if (!id) throw odataError(400, '0x80040203', "Required parameter 'ComponentId' is missing or not a GUID.")
  if (typeof body.SolutionUniqueName !== 'string' || body.SolutionUniqueName === '') throw odataError(400, '0x80040203', "Required parameter 'SolutionUniqueName' is missing.")
  const type = Number(body.ComponentType)
  if (type !== 372 && type !== 371) throw odataError(400, '0x80040203', `ComponentType ${String(body.ComponentType)} is not supported by the emulator, which holds connectors only (372).`)
  const solution = await unmanagedSolution(org, tx, body.SolutionUniqueName)
  if (!(await findRow(org, id, tx))) connectorNotFound(id)
  return {solution, connectorid: id}
}

async function addSolutionComponentAction(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const component = await org.store.transaction(async (tx) => {
    const {solution, connectorid} = await componentActionTarget(req, org, tx)
    return addComponent(org, tx, solution, connectorid)
  })
  return json(200, {'@odata.context': `${org.apiUrl}/$metadata#Microsoft.Dynamics.CRM.AddSolutionComponentResponse`, id: component.solutioncomponentid})
}

async function removeSolutionComponentAction(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const id = await org.store.transaction(async (tx) => {
    const {solution, connectorid} = await componentActionTarget(req, org, tx)
    const collection = collections.solutionComponents(org.environment.id)
    const existing = (await tx.list<SolutionComponentRecord>(collection)).find((c) => c.solutionid === solution.solutionid && c.objectid === connectorid)
    if (!existing) throw odataError(404, '0x80040217', `The connector ${connectorid} is not a component of the solution '${solution.uniquename}'.`)
    tx.delete(collection, existing.solutioncomponentid)
    return existing.solutioncomponentid
  })
  return json(200, {'@odata.context': `${org.apiUrl}/$metadata#Microsoft.Dynamics.CRM.RemoveSolutionComponentResponse`, id})
}

async function importSolutionAction(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const body = (await req.json()) as Record<string, unknown>
  await importSolution(req, org, body)
  return noContent({'odata-version': '4.0'})
}

async function exportSolutionAction(req: EmulatorRequest, org: OrgContext): Promise<EmulatorResponse> {
  const body = (await req.json()) as Record<string, unknown>
  const file = await exportSolution(req, org, body)
  return json(200, {'@odata.context': `${org.apiUrl}/$metadata#Microsoft.Dynamics.CRM.ExportSolutionResponse`, ExportSolutionFile: file.toString('base64')}, {'odata-version': '4.0'})
}
