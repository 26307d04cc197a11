import type {HttpClient} from './http.js'
import {collectPages} from './paging.js'

/** A connector as the Power Apps resource provider returns it (powerapps-api.md 2.6). */
export interface ApiRegistration {
  name: string
  id?: string
  type?: string
  properties?: ApiRegistrationProperties
  [key: string]: unknown
}

export interface ApiRegistrationProperties {
  displayName?: string
  description?: string
  iconUri?: string
  iconBrandColor?: string
  isCustomApi?: boolean
  connectionParameters?: Record<string, unknown>
  connectionParameterSets?: Record<string, unknown>
  scriptOperations?: string[]
  capabilities?: string[]
  policyTemplateInstances?: unknown[]
  publisher?: string
  stackOwner?: string
  apiDefinitions?: {originalSwaggerUrl?: string; modifiedSwaggerUrl?: string}
  scriptDefinitionUrl?: string
  createdBy?: {displayName?: string; userPrincipalName?: string; id?: string}
  createdTime?: string
  changedTime?: string
  environment?: {name?: string; id?: string}
  /** cc's emulator (and, by the shared contract, `cc`): the platform's managed-identity values of the connector. */
  managedIdentity?: {issuer?: string; subject?: string}
  metadata?: Record<string, unknown>
  [key: string]: unknown
}

/** The body of create/update (powerapps-api.md 2.9). */
export interface ApiUpsertBody {
  properties: Record<string, unknown>
  [key: string]: unknown
}

export const powerAppsApiVersion = '2016-11-01'

/**
 * The Power Apps resource provider's connector endpoints (paconn's E2–E7): list, get, create, update, delete,
 * validate a swagger, and get a blob container for icons and scripts.
 */
export class PowerAppsClient {
  constructor(
    readonly http: HttpClient,
    readonly apiVersion = powerAppsApiVersion,
  ) {}

  private query(environment: string, extra: Record<string, string> = {}): Record<string, string> {
    return {'api-version': this.apiVersion, $filter: `environment eq '${environment}'`, ...extra}
  }

  /** Connectors of an environment, every page; with `customOnly` only custom connectors (filtered by the service and again here). */
  async listConnectors(environment: string, options: {customOnly?: boolean; onPage?: (count: number) => void} = {}): Promise<ApiRegistration[]> {
    const filter = `environment eq '${environment}'${options.customOnly ? " and IsCustomApi eq 'True'" : ''}`
    const all = await collectPages<ApiRegistration>(
      this.http,
      {path: 'providers/Microsoft.PowerApps/apis', query: {'api-version': this.apiVersion, $filter: filter}, purpose: 'listing connectors'},
      options.onPage ? {onPage: options.onPage} : {},
    )
    return options.customOnly ? all.filter((api) => isCustomApi(api)) : all
  }

  /** One connector, or undefined when the environment has none with that name. */
  async getConnector(environment: string, name: string): Promise<ApiRegistration | undefined> {
    const response = await this.http.request<ApiRegistration>({
      path: `providers/Microsoft.PowerApps/apis/${encodeURIComponent(name)}`,
      query: this.query(environment),
      accept: [404],
      purpose: `reading connector ${name}`,
    })
    return response.status === 404 ? undefined : response.body
  }

  async createConnector(environment: string, body: ApiUpsertBody): Promise<ApiRegistration> {
    return (
      await this.http.request<ApiRegistration>({method: 'POST', path: 'providers/Microsoft.PowerApps/apis', query: this.query(environment), json: body, purpose: 'creating the connector'})
    ).body
  }

  async updateConnector(environment: string, name: string, body: ApiUpsertBody): Promise<ApiRegistration | undefined> {
    const response = await this.http.request<ApiRegistration | undefined>({
      method: 'PATCH',
      path: `providers/Microsoft.PowerApps/apis/${encodeURIComponent(name)}`,
      query: this.query(environment),
      json: body,
      purpose: `updating connector ${name}`,
    })
    return response.body
  }

  async deleteConnector(environment: string, name: string): Promise<boolean> {
    const response = await this.http.request({method: 'DELETE', path: `providers/Microsoft.PowerApps/apis/${encodeURIComponent(name)}`, query: this.query(environment), accept: [404], purpose: `deleting connector ${name}`})
    return response.status !== 404
  }

  /**
   * The service's check of a swagger (E6). The answer is text (a JSON string) or an object with errors and
   * warnings; it is returned as the service gave it.
   */
  async validateSwagger(objectId: string, swagger: unknown, options: {certification?: boolean} = {}): Promise<unknown> {
    const response = await this.http.request({
      method: 'POST',
      path: `providers/Microsoft.PowerApps/objectIds/${encodeURIComponent(objectId)}/validateApiSwagger`,
      query: {'api-version': this.apiVersion, ...(options.certification ? {enableConnectorCertificationRules: 'true'} : {})},
      json: swagger,
      idempotent: true,
      purpose: 'validating the API definition',
    })
    return response.body
  }

  /** A container SAS URL to upload the icon and script to (E7). */
  async generateResourceStorage(objectId: string, environment: string): Promise<string> {
    const response = await this.http.request<{sharedAccessSignature?: string}>({
      method: 'POST',
      path: `providers/Microsoft.PowerApps/objectIds/${encodeURIComponent(objectId)}/generateResourceStorage`,
      query: {'api-version': this.apiVersion},
      json: {environment: {name: environment}},
      idempotent: true,
      purpose: 'getting storage for the icon and script',
    })
    const sas = response.body?.sharedAccessSignature
    if (typeof sas !== 'string' || sas === '') throw new Error('generateResourceStorage answered without a sharedAccessSignature')
    return sas
  }
}

export function isCustomApi(api: ApiRegistration): boolean {
  const value = api.properties?.isCustomApi as unknown
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true')
}
