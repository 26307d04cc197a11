/**
 * The records the emulator keeps in its store, and the collections they live in. Records are plain JSON.
 * Secrets are never kept: where a secret must be checked later, the record holds an HMAC (see keys.ts).
 */

export const collections = {
  meta: 'meta',
  tenants: 'directory/tenants',
  users: 'directory/users',
  applications: 'directory/applications',
  servicePrincipals: 'directory/serviceprincipals',
  deviceCodes: 'identity/devicecodes',
  authCodes: 'identity/authcodes',
  refreshTokens: 'identity/refreshtokens',
  environments: 'platform/environments',
  connectors: (environmentId: string) => `connectors/${environmentId}`,
  solutions: (environmentId: string) => `dataverse/${environmentId}/solutions`,
  publishers: (environmentId: string) => `dataverse/${environmentId}/publishers`,
  solutionComponents: (environmentId: string) => `dataverse/${environmentId}/solutioncomponents`,
  importJobs: (environmentId: string) => `dataverse/${environmentId}/importjobs`,
} as const

export interface TenantRecord {
  id: string
  domain: string
  displayName: string
}

export interface UserRecord {
  id: string
  tenantId: string
  userPrincipalName: string
  displayName: string
  givenName: string
  surname: string
  directoryRoles: string[]
}

export interface KeyCredentialRecord {
  keyId: string
  type: 'AsymmetricX509Cert'
  usage: 'Verify'
  displayName: string
  startDateTime: string
  endDateTime: string
  /** SHA-1 thumbprint of the DER certificate, base64 (what Graph shows as customKeyIdentifier). */
  customKeyIdentifier: string
  /** Base64url SHA-1 and SHA-256 thumbprints, as they arrive in `x5t` / `x5t#S256` headers. */
  x5t: string
  x5tS256: string
  /** The certificate, base64 DER (public data). */
  certificate: string
}

export interface PasswordCredentialRecord {
  keyId: string
  displayName: string | null
  hint: string
  startDateTime: string
  endDateTime: string
  /** HMAC of the secret under the data folder's secret key. */
  digest: string
}

export interface FederatedCredentialRecord {
  id: string
  name: string
  issuer: string
  subject: string
  description: string | null
  audiences: string[]
}

export interface ApplicationRecord {
  id: string
  appId: string
  tenantId: string
  displayName: string
  description: string | null
  createdDateTime: string
  signInAudience: string
  identifierUris: string[]
  isFallbackPublicClient: boolean
  web: {redirectUris: string[]; homePageUrl: string | null; logoutUrl: string | null; implicitGrantSettings: {enableAccessTokenIssuance: boolean; enableIdTokenIssuance: boolean}}
  spa: {redirectUris: string[]}
  publicClient: {redirectUris: string[]}
  requiredResourceAccess: unknown[]
  tags: string[]
  notes: string | null
  keyCredentials: KeyCredentialRecord[]
  passwordCredentials: PasswordCredentialRecord[]
  federatedIdentityCredentials: FederatedCredentialRecord[]
  /** Object ids of the owners (users or service principals). */
  owners: string[]
}

export interface ServicePrincipalRecord {
  id: string
  appId: string
  tenantId: string
  displayName: string
  servicePrincipalType: 'Application'
  accountEnabled: boolean
  appOwnerOrganizationId: string | null
  servicePrincipalNames: string[]
  /** Microsoft Graph application permissions granted to it (app-only tokens carry them as `roles`). */
  graphRoles: string[]
}

/** An authorization code of the browser sign-in (authorization code flow with PKCE); only its hash is kept. */
export interface AuthCodeRecord {
  codeHash: string
  clientId: string
  tenantId: string
  userId: string
  redirectUri: string
  scopes: string[]
  /** PKCE: the S256 challenge (or plain verifier) the token request must match. */
  codeChallenge?: string
  codeChallengeMethod?: 'S256' | 'plain'
  createdAt: number
  expiresAt: number
  redeemed: boolean
}

export interface DeviceCodeRecord {
  /** sha256 of the device code (the code itself is a bearer secret). */
  deviceCodeHash: string
  userCode: string
  clientId: string
  tenantId: string
  /** Requested scopes (v2) or resource (v1). */
  scopes: string[]
  resource?: string
  protocol: 'v1' | 'v2'
  createdAt: number
  expiresAt: number
  /** When it approves itself (null: only `cc emulator approve`). */
  autoApproveAt: number | null
  state: 'pending' | 'approved' | 'declined' | 'redeemed'
  userId?: string
}

export interface RefreshTokenRecord {
  tokenHash: string
  userId: string
  tenantId: string
  clientId: string
  createdAt: number
  expiresAt: number
}

export interface EnvironmentRecord {
  id: string
  displayName: string
  isDefault: boolean
  sku: string
  location: string
  tenantId: string
  createdTime: string
  organizationId: string
  organizationUniqueName: string
  businessUnitId: string
}

export interface PrincipalRef {
  id: string
  displayName: string
  email: string | null
  type: 'User' | 'ServicePrincipal'
  tenantId: string
  userPrincipalName: string | null
}

/**
 * One custom connector in one environment, as both the Power Apps RP (`name` = connectorinternalid) and the
 * Dataverse `connector` table (`connectorid`, `logicalName`) see it.
 */
export interface ConnectorRecord {
  name: string
  environment: string
  connectorid: string
  logicalName: string
  displayName: string
  description: string
  /** The swagger as JSON text, exactly as received. */
  openApiDefinition: string
  connectionParameters: Record<string, unknown> | null
  connectionParameterSets: Record<string, unknown> | null
  policyTemplateInstances: unknown[] | null
  iconBrandColor: string | null
  scriptOperations: string[] | null
  capabilities: string[]
  backendService: {serviceUrl: string} | null
  /** Other RP `properties` members passed through (publisher, stackOwner, …). */
  extraProperties: Record<string, unknown>
  /** Blob path (`account/container/name`) of the icon, when one was uploaded. */
  iconBlob: string | null
  /** An icon URL outside the emulator, kept as given. */
  iconUrl: string | null
  /** C# text of the custom code. */
  script: string | null
  /** Where secrets were set (JSON pointer within properties) and their HMACs. */
  secrets: Array<{pointer: string; digest: string}>
  managedIdentity: {issuer: string; subject: string} | null
  createdBy: PrincipalRef
  modifiedBy: PrincipalRef
  createdTime: string
  changedTime: string
  version: number
  ismanaged: boolean
  /** Which API created it: the RP (paconn style) or Dataverse (Web API or solution import). */
  origin: 'powerapps' | 'dataverse'
  statecode: number
  statuscode: number
}

export interface PublisherRecord {
  publisherid: string
  uniquename: string
  friendlyname: string
  customizationprefix: string
  customizationoptionvalueprefix: number
  description: string | null
}

export interface SolutionRecord {
  solutionid: string
  uniquename: string
  friendlyname: string
  version: string
  ismanaged: boolean
  isvisible: boolean
  publisherid: string
  description: string | null
  installedon: string
  modifiedon: string
}

export interface SolutionComponentRecord {
  solutioncomponentid: string
  solutionid: string
  objectid: string
  componenttype: number
  rootcomponentbehavior: number
  createdon: string
}

export interface ImportJobRecord {
  importjobid: string
  solutionname: string
  progress: number
  startedon: string
  completedon: string
  data: string
}
