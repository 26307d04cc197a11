/**
 * The fixed identities every fresh emulator data folder starts with. They are part of the shared contract
 * (docs/architecture.md, "Seeded emulator identities") and printed by `cc emulator info`: tests, samples and the
 * sign-in code may rely on them. The credentials below are emulator-only and public on purpose.
 */

export const tenant = {
  id: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60',
  domain: 'contoso.onmicrosoft.com',
  displayName: 'Contoso (emulator)',
} as const

/** A second tenant, only there so that tests can obtain a valid token from the wrong tenant. */
export const otherTenant = {
  id: '2d4c6e8a-1b3f-4a5c-8e7d-9f0a1b2c3d4e',
  domain: 'fabrikam.onmicrosoft.com',
  displayName: 'Fabrikam (emulator, foreign tenant)',
} as const

export interface SeedUser {
  id: string
  userPrincipalName: string
  displayName: string
  givenName: string
  surname: string
  /** Entra directory roles (only "Application Administrator" matters to the emulator). */
  directoryRoles: string[]
}

export const users: readonly SeedUser[] = [
  {
    id: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
    userPrincipalName: 'avery@contoso.onmicrosoft.com',
    displayName: 'Avery Admin',
    givenName: 'Avery',
    surname: 'Admin',
    directoryRoles: ['Application Administrator'],
  },
  {
    id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d',
    userPrincipalName: 'dana@contoso.onmicrosoft.com',
    displayName: 'Dana Developer',
    givenName: 'Dana',
    surname: 'Developer',
    directoryRoles: [],
  },
]

/** The user a device code signs in when nobody names another one. */
export const defaultUser = users[0]!

export interface SeedApp {
  tenantId: string
  appId: string
  objectId: string
  servicePrincipalId: string
  displayName: string
  /** Emulator-only client secret (stored hashed; shown here because it is public on purpose). */
  secret?: string
  /** True when the seeded CI certificate is registered on the app. */
  certificate?: boolean
  /** Microsoft Graph application permissions granted to the service principal. */
  graphRoles: string[]
  owners: string[]
  redirectUris: string[]
  isFallbackPublicClient?: boolean
}

export const sampleConnectorApp: SeedApp = {
  tenantId: tenant.id,
  appId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c',
  objectId: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
  servicePrincipalId: '2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b',
  displayName: 'Azure Resource Manager connector (cc sample)',
  graphRoles: [],
  owners: [users[0]!.id],
  redirectUris: ['https://global.consent.azure-apim.net/redirect'],
}

export const ciApp: SeedApp = {
  tenantId: tenant.id,
  appId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  objectId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  servicePrincipalId: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
  displayName: 'cc CI (emulator)',
  secret: 'emulator-ci-secret',
  certificate: true,
  graphRoles: ['Application.ReadWrite.All'],
  owners: [users[0]!.id],
  redirectUris: [],
}

/** A service principal without any Microsoft Graph permission (403 on Graph, not a Dataverse user). */
export const limitedApp: SeedApp = {
  tenantId: tenant.id,
  appId: '7b6a5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  objectId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  servicePrincipalId: '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c',
  displayName: 'cc limited (emulator)',
  secret: 'emulator-limited-secret',
  graphRoles: [],
  owners: [],
  redirectUris: [],
}

/** A service principal of the foreign tenant: its tokens are valid but from the wrong tenant everywhere. */
export const foreignApp: SeedApp = {
  tenantId: otherTenant.id,
  appId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  objectId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
  servicePrincipalId: 'c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f',
  displayName: 'Fabrikam automation (emulator)',
  secret: 'emulator-fabrikam-secret',
  graphRoles: ['Application.ReadWrite.All'],
  owners: [],
  redirectUris: [],
}

export const seedApps: readonly SeedApp[] = [sampleConnectorApp, ciApp, limitedApp, foreignApp]

export interface SeedEnvironment {
  /** The environment name as the platform uses it in URLs and filters (a GUID, `Default-<tenant>` for the default one). */
  id: string
  displayName: string
  isDefault: boolean
  sku: 'Default' | 'Sandbox' | 'Production'
  location: string
  organizationId: string
  organizationUniqueName: string
  businessUnitId: string
}

export const environments: readonly SeedEnvironment[] = [
  {
    id: `Default-${tenant.id}`,
    displayName: 'dev',
    isDefault: true,
    sku: 'Default',
    location: 'europe',
    organizationId: 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6',
    organizationUniqueName: 'orgdev8a7f5b2e',
    businessUnitId: 'e1f2a3b4-c5d6-4e7f-809a-b1c2d3e4f5a6',
  },
  {
    id: '3f6d2a1b-7c84-4e59-a0b3-6c2d1e0f9a87',
    displayName: 'test',
    isDefault: false,
    sku: 'Sandbox',
    location: 'europe',
    organizationId: 'd2e3f4a5-b6c7-4d8e-9f01-a2b3c4d5e6f7',
    organizationUniqueName: 'orgtest3f6d2a1b',
    businessUnitId: 'e2f3a4b5-c6d7-4e8f-901a-b2c3d4e5f6a7',
  },
  {
    id: 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d',
    displayName: 'prod',
    isDefault: false,
    sku: 'Production',
    location: 'europe',
    organizationId: 'd3e4f5a6-b7c8-4d9e-a012-a3b4c5d6e7f8',
    organizationUniqueName: 'orgprodc1e4b7a2',
    businessUnitId: 'e3f4a5b6-c7d8-4e9f-a12b-b3c4d5e6f7a8',
  },
]

/**
 * Microsoft first-party public clients that may use the device-code flow without being registered in the tenant
 * (Azure CLI: paconn's default; pac; Azure PowerShell; Microsoft Graph PowerShell).
 */
export const firstPartyPublicClients: Readonly<Record<string, string>> = {
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46': 'Microsoft Azure CLI',
  '9cee029c-6210-4654-90bb-17e6e9d36617': 'Power Platform CLI - pac',
  '1950a258-227b-4e31-a9cf-717495945fc2': 'Microsoft Azure PowerShell',
  '14d82eec-204b-4c2f-b7e8-296a70dab67e': 'Microsoft Graph Command Line Tools',
}

/** Resource applications tokens can be issued for, with their identifier URIs (the real ones). */
export interface ResourceApp {
  appId: string
  displayName: string
  identifierUris: string[]
  /** Delegated scopes a `.default` user token carries (`scp`). */
  defaultScopes: string[]
}

export const resourceApps: readonly ResourceApp[] = [
  {appId: '475226c6-020e-4fb2-8a90-7a972cbfc1d4', displayName: 'PowerApps Service', identifierUris: ['https://service.powerapps.com/'], defaultScopes: ['User']},
  {appId: '7df0a125-d3be-4c96-aa54-591f83ff541c', displayName: 'Microsoft Flow Service', identifierUris: ['https://service.flow.microsoft.com/'], defaultScopes: ['User']},
  {
    appId: '00000003-0000-0000-c000-000000000000',
    displayName: 'Microsoft Graph',
    identifierUris: ['https://graph.microsoft.com', 'https://graph.microsoft.com/'],
    defaultScopes: ['Application.ReadWrite.All', 'User.Read'],
  },
  {appId: '8578e004-a5c6-46e7-913e-12f58912df43', displayName: 'Power Platform API', identifierUris: ['https://api.powerplatform.com'], defaultScopes: ['user_impersonation']},
  {
    appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
    displayName: 'Windows Azure Service Management API',
    identifierUris: ['https://management.azure.com/', 'https://management.core.windows.net/'],
    defaultScopes: ['user_impersonation'],
  },
]

/**
 * Ids of delegated permission scopes (`oauth2PermissionScopes[].id`) that are the same in every tenant: Azure
 * Service Management's `user_impersonation` (the tutorial's permission) and Microsoft Graph's. Other scopes of
 * the resource apps get stable ids derived from their names (chosen by the emulator).
 */
export const knownScopeIds: Readonly<Record<string, string>> = {
  '797f4846-ba00-4fd7-ba43-dac1f8f63013/user_impersonation': '41094075-9dad-400e-a0bd-54e686782033',
  '00000003-0000-0000-c000-000000000000/User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
  '00000003-0000-0000-c000-000000000000/Application.ReadWrite.All': 'bdfbf15f-ee85-4955-8675-146e8e5296b5',
}

/** The app id of Dataverse (every org URL is an identifier URI of it). */
export const dataverseAppId = '00000007-0000-0000-c000-000000000000'

export const audiences = {
  powerApps: 'https://service.powerapps.com/',
  flow: 'https://service.flow.microsoft.com/',
  graph: 'https://graph.microsoft.com',
} as const

/** The first-party app that runs connectors (Azure API Connections); it appears in managed-identity subjects. */
export const apiConnectionsAppId = 'fe053c5f-3692-4f14-aef2-ee34fc081cae'

/** Service principals that are application users in every Dataverse org (others get 403 there). */
export const dataverseApplicationUsers: readonly string[] = [ciApp.appId]
