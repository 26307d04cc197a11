import {CcError} from '../errors.js'
import type {HttpClient} from './http.js'
import {collectPages} from './paging.js'

/** A row of the Dataverse `connector` table (dataverse-and-solutions.md 2.2); JSON columns are strings. */
export interface ConnectorRow {
  connectorid: string
  name: string
  displayname?: string
  description?: string | null
  connectortype?: number
  openapidefinition?: string | null
  connectionparameters?: string | null
  connectionparametersets?: string | null
  policytemplateinstances?: string | null
  iconbrandcolor?: string | null
  iconblob?: string | null
  customcodeblobcontent?: string | null
  scriptoperations?: string | null
  capabilities?: string | null
  connectorinternalid?: string | null
  ismanaged?: boolean
  modifiedon?: string
  createdon?: string
  [key: string]: unknown
}

export interface SolutionInfo {
  solutionid: string
  uniquename: string
  friendlyname?: string
  ismanaged?: boolean
  publisherPrefix?: string
  publisherUniqueName?: string
}

/** A row of the `importjobs` table. */
export interface ImportJob {
  importjobid: string
  solutionname?: string
  progress?: number
  startedon?: string | null
  completedon?: string | null
  /** The import's result as XML. */
  data?: string | null
}

/** Every column cc reads when pulling a connector (`iconblob` is returned only when selected). */
export const connectorContentColumns = ['connectorid', 'name', 'displayname', 'description', 'connectortype', 'openapidefinition', 'connectionparameters', 'connectionparametersets', 'policytemplateinstances', 'iconbrandcolor', 'iconblob', 'customcodeblobcontent', 'scriptoperations', 'capabilities', 'connectorinternalid'] as const

export const connectorListColumns = ['connectorid', 'name', 'displayname', 'connectorinternalid', 'connectortype', 'ismanaged', 'modifiedon', 'createdon', 'description'] as const

/** The Dataverse Web API (v9.2) of one organisation: the connector table, solutions and publishers. */
export class DataverseClient {
  constructor(
    readonly http: HttpClient,
    readonly orgUrl: string,
  ) {}

  private path(relative: string): string {
    return `api/data/v9.2/${relative}`
  }

  async whoAmI(): Promise<{UserId: string; BusinessUnitId?: string; OrganizationId?: string}> {
    return this.http.get(this.path('WhoAmI'), undefined, {purpose: 'checking the Dataverse user'})
  }

  /** Custom connectors (connectortype 1), every page. */
  async listConnectors(options: {onPage?: (count: number) => void} = {}): Promise<ConnectorRow[]> {
    return collectPages<ConnectorRow>(
      this.http,
      {
        path: this.path('connectors'),
        query: {$select: connectorListColumns.join(','), $filter: 'connectortype eq 1'},
        headers: {prefer: 'odata.maxpagesize=500'},
        purpose: 'listing connectors',
      },
      options.onPage ? {onPage: options.onPage} : {},
    )
  }

  async getConnector(id: string, select?: readonly string[]): Promise<ConnectorRow | undefined> {
    const response = await this.http.request<ConnectorRow>({
      path: this.path(`connectors(${id})`),
      ...(select ? {query: {$select: select.join(',')}} : {}),
      accept: [404],
      purpose: `reading connector ${id}`,
    })
    return response.status === 404 ? undefined : response.body
  }

  /** Rows whose `name` (logical name) or, failing that, display name equals the given one (case-insensitive in Dataverse). */
  async findConnectors(by: {name?: string; displayName?: string; internalId?: string}, select: readonly string[] = connectorListColumns): Promise<ConnectorRow[]> {
    const clauses = [
      by.name ? `name eq '${odataString(by.name)}'` : undefined,
      by.displayName ? `displayname eq '${odataString(by.displayName)}'` : undefined,
      by.internalId ? `connectorinternalid eq '${odataString(by.internalId)}'` : undefined,
    ].filter(Boolean)
    if (clauses.length === 0) return []
    const body = await this.http.get<{value?: ConnectorRow[]}>(this.path('connectors'), {$select: select.join(','), $filter: clauses.join(' or ')}, {purpose: 'looking the connector up'})
    return body.value ?? []
  }

  async createConnector(row: Partial<ConnectorRow>, options: {solution?: string} = {}): Promise<ConnectorRow> {
    const response = await this.http.request<ConnectorRow>({
      method: 'POST',
      path: this.path('connectors'),
      json: row,
      headers: {prefer: 'return=representation', ...(options.solution ? {'MSCRM.SolutionUniqueName': options.solution} : {})},
      // The id is chosen by cc (deterministic), so a repeated create is answered with a duplicate-key error, never a second row.
      idempotent: true,
      purpose: 'creating the connector',
    })
    return response.body
  }

  async updateConnector(id: string, row: Partial<ConnectorRow>, options: {solution?: string} = {}): Promise<void> {
    await this.http.request({
      method: 'PATCH',
      path: this.path(`connectors(${id})`),
      json: row,
      headers: {'if-match': '*', ...(options.solution ? {'MSCRM.SolutionUniqueName': options.solution} : {})},
      purpose: `updating connector ${id}`,
    })
  }

  async deleteConnector(id: string): Promise<boolean> {
    const response = await this.http.request({method: 'DELETE', path: this.path(`connectors(${id})`), accept: [404], purpose: `deleting connector ${id}`})
    return response.status !== 404
  }

  /**
   * ImportSolution (dataverse-and-solutions.md 3.12): the zip as base64, with an import job id to read the outcome
   * from afterwards. Importing the same zip again gives the same rows (the connectorid comes from the zip), so
   * a retry after a lost answer is safe.
   */
  async importSolution(zip: Buffer, options: {importJobId: string; overwriteUnmanagedCustomizations: boolean; publishWorkflows: boolean; convertToManaged?: boolean}): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: this.path('ImportSolution'),
      json: {
        CustomizationFile: zip.toString('base64'),
        OverwriteUnmanagedCustomizations: options.overwriteUnmanagedCustomizations,
        PublishWorkflows: options.publishWorkflows,
        ImportJobId: options.importJobId,
        ...(options.convertToManaged ? {ConvertToManaged: true} : {}),
      },
      idempotent: true,
      purpose: 'importing the solution',
    })
  }

  /** The importjobs row of an import: progress and the result XML (`data`); undefined when there is none. */
  async getImportJob(id: string): Promise<ImportJob | undefined> {
    const response = await this.http.request<ImportJob>({path: this.path(`importjobs(${id})`), query: {$select: 'importjobid,solutionname,progress,startedon,completedon,data'}, accept: [404], purpose: 'reading the import job'})
    return response.status === 404 ? undefined : response.body
  }

  /** ExportSolution: the packed solution zip. */
  async exportSolution(uniqueName: string, options: {managed: boolean}): Promise<Buffer> {
    const body = (
      await this.http.request<{ExportSolutionFile?: string}>({
        method: 'POST',
        path: this.path('ExportSolution'),
        json: {SolutionName: uniqueName, Managed: options.managed},
        idempotent: true,
        purpose: `exporting solution ${uniqueName}`,
      })
    ).body
    if (typeof body?.ExportSolutionFile !== 'string') throw new CcError(`Dataverse answered ExportSolution for ${uniqueName} without the solution file (ExportSolutionFile).`, {code: 'SOLUTION_EXPORT_EMPTY', suggestions: ['Run the command again; if it persists, export the solution in the maker portal.']})
    return Buffer.from(body.ExportSolutionFile, 'base64')
  }

  /** A solution by unique name, with its publisher's prefix; undefined when there is none. */
  async getSolution(uniqueName: string): Promise<SolutionInfo | undefined> {
    const body = await this.http.get<{value?: Array<Record<string, unknown>>}>(
      this.path('solutions'),
      {$select: 'solutionid,uniquename,friendlyname,ismanaged,_publisherid_value', $filter: `uniquename eq '${odataString(uniqueName)}'`},
      {purpose: `reading solution ${uniqueName}`},
    )
    const row = body.value?.[0]
    if (!row) return undefined
    const publisherId = typeof row._publisherid_value === 'string' ? row._publisherid_value : undefined
    const publisher = publisherId
      ? (
          await this.http.get<{value?: Array<{customizationprefix?: string; uniquename?: string}>}>(
            this.path('publishers'),
            {$select: 'publisherid,customizationprefix,uniquename', $filter: `publisherid eq ${publisherId}`},
            {purpose: `reading the publisher of solution ${uniqueName}`},
          )
        ).value?.[0]
      : undefined
    return {
      solutionid: String(row.solutionid),
      uniquename: String(row.uniquename),
      ...(typeof row.friendlyname === 'string' ? {friendlyname: row.friendlyname} : {}),
      ...(typeof row.ismanaged === 'boolean' ? {ismanaged: row.ismanaged} : {}),
      ...(publisher?.customizationprefix ? {publisherPrefix: publisher.customizationprefix} : {}),
      ...(publisher?.uniquename ? {publisherUniqueName: publisher.uniquename} : {}),
    }
  }

  /** The prefix of the environment's default publisher (what rows outside a solution get). */
  async defaultPublisherPrefix(): Promise<string | undefined> {
    const solution = await this.getSolution('Default')
    return solution?.publisherPrefix
  }
}

/** A string literal for an OData filter (single quotes doubled). */
export function odataString(value: string): string {
  return value.replaceAll("'", "''")
}
