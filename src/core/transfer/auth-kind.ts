import type {ApiProperties, Swagger} from '../connector/types.js'
import {oauthSettingsOf, settingsNeedingSecret, usesManagedIdentity} from '../push/oauth.js'

/** How a connector authenticates, as far as moving it between environments is concerned. */
export type AuthKind = 'none' | 'api-key' | 'basic' | 'oauth' | 'oauth-generic' | 'managed-identity' | 'gateway' | 'multiple'

export interface AuthSummary {
  kind: AuthKind
  /** OAuth client (application) ids of the connector's Entra ID settings. */
  clientIds: string[]
  /** An OAuth setting takes a client secret (which never travels between environments). */
  needsSecret: boolean
  /** An OAuth setting uses the platform's managed identity (a federated credential per environment). */
  managedIdentity: boolean
  /** An OAuth setting has a per-connector redirect URL (`redirectMode: GlobalPerConnector`). */
  perConnectorRedirect: boolean
}

/** Classifies a connector's authentication from its properties (and, for keys and basic, its definition). */
export function authSummary(apiProperties: ApiProperties, apiDefinition?: Swagger): AuthSummary {
  const oauth = oauthSettingsOf(apiProperties)
  const aad = oauth.filter(({settings}) => String(settings.identityProvider ?? '').toLowerCase() === 'aad')
  const clientIds = [...new Set(aad.map(({settings}) => settings.clientId).filter((id): id is string => typeof id === 'string' && id.trim() !== '').map((id) => id.trim().toLowerCase()))]
  const managedIdentity = oauth.some(({settings}) => usesManagedIdentity(settings))
  const perConnectorRedirect = oauth.some(({settings}) => String(settings.redirectMode ?? '').toLowerCase() === 'globalperconnector')
  const props = apiProperties.properties
  const params = Object.values(props?.connectionParameters ?? {})
  const sets = props?.connectionParameterSets?.values
  let kind: AuthKind
  if (Array.isArray(sets) && sets.length > 1) kind = 'multiple'
  else if (managedIdentity) kind = 'managed-identity'
  else if (aad.length > 0) kind = 'oauth'
  else if (oauth.length > 0) kind = 'oauth-generic'
  else if (params.some((p) => p?.type === 'gatewaySetting')) kind = 'gateway'
  else {
    const schemes = Object.values(apiDefinition?.securityDefinitions ?? {}).map((d) => d?.type)
    if (schemes.includes('basic')) kind = 'basic'
    else if (schemes.includes('apiKey') || params.some((p) => p?.type === 'securestring')) kind = 'api-key'
    else kind = 'none'
  }
  return {kind, clientIds, needsSecret: settingsNeedingSecret(apiProperties).length > 0, managedIdentity, perConnectorRedirect}
}
