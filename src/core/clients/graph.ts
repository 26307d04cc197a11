import type {HttpClient} from './http.js'
import {collectPages} from './paging.js'

/** A federated identity credential on an application (identity-and-federated-credentials.md 2.2). */
export interface FederatedIdentityCredential {
  id?: string
  name: string
  issuer: string
  subject: string
  audiences: string[]
  description?: string | null
}

export interface GraphApplication {
  id: string
  appId: string
  displayName?: string
  web?: {redirectUris?: string[]}
  [key: string]: unknown
}

/**
 * The Microsoft Graph calls `cc` needs (v1.0): applications by client id, their federated identity credentials
 * and redirect URIs, and the signed-in principal. Applications are addressed by `appId` (`/applications(appId='…')`).
 */
export class GraphClient {
  constructor(readonly http: HttpClient) {}

  private app(appId: string): string {
    return `v1.0/applications(appId='${encodeURIComponent(appId)}')`
  }

  async getApplication(appId: string): Promise<GraphApplication | undefined> {
    const response = await this.http.request<GraphApplication>({path: this.app(appId), accept: [404], purpose: `reading application ${appId}`})
    return response.status === 404 ? undefined : response.body
  }

  /** Replaces the application's web redirect URIs (send the whole list). */
  async setRedirectUris(appId: string, redirectUris: string[]): Promise<void> {
    await this.http.request({method: 'PATCH', path: this.app(appId), json: {web: {redirectUris}}, purpose: `updating the redirect URIs of ${appId}`})
  }

  async listFederatedCredentials(appId: string): Promise<FederatedIdentityCredential[]> {
    return collectPages<FederatedIdentityCredential>(this.http, {path: `${this.app(appId)}/federatedIdentityCredentials`, purpose: `listing the federated credentials of ${appId}`})
  }

  /** Creates or updates by name (`PATCH …(name='…')` with `Prefer: create-if-missing`). Writes to one app must be sequential. */
  async upsertFederatedCredential(appId: string, credential: FederatedIdentityCredential): Promise<'created' | 'updated'> {
    const {name, ...rest} = credential
    const response = await this.http.request({
      method: 'PATCH',
      path: `${this.app(appId)}/federatedIdentityCredentials(name='${encodeURIComponent(name)}')`,
      json: {name, ...rest},
      headers: {prefer: 'create-if-missing'},
      purpose: `writing federated credential ${name}`,
    })
    return response.status === 201 ? 'created' : 'updated'
  }

  async deleteFederatedCredential(appId: string, nameOrId: string): Promise<boolean> {
    const response = await this.http.request({method: 'DELETE', path: `${this.app(appId)}/federatedIdentityCredentials/${encodeURIComponent(nameOrId)}`, accept: [404], purpose: `deleting federated credential ${nameOrId}`})
    return response.status !== 404
  }

  /** The signed-in user (`/me`); for an app-only token Graph answers 400/403, returned as undefined. */
  async me(): Promise<{id: string; userPrincipalName?: string; displayName?: string} | undefined> {
    const response = await this.http.request<{id: string; userPrincipalName?: string; displayName?: string}>({path: 'v1.0/me', accept: [400, 403, 404], purpose: 'reading the signed-in user'})
    return response.status >= 400 ? undefined : response.body
  }
}
