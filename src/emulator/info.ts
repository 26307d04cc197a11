import {ciCertificatePath} from './state/seed.js'
import * as seed from './seed-identities.js'

/** What `cc emulator info` prints: where the emulator is, and the seeded tenant, environments, apps and credentials. */
export interface EmulatorInfo {
  running: boolean
  url?: string
  pid?: number
  startedAt?: string
  /** How the running emulator was found. */
  foundBy?: 'CC_EMULATOR_URL' | 'emulator.json' | 'this process'
  dataDir: string
  tenant: {id: string; domain: string; displayName: string}
  /** Endpoints on the emulator's one origin (absent when it is not running). */
  endpoints?: {
    authority: string
    powerApps: string
    flow: string
    bap: string
    graph: string
    dataverse: string
    blob: string
  }
  environments: Array<{
    /** The `--env` value that selects it. */
    alias: string
    displayName: string
    /** The environment name the platform uses in URLs and filters. */
    name: string
    isDefault: boolean
    sku: string
    dataverseUrl?: string
  }>
  users: Array<{id: string; userPrincipalName: string; displayName: string; directoryRoles: string[]; default: boolean}>
  apps: Array<{role: string; appId: string; objectId: string; servicePrincipalId: string; displayName: string; tenantId: string; graphPermissions: string[]}>
  /** Emulator-only credentials: public on purpose, they open nothing outside the emulator. */
  credentials: Array<{role: string; tenantId: string; clientId: string; clientSecret?: string; certificatePath?: string}>
}

export function buildEmulatorInfo(options: {dataDir: string; url?: string; pid?: number; startedAt?: string; foundBy?: EmulatorInfo['foundBy']}): EmulatorInfo {
  const {url} = options
  const roles = new Map<seed.SeedApp, string>([
    [seed.sampleConnectorApp, 'sample connector app (connectors/azure-resource-manager)'],
    [seed.ciApp, 'CI service principal'],
    [seed.limitedApp, 'service principal without Graph permissions'],
    [seed.foreignApp, 'service principal of a foreign tenant'],
  ])
  return {
    running: url !== undefined,
    ...(url === undefined ? {} : {url}),
    ...(options.pid === undefined ? {} : {pid: options.pid}),
    ...(options.startedAt === undefined ? {} : {startedAt: options.startedAt}),
    ...(options.foundBy === undefined ? {} : {foundBy: options.foundBy}),
    dataDir: options.dataDir,
    tenant: {...seed.tenant},
    ...(url === undefined
      ? {}
      : {
          endpoints: {
            authority: `${url}/${seed.tenant.id}`,
            powerApps: `${url}/providers/Microsoft.PowerApps`,
            flow: `${url}/providers/Microsoft.ProcessSimple`,
            bap: `${url}/providers/Microsoft.BusinessAppPlatform`,
            graph: `${url}/v1.0`,
            dataverse: `${url}/dataverse/{environment name}/api/data/v9.2`,
            blob: `${url}/blob`,
          },
        }),
    environments: seed.environments.map((e) => ({
      alias: `local:${e.displayName}`,
      displayName: e.displayName,
      name: e.id,
      isDefault: e.isDefault,
      sku: e.sku,
      ...(url === undefined ? {} : {dataverseUrl: `${url}/dataverse/${e.id}`}),
    })),
    users: seed.users.map((u) => ({id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName, directoryRoles: u.directoryRoles, default: u === seed.defaultUser})),
    apps: seed.seedApps.map((a) => ({
      role: roles.get(a)!,
      appId: a.appId,
      objectId: a.objectId,
      servicePrincipalId: a.servicePrincipalId,
      displayName: a.displayName,
      tenantId: a.tenantId,
      graphPermissions: a.graphRoles,
    })),
    credentials: seed.seedApps
      .filter((a) => a.secret)
      .map((a) => ({
        role: roles.get(a)!,
        tenantId: a.tenantId,
        clientId: a.appId,
        clientSecret: a.secret!,
        ...(a.certificate ? {certificatePath: ciCertificatePath(options.dataDir)} : {}),
      })),
  }
}
