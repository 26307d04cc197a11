import type {ApiProperties, ConnectionParameter, OAuthSettings} from '../connector/types.js'

/**
 * The OAuth settings of a connector: `properties.connectionParameters.*.oAuthSettings` of every parameter of
 * type oauthSetting, and the same in each `connectionParameterSets.values[i].parameters` (multi-auth connectors).
 */
export interface OAuthSettingsRef {
  /** JSON pointer inside apiProperties.json. */
  pointer: string
  settings: OAuthSettings
}

export function oauthSettingsOf(apiProperties: ApiProperties): OAuthSettingsRef[] {
  const found: OAuthSettingsRef[] = []
  const props = apiProperties.properties
  const visit = (params: Record<string, ConnectionParameter> | undefined, base: string) => {
    if (!params || typeof params !== 'object') return
    for (const [name, param] of Object.entries(params)) {
      if (param && typeof param === 'object' && param.oAuthSettings && typeof param.oAuthSettings === 'object') {
        found.push({pointer: `${base}/${escape(name)}/oAuthSettings`, settings: param.oAuthSettings})
      }
    }
  }
  visit(props?.connectionParameters, '/properties/connectionParameters')
  const sets = props?.connectionParameterSets?.values
  if (Array.isArray(sets)) sets.forEach((set, i) => visit(set?.parameters, `/properties/connectionParameterSets/values/${i}/parameters`))
  return found
}

export function usesManagedIdentity(settings: OAuthSettings): boolean {
  return String((settings.properties as Record<string, unknown> | undefined)?.UseManagedIdentity ?? '').toLowerCase() === 'true'
}

/** True for a literal secret (not empty, not an `@environmentVariables("…")` reference). */
export function isLiteralSecret(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !value.trim().startsWith('@')
}

/** OAuth settings that need a client secret: a client id, no managed identity, no secret reference. */
export function settingsNeedingSecret(apiProperties: ApiProperties): OAuthSettingsRef[] {
  return oauthSettingsOf(apiProperties).filter(({settings}) => {
    if (usesManagedIdentity(settings) || !settings.clientId) return false
    const secret = settings.clientSecret
    return !(typeof secret === 'string' && secret.trim().startsWith('@'))
  })
}

/** Sets the client secret on every OAuth setting that takes one (paconn's --secret, section 2.9 step 1). */
export function injectSecret(apiProperties: ApiProperties, secret: string): number {
  const targets = settingsNeedingSecret(apiProperties)
  for (const {settings} of targets) settings.clientSecret = secret
  return targets.length
}

/** Removes literal client secrets (what is written to disk or shown never holds one). */
export function stripSecrets(apiProperties: ApiProperties): void {
  for (const {settings} of oauthSettingsOf(apiProperties)) if (isLiteralSecret(settings.clientSecret)) delete settings.clientSecret
}

/** The per-connector redirect URL the platform assigned (the first OAuth setting that has one). */
export function redirectUrlOf(connectionParameters: unknown, connectionParameterSets?: unknown): string | undefined {
  const refs = oauthSettingsOf({properties: {connectionParameters: connectionParameters as never, ...(connectionParameterSets ? {connectionParameterSets: connectionParameterSets as never} : {})}})
  for (const {settings} of refs) if (typeof settings.redirectUrl === 'string' && settings.redirectUrl !== '') return settings.redirectUrl
  return undefined
}

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1')
}
