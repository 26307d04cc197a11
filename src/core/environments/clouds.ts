/**
 * The Power Platform clouds `cc` knows: where each one signs in and where its services live. `local` is the
 * embedded emulator, built at run time from the emulator's URL (see `localCloud`).
 *
 * Sources: the Power Platform Terraform provider's cloud table (authority, BAP, Power Apps hosts and scopes),
 * Microsoft's US Government and China service-URL pages (maker portals, Flow hosts), and
 * identity-and-federated-credentials.md (token-exchange audiences). Any URL can be overridden per environment in
 * cc.yaml (`services:`), for clouds whose values change.
 */

export const cloudNames = ['public', 'usgov', 'usgovhigh', 'dod', 'china', 'local'] as const
export type CloudName = (typeof cloudNames)[number]

export interface Cloud {
  name: CloudName
  displayName: string
  /** Entra ID authority host (https, no trailing slash). */
  authorityHost: string
  /** Power Apps resource provider (connectors): paconn's `powerAppsUrl`. */
  powerAppsUrl: string
  /** Power Automate (Flow) resource provider: paconn's `flowUrl`. */
  flowUrl: string
  /** Business Application Platform (environments, with their Dataverse URLs). */
  bapUrl: string
  /** Microsoft Graph (no version segment). */
  graphUrl: string
  /** The maker portal, for links to a connector. */
  makerPortalUrl: string
  /** Token audiences (resource identifiers) of the services; scopes are `<audience>/.default`. */
  audiences: {powerApps: string; flow: string; graph: string}
  /** Audience of federated identity credentials in this cloud (`api://AzureADTokenExchange…`). */
  tokenExchangeAudience: string
}

const publicCloud: Cloud = {
  name: 'public',
  displayName: 'Microsoft public cloud',
  authorityHost: 'https://login.microsoftonline.com',
  powerAppsUrl: 'https://api.powerapps.com',
  flowUrl: 'https://api.flow.microsoft.com',
  bapUrl: 'https://api.bap.microsoft.com',
  graphUrl: 'https://graph.microsoft.com',
  makerPortalUrl: 'https://make.powerapps.com',
  audiences: {powerApps: 'https://service.powerapps.com/', flow: 'https://service.flow.microsoft.com/', graph: 'https://graph.microsoft.com'},
  tokenExchangeAudience: 'api://AzureADTokenExchange',
}

export const clouds: Readonly<Record<Exclude<CloudName, 'local'>, Cloud>> = {
  public: publicCloud,
  usgov: {
    name: 'usgov',
    displayName: 'US Government (GCC)',
    // GCC signs in with the commercial Entra ID and uses commercial Graph.
    authorityHost: 'https://login.microsoftonline.com',
    powerAppsUrl: 'https://gov.api.powerapps.us',
    flowUrl: 'https://gov.api.flow.microsoft.us',
    bapUrl: 'https://gov.api.bap.microsoft.us',
    graphUrl: 'https://graph.microsoft.com',
    makerPortalUrl: 'https://make.gov.powerapps.us',
    audiences: {powerApps: 'https://service.powerapps.us/', flow: 'https://gov.service.flow.microsoft.us/', graph: 'https://graph.microsoft.com'},
    tokenExchangeAudience: 'api://AzureADTokenExchange',
  },
  usgovhigh: {
    name: 'usgovhigh',
    displayName: 'US Government (GCC High)',
    authorityHost: 'https://login.microsoftonline.us',
    powerAppsUrl: 'https://high.api.powerapps.us',
    flowUrl: 'https://high.api.flow.microsoft.us',
    bapUrl: 'https://high.api.bap.microsoft.us',
    graphUrl: 'https://graph.microsoft.us',
    makerPortalUrl: 'https://make.high.powerapps.us',
    audiences: {powerApps: 'https://high.service.apps.appsplatform.us/', flow: 'https://high.service.flow.microsoft.us/', graph: 'https://graph.microsoft.us'},
    tokenExchangeAudience: 'api://AzureADTokenExchangeUSGov',
  },
  dod: {
    name: 'dod',
    displayName: 'US Government (DoD)',
    authorityHost: 'https://login.microsoftonline.us',
    powerAppsUrl: 'https://api.apps.appsplatform.us',
    flowUrl: 'https://api.flow.appsplatform.us',
    bapUrl: 'https://api.bap.appsplatform.us',
    graphUrl: 'https://dod-graph.microsoft.us',
    makerPortalUrl: 'https://make.apps.appsplatform.us',
    audiences: {powerApps: 'https://service.apps.appsplatform.us/', flow: 'https://service.flow.appsplatform.us/', graph: 'https://dod-graph.microsoft.us'},
    tokenExchangeAudience: 'api://AzureADTokenExchangeUSGov',
  },
  china: {
    name: 'china',
    displayName: 'China (operated by 21Vianet)',
    authorityHost: 'https://login.chinacloudapi.cn',
    powerAppsUrl: 'https://api.powerapps.cn',
    flowUrl: 'https://api.powerautomate.cn',
    bapUrl: 'https://api.bap.partner.microsoftonline.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    makerPortalUrl: 'https://make.powerapps.cn',
    audiences: {powerApps: 'https://service.powerapps.cn/', flow: 'https://service.powerautomate.cn/', graph: 'https://microsoftgraph.chinacloudapi.cn'},
    tokenExchangeAudience: 'api://AzureADTokenExchangeChina',
  },
}

/**
 * The emulator as a cloud. Its services all live on the emulator's origin; the authority is the same origin
 * with `https:` (MSAL and @azure/identity insist on https), which the emulator bridge turns back into http
 * (see auth/emulator-bridge.ts). Audiences are the real public-cloud ones, as the emulator expects.
 */
export function localCloud(emulatorUrl: string): Cloud {
  const origin = new URL(emulatorUrl).origin
  return {
    ...publicCloud,
    name: 'local',
    displayName: `cc emulator at ${origin}`,
    authorityHost: origin.replace(/^http:/, 'https:'),
    powerAppsUrl: origin,
    flowUrl: origin,
    bapUrl: origin,
    graphUrl: origin,
    makerPortalUrl: `${origin}/make`,
  }
}

export function isCloudName(value: string): value is CloudName {
  return (cloudNames as readonly string[]).includes(value)
}

/** The `.default` scope of an audience. A trailing slash is kept, so `https://service.powerapps.com/` gives `…com//.default` (the token's `aud` then keeps the slash, which the resource providers want). */
export function defaultScope(audience: string): string {
  return `${audience}/.default`
}

/** The audience of a Dataverse organisation: its URL without a trailing slash. */
export function dataverseAudience(orgUrl: string): string {
  return orgUrl.replace(/\/+$/, '')
}
