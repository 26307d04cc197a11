import type {HttpClient} from './http.js'
import {collectPages} from './paging.js'

/** An environment as `cc` shows it, from the Business Application Platform (or Flow) environment lists. */
export interface PlatformEnvironment {
  /** The platform's name of the environment (`Default-<tenant>` or a GUID): what `--env` and paconn take. */
  name: string
  displayName: string
  isDefault: boolean
  location?: string
  sku?: string
  /** The Dataverse organisation URL, when the environment has Dataverse. */
  dataverseUrl?: string
  dataverseUniqueName?: string
  createdTime?: string
}

interface BapEnvironment {
  name: string
  location?: string
  properties?: {
    displayName?: string
    isDefault?: boolean
    environmentSku?: string
    createdTime?: string
    linkedEnvironmentMetadata?: {instanceUrl?: string; instanceApiUrl?: string; uniqueName?: string}
  }
}

export const bapApiVersion = '2020-10-01'

/** Environments from the Business Application Platform (`/providers/Microsoft.BusinessAppPlatform/environments`), with their Dataverse URLs. */
export class BapClient {
  constructor(readonly http: HttpClient) {}

  async listEnvironments(): Promise<PlatformEnvironment[]> {
    const items = await collectPages<BapEnvironment>(this.http, {
      path: 'providers/Microsoft.BusinessAppPlatform/environments',
      query: {'api-version': bapApiVersion, $expand: 'properties.linkedEnvironmentMetadata'},
      purpose: 'listing environments',
    })
    return items.map(toPlatformEnvironment)
  }

  async getEnvironment(name: string): Promise<PlatformEnvironment | undefined> {
    const response = await this.http.request<BapEnvironment>({
      path: `providers/Microsoft.BusinessAppPlatform/environments/${encodeURIComponent(name)}`,
      query: {'api-version': bapApiVersion, $expand: 'properties.linkedEnvironmentMetadata'},
      accept: [404],
      purpose: `reading environment ${name}`,
    })
    return response.status === 404 || !response.body ? undefined : toPlatformEnvironment(response.body)
  }
}

/** Environments from the Flow resource provider (what paconn lists, E1). */
export class FlowClient {
  constructor(readonly http: HttpClient) {}

  async listEnvironments(): Promise<PlatformEnvironment[]> {
    const items = await collectPages<BapEnvironment>(this.http, {
      path: 'providers/Microsoft.ProcessSimple/environments',
      query: {'api-version': '2016-11-01'},
      purpose: 'listing environments',
    })
    return items.map(toPlatformEnvironment)
  }
}

function toPlatformEnvironment(env: BapEnvironment): PlatformEnvironment {
  const p = env.properties ?? {}
  const linked = p.linkedEnvironmentMetadata
  return {
    name: env.name,
    displayName: p.displayName ?? env.name,
    isDefault: p.isDefault === true,
    ...(env.location ? {location: env.location} : {}),
    ...(p.environmentSku ? {sku: p.environmentSku} : {}),
    ...(linked?.instanceUrl ? {dataverseUrl: linked.instanceUrl.replace(/\/+$/, '')} : {}),
    ...(linked?.uniqueName ? {dataverseUniqueName: linked.uniqueName} : {}),
    ...(p.createdTime ? {createdTime: p.createdTime} : {}),
  }
}
