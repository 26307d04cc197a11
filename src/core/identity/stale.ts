import type {FederatedIdentityCredential} from '../clients/graph.js'
import {isCustomApi} from '../clients/powerapps-rp.js'
import type {Session} from '../environments/session.js'
import {ApiError} from '../errors.js'
import {platformValues} from '../push/rp-surface.js'
import {credentialOwner} from './credential-names.js'

/**
 * Which federated credentials that cc wrote are stale: their connector no longer exists in its environment, or
 * was re-created there (a new managed identity, so the old issuer and subject are of no use). Credentials
 * anyone else wrote are never stale to cc. Environments are read once each, through the Power Apps resource
 * provider of the session's cloud; one that cannot be read leaves its credentials alone.
 */
export interface StaleCredential {
  name: string
  connector: string
  environmentId: string
  reason: 'connector deleted' | 'connector re-created'
}

type Identity = {issuer: string; subject: string} | undefined

export class ConnectorCatalog {
  private readonly environments = new Map<string, Promise<Map<string, Identity> | undefined>>()

  constructor(private readonly session: Session) {}

  /** Seeds an environment already listed (name → managed identity). */
  add(environmentId: string, connectors: Map<string, Identity>): void {
    this.environments.set(environmentId.toLowerCase(), Promise.resolve(connectors))
  }

  /** The custom connectors of an environment by lower-case name, or undefined when it cannot be read. */
  connectors(environmentId: string): Promise<Map<string, Identity> | undefined> {
    const key = environmentId.toLowerCase()
    let pending = this.environments.get(key)
    if (!pending) {
      pending = this.session.powerApps
        .listConnectors(environmentId, {customOnly: true})
        .then((apis) => new Map(apis.filter(isCustomApi).map((api) => [api.name.toLowerCase(), platformValues(api).managedIdentity])))
        .catch((error: unknown) => {
          if (error instanceof ApiError && [400, 401, 403, 404].includes(error.status)) return undefined
          throw error
        })
      this.environments.set(key, pending)
    }
    return pending
  }

  async stale(credentials: readonly FederatedIdentityCredential[]): Promise<StaleCredential[]> {
    const out: StaleCredential[] = []
    for (const credential of credentials) {
      const owner = credentialOwner(credential.description)
      if (!owner) continue
      const connectors = await this.connectors(owner.environmentId)
      if (!connectors) continue
      const key = owner.connector.toLowerCase()
      if (!connectors.has(key)) out.push({name: credential.name, connector: owner.connector, environmentId: owner.environmentId, reason: 'connector deleted'})
      else {
        const current = connectors.get(key)
        if (!current || current.issuer !== credential.issuer || current.subject !== credential.subject) {
          out.push({name: credential.name, connector: owner.connector, environmentId: owner.environmentId, reason: 'connector re-created'})
        }
      }
    }
    return out
  }
}
