import type {ConnectorRecord} from '../state/records.js'
import {presentedParameters} from '../platform/connectors.js'

/**
 * The Dataverse `connector` table's columns (dataverse-and-solutions.md 2.2) as a view of a connector record, and
 * which of them a client may write.
 */

/** Capabilities: the multi-select option values and the RP's names. */
export const capabilityValues: Record<string, number> = {composite: 118690000, tabular: 118690001, blob: 118690002, gateway: 118690003, cloud: 118690004, actions: 118690005}

export const writableColumns = new Set([
  'connectorid',
  'name',
  'displayname',
  'description',
  'connectortype',
  'openapidefinition',
  'connectionparameters',
  'connectionparametersets',
  'policytemplateinstances',
  'iconbrandcolor',
  'iconblob',
  'customcodeblobcontent',
  'scriptoperations',
  'capabilities',
  'statecode',
  'statuscode',
  'introducedversion',
  'iscustomizable',
  'overriddencreatedon',
  'importsequencenumber',
  'interfaces',
  'ownerid@odata.bind',
])

export const readOnlyColumns = new Set([
  'connectorinternalid',
  'componentstate',
  'connectoridunique',
  'ismanaged',
  'solutionid',
  'supportingsolutionid',
  'overwritetime',
  'versionnumber',
  'createdon',
  'modifiedon',
  '_createdby_value',
  '_modifiedby_value',
  '_ownerid_value',
  'iconblob_url',
  'iconblobid',
])

/** Every column a GET can return ($select and $filter check against it). */
export const allColumns = new Set([...[...writableColumns].filter((c) => !c.includes('@')), ...readOnlyColumns])

/** Solution id of unmanaged components ("Active"), as Dataverse reports it. */
const activeSolutionId = 'fd140aaf-4df4-11dd-bd17-0019b9312238'

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}

/** The row as the Web API returns it. `iconblob` (the image, base64) only when selected. */
export function connectorRow(record: ConnectorRecord, options: {icon?: Buffer | undefined; systemUserId: (principalId: string) => string}): Record<string, unknown> {
  const {params, sets} = presentedParameters(record)
  const capabilities = record.capabilities.map((c) => capabilityValues[c.toLowerCase()]).filter((v) => v !== undefined)
  return {
    '@odata.etag': `W/"${record.version}"`,
    connectorid: record.connectorid,
    name: record.logicalName,
    displayname: record.displayName,
    description: record.description,
    connectortype: 1,
    openapidefinition: record.openApiDefinition,
    connectionparameters: jsonOrNull(params),
    connectionparametersets: jsonOrNull(sets),
    policytemplateinstances: jsonOrNull(record.policyTemplateInstances),
    iconbrandcolor: record.iconBrandColor,
    customcodeblobcontent: record.script,
    scriptoperations: jsonOrNull(record.scriptOperations),
    capabilities: capabilities.length > 0 ? capabilities.join(',') : null,
    connectorinternalid: record.name,
    componentstate: 0,
    connectoridunique: record.connectorid,
    ismanaged: record.ismanaged,
    solutionid: activeSolutionId,
    supportingsolutionid: null,
    overwritetime: '1900-01-01T00:00:00Z',
    versionnumber: record.version,
    statecode: record.statecode,
    statuscode: record.statuscode,
    introducedversion: '1.0',
    iscustomizable: {Value: true, CanBeChanged: true, ManagedPropertyLogicalName: 'iscustomizableanddeletable'},
    interfaces: null,
    overriddencreatedon: null,
    importsequencenumber: null,
    createdon: record.createdTime.replace(/\.\d+Z$/, 'Z'),
    modifiedon: record.changedTime.replace(/\.\d+Z$/, 'Z'),
    _createdby_value: options.systemUserId(record.createdBy.id),
    _modifiedby_value: options.systemUserId(record.modifiedBy.id),
    _ownerid_value: options.systemUserId(record.createdBy.id),
    iconblob_url: record.iconBlob || record.iconUrl ? `/Image/download.aspx?Entity=connector&Attribute=iconblob&Id=${record.connectorid}` : null,
    iconblobid: record.iconBlob ? record.connectorid : null,
    ...(options.icon ? {iconblob: options.icon.toString('base64')} : {}),
  }
}

/** Keeps the selected columns (plus the etag and the key, as Dataverse always returns them). */
export function selectColumns(row: Record<string, unknown>, select: string[] | undefined, key: string): Record<string, unknown> {
  if (!select) {
    const {iconblob: _icon, ...rest} = row
    return rest
  }
  const out: Record<string, unknown> = {'@odata.etag': row['@odata.etag']}
  for (const column of select) out[column] = row[column] ?? null
  out[key] = row[key]
  return out
}
