import {randomUUID} from 'node:crypto'

import type {EmulatorContext} from '../context.js'
import {odataError} from '../http.js'
import {blobAccount, mintInternalId, newManagedIdentity, splitSecrets, usesManagedIdentity} from '../platform/connectors.js'
import {structuralProblems} from '../platform/validate-swagger.js'
import {collections, type ConnectorRecord, type EnvironmentRecord, type PrincipalRef} from '../state/records.js'
import type {Transaction} from '../state/store.js'
import {capabilityValues} from './connector-columns.js'

/**
 * Writing a Dataverse `connector` row (Web API create/update/upsert and solution import): column values as the
 * Web API carries them (JSON text in string columns), checked the way the platform does when it provisions the
 * runtime connector.
 */

const guidPattern = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i

export function normalizeGuid(value: unknown): string | undefined {
  const m = typeof value === 'string' ? guidPattern.exec(value.trim()) : null
  return m ? m[1]!.toLowerCase() : undefined
}

function provisioningFailed(message: string) {
  return odataError(400, '0x80040265', `ApiHubsRequestFailed: ${message}`)
}

function jsonColumn(value: unknown, column: string, shape: 'object' | 'array'): unknown {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') throw odataError(400, '0x80048d19', `Cannot convert the literal for '${column}' to the expected type 'Edm.String': the column holds JSON text.`)
  const text = value.replace(/^\uFEFF/, '').trim()
  if (text === '' || text === 'null') return null
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw provisioningFailed(`'${column}' is not valid JSON: ${(error as Error).message}`)
  }
  if (shape === 'array' ? !Array.isArray(parsed) : typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw provisioningFailed(`'${column}' must hold a JSON ${shape}.`)
  }
  return parsed
}

function parameters(value: unknown, column: string): Record<string, unknown> | null {
  const parsed = jsonColumn(value, column, 'object') as Record<string, unknown> | null
  // The whole apiProperties file instead of the bare connectionParameters object (TALXIS/tools-devkit-build#119).
  if (parsed && typeof parsed.properties === 'object' && parsed.properties !== null) throw provisioningFailed('Nullable object must have a value.')
  return parsed
}

function capabilitiesOf(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return []
  const names = new Map(Object.entries(capabilityValues).map(([name, code]) => [code, name]))
  return String(value)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => {
      const name = names.get(Number(v))
      if (!name) throw odataError(400, '0x80048d19', `'${v}' is not a valid value of the capabilities option set (${[...names.keys()].join(', ')}).`)
      return name
    })
}

export interface ConnectorWrite {
  environment: EnvironmentRecord
  tenantId: string
  principal: PrincipalRef
  /** Column values as received. */
  columns: Record<string, unknown>
  /** The row being updated (undefined: create). */
  existing?: ConnectorRecord
  /** Row id for a create (from the URL of an upsert, the body, or the solution). */
  connectorid?: string
  managed?: boolean
  /** Solution import replaces the OAuth secrets with nothing (they are never in solutions). */
  clearSecrets?: boolean
}

/** Applies column values to a new or existing row and puts it in the transaction. Returns the row. */
export async function writeConnectorRow(ctx: EmulatorContext, tx: Transaction, write: ConnectorWrite): Promise<ConnectorRecord> {
  const {columns, existing, environment} = write
  const now = new Date(ctx.now()).toISOString()
  const has = (column: string) => Object.prototype.hasOwnProperty.call(columns, column)
  const all = await tx.list<ConnectorRecord>(collections.connectors(environment.id))

  if (existing && has('name') && String(columns.name).toLowerCase() !== existing.logicalName.toLowerCase()) {
    throw odataError(400, '0x80048d19', `The 'name' of a connector cannot be changed (it is '${existing.logicalName}').`)
  }
  if (!existing) {
    for (const required of ['name', 'displayname', 'openapidefinition']) {
      if (!has(required) || columns[required] === null || columns[required] === '') throw odataError(400, '0x80040203', `Required field '${required}' is missing.`)
    }
    if (!/^[a-z0-9]{2,8}_\S+$/i.test(String(columns.name))) {
      throw odataError(400, '0x80040203', `The connector name '${String(columns.name)}' must start with a publisher prefix and an underscore (for example contoso_myconnector).`)
    }
    if (has('connectortype') && ![0, 1, 2].includes(Number(columns.connectortype))) throw odataError(400, '0x80048d19', `'${String(columns.connectortype)}' is not a valid connectortype (0, 1 or 2).`)
  }

  const next: ConnectorRecord = existing
    ? structuredClone(existing)
    : {
        name: '',
        environment: environment.id,
        connectorid: write.connectorid ?? randomUUID(),
        logicalName: String(columns.name),
        displayName: '',
        description: '',
        openApiDefinition: '',
        connectionParameters: null,
        connectionParameterSets: null,
        policyTemplateInstances: null,
        iconBrandColor: null,
        scriptOperations: null,
        capabilities: [],
        backendService: null,
        extraProperties: {},
        iconBlob: null,
        iconUrl: null,
        script: null,
        secrets: [],
        managedIdentity: null,
        createdBy: write.principal,
        modifiedBy: write.principal,
        createdTime: now,
        changedTime: now,
        version: 0,
        ismanaged: write.managed ?? false,
        origin: 'dataverse',
        statecode: 0,
        statuscode: 1,
      }
  if (!existing) {
    if (all.some((c) => c.connectorid === next.connectorid)) throw odataError(412, '0x80040237', 'A record with matching key values already exists.')
    if (all.some((c) => c.logicalName.toLowerCase() === next.logicalName.toLowerCase())) {
      throw odataError(412, '0x80040237', `A record with matching key values already exists: a connector named '${next.logicalName}' is in this environment.`)
    }
    next.name = mintInternalId(next.logicalName, environment.id, next.connectorid)
  }

  if (has('displayname')) next.displayName = String(columns.displayname ?? '')
  if (has('description')) next.description = String(columns.description ?? '')
  if (has('openapidefinition')) {
    const swagger = jsonColumn(columns.openapidefinition, 'openapidefinition', 'object')
    const problems = structuralProblems(swagger)
    if (problems.length > 0) throw provisioningFailed(`The API definition is not valid: ${problems.join(' ')}`)
    next.openApiDefinition = String(columns.openapidefinition).replace(/^\uFEFF/, '')
  }
  if (has('connectionparameters') || has('connectionparametersets')) {
    // Dataverse never stores secrets: a clientSecret sent here is dropped (the RP keeps secrets).
    const split = splitSecrets(
      has('connectionparameters') ? parameters(columns.connectionparameters, 'connectionparameters') : next.connectionParameters,
      has('connectionparametersets') ? parameters(columns.connectionparametersets, 'connectionparametersets') : next.connectionParameterSets,
    )
    next.connectionParameters = split.params
    next.connectionParameterSets = split.sets
    next.secrets = next.secrets.filter((s) => split.missing.includes(s.pointer))
  }
  if (write.clearSecrets) next.secrets = []
  if (has('policytemplateinstances')) next.policyTemplateInstances = jsonColumn(columns.policytemplateinstances, 'policytemplateinstances', 'array') as unknown[] | null
  if (has('scriptoperations')) next.scriptOperations = (jsonColumn(columns.scriptoperations, 'scriptoperations', 'array') as unknown[] | null)?.map(String) ?? null
  if (has('iconbrandcolor')) next.iconBrandColor = columns.iconbrandcolor === null ? null : String(columns.iconbrandcolor)
  if (has('customcodeblobcontent')) next.script = columns.customcodeblobcontent === null || columns.customcodeblobcontent === '' ? null : String(columns.customcodeblobcontent)
  if (has('capabilities')) next.capabilities = capabilitiesOf(columns.capabilities)
  if (has('statecode')) next.statecode = Number(columns.statecode)
  if (has('statuscode')) next.statuscode = Number(columns.statuscode)
  if (has('iconblob')) {
    if (columns.iconblob === null || columns.iconblob === '') {
      next.iconBlob = null
    } else {
      const data = Buffer.from(String(columns.iconblob), 'base64')
      if (data.length === 0) throw odataError(400, '0x80048d19', "'iconblob' must be the image as base64.")
      const blobName = `${environment.id}/${next.name}`
      await ctx.blobs.put(blobAccount, 'connector-icons', blobName, data, 'image/png')
      next.iconBlob = `${blobAccount}/connector-icons/${blobName}`
      next.iconUrl = null
    }
  }
  if (write.managed !== undefined) next.ismanaged = write.managed
  if (!usesManagedIdentity(next.connectionParameters, next.connectionParameterSets)) next.managedIdentity = null
  else next.managedIdentity ??= newManagedIdentity(write.tenantId, environment.id)
  next.modifiedBy = write.principal
  next.changedTime = now
  next.version = (existing?.version ?? 0) + 1
  tx.put(collections.connectors(environment.id), next.name, next)
  return next
}
