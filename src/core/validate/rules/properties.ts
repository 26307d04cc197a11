import type {PointerSegment} from '../../json/pointer.js'
import {isNonEmptyString, isObj, type Obj} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'
import {nearest} from './structure.js'

/** apiProperties.json: shape, connection parameters, OAuth settings, parameter sets, brand colour, publisher. */
export const R = defineRules({
  schema: {
    id: 'props/schema',
    severity: 'error',
    msCode: 'JsonTypeIncorrect',
    description:
      'apiProperties.json is {"properties": {...}} with known keys of the right types (unknown keys are warnings in the base profile; keys the service writes itself, such as openApiDefinition or backendService, are errors).',
  },
  paramName: {
    id: 'props/connection-param-name',
    severity: 'warning',
    description: 'Connection parameter names match ^[0-9a-zA-Z_]+(:[0-9a-zA-Z_]+)?$ (letters, digits, _; "token:Setting" for per-connection OAuth values).',
  },
  paramType: {
    id: 'props/connection-param-type',
    severity: 'error',
    description: 'Connection parameter types are string, securestring, int, bool, oauthSetting or gatewaySetting (other cases are warnings in the base profile).',
  },
  tokenName: {
    id: 'props/oauth-token-name',
    severity: 'warning',
    description: 'The oauthSetting connection parameter is named "token" (every published connector does this; policies and the platform refer to it).',
    fix: 'Rename the parameter to "token".',
  },
  identityProvider: {
    id: 'props/identity-provider',
    severity: 'error',
    description:
      'oAuthSettings has a known identityProvider and its required customParameters: aad and aadcertificate need resourceUri; oauth2 needs authorizationUrl and tokenUrl; oauth2generic needs authorizationUrlTemplate and tokenUrlTemplate (missing customParameters are warnings in the base profile: live connectors omit them).',
  },
  firstParty: {
    id: 'props/aadcertificate-first-party',
    severity: 'warning',
    certification: 'error',
    description: 'The aadcertificate identity provider is for first-party connectors: properties.IsFirstParty is "True" (a warning outside certification: live connectors omit it).',
  },
  redirect: {
    id: 'props/redirect',
    severity: 'warning',
    description: 'redirectMode is Global, Direct or GlobalPerConnector, and redirectUrl is the global consent redirect URL (per connector for GlobalPerConnector).',
  },
  noSecrets: {
    id: 'props/no-secrets',
    severity: 'warning',
    certification: 'error',
    description: 'No real client secrets or keys in apiProperties.json (placeholders such as [[DUMMY]] are fine); pass secrets at push time from an environment variable.',
    fix: 'Replace the value with a placeholder and pass the secret with `cc push --client-secret-env`.',
  },
  constraintStrings: {
    id: 'props/constraint-strings',
    severity: 'warning',
    description: 'uiDefinition.constraints.required and hidden are the strings "true" or "false", not JSON booleans.',
  },
  tenantClaim: {
    id: 'props/tenant-claim',
    severity: 'error',
    description: 'A token:TenantId parameter is a string with metadata.sourceType "AzureActiveDirectoryTenant".',
  },
  paramSets: {
    id: 'props/param-sets',
    severity: 'error',
    description: 'connectionParameterSets has uiDefinition and a non-empty values list of {name, uiDefinition, parameters} with unique names; credentials are not declared in both connectionParameters and sets.',
  },
  colorFormat: {id: 'props/brand-color-format', severity: 'error', description: 'iconBrandColor is a colour "#rrggbb".'},
  colorVerified: {
    id: 'props/brand-color-verified',
    severity: 'error',
    profile: 'certification',
    description: 'Verified publishers use their own brand colour, not #007ee5 or #ffffff.',
  },
  colorIp: {
    id: 'props/brand-color-ip',
    severity: 'error',
    profile: 'certification',
    description: 'Independent publishers use exactly #da3b01. Option `publisher`: auto (an independent-publisher-connectors folder), verified or independent.',
    options: {publisher: 'auto'},
  },
  publisher: {
    id: 'props/publisher-stackowner',
    severity: 'error',
    profile: 'certification',
    description: 'publisher and stackOwner are present (the company or person publishing, and the owner of the service).',
  },
  capabilities: {
    id: 'props/capabilities',
    severity: 'info',
    description: 'capabilities values come from the known set: actions, triggers, gateway, cloud only.',
  },
})

const knownKeys: Record<string, 'string' | 'array' | 'object'> = {
  iconBrandColor: 'string',
  capabilities: 'array',
  connectionParameters: 'object',
  connectionParameterSets: 'object',
  policyTemplateInstances: 'array',
  scriptOperations: 'array',
  publisher: 'string',
  stackOwner: 'string',
}
const serverManaged = ['openApiDefinition', 'backendService', 'environment', 'displayName', 'description', 'iconUri', 'scriptDefinitionUrl', 'apiDefinitions', 'createdTime', 'changedTime']
const paramTypes = ['string', 'securestring', 'int', 'bool', 'oauthSetting', 'gatewaySetting']
const paramKeys = ['type', 'uiDefinition', 'oAuthSettings', 'metadata', 'defaultValue', 'allowedValues', 'gatewaySettings']
const identityProviders = ['oauth2', 'aad', 'oauth2generic', 'aadcertificate', 'facebook', 'google', 'github', 'dropbox', 'salesforce', 'docusign', 'microsoftaccount', 'instagram', 'linkedin', 'twitter', 'yammer', 'box', 'slack', 'mailchimp']
const requiredCustom: Record<string, string[]> = {
  aad: ['resourceUri'],
  aadcertificate: ['resourceUri'],
  oauth2: ['authorizationUrl', 'tokenUrl'],
  oauth2generic: ['authorizationUrlTemplate', 'tokenUrlTemplate'],
}
const consentUrl = /^https:\/\/global(-test)?\.consent\.azure-apim\.net\/redirect(\/[\w.~%-]+)?$/
const placeholder = /^\s*$|^\[\[.*\]\]$|^\{\{.*\}\}$|^<.*>$|^\$\{.*\}$|^@@.*@@$|dummy|placeholder|your[_ -]?(client[_ -]?)?secret|^secret$|^x+$|^\*+$|^(changeme|redacted|todo|tbd|none|null|n\/a)$/i

export const properties: RuleFamily = {
  name: 'properties',
  rules: Object.values(R),
  check(ctx) {
    const file = ctx.connector.apiProperties
    if (!file || file.value === undefined) return
    const root = ctx.propertiesFile
    if (!root) return ctx.report(R.schema, {file: 'apiProperties', path: []}, 'apiProperties.json must be a JSON object {"properties": {...}}')
    for (const key of Object.keys(root)) {
      if (key !== 'properties') ctx.report(R.schema, {file: 'apiProperties', path: [key], at: 'key'}, `unknown key ${JSON.stringify(key)} at the top of apiProperties.json (everything goes inside "properties")`, lenient(ctx))
    }
    const props = ctx.properties
    if (!props) return ctx.report(R.schema, {file: 'apiProperties', path: root.properties === undefined ? [] : ['properties']}, '"properties" must be an object', {msCode: 'RequiredPropertyMissing'})
    for (const key in props) {
      const value = props[key]
      const path = ['properties', key]
      const kind = knownKeys[key]
      if (kind) {
        const ok = kind === 'array' ? Array.isArray(value) : kind === 'object' ? isObj(value) : typeof value === 'string'
        if (!ok) ctx.report(R.schema, {file: 'apiProperties', path}, `"${key}" must be ${kind === 'array' ? 'an array' : kind === 'object' ? 'an object' : 'a string'}`)
      } else if (serverManaged.includes(key)) {
        ctx.report(R.schema, {file: 'apiProperties', path, at: 'key'}, `"${key}" is written by the service; it must not be in apiProperties.json`, {fix: `Remove "${key}".`})
      } else {
        const near = nearest(key, Object.keys(knownKeys))
        ctx.report(R.schema, {file: 'apiProperties', path, at: 'key'}, `unknown key ${JSON.stringify(key)} in properties${near ? ` (did you mean "${near}"?)` : ''}`, {
          ...lenient(ctx),
          fix: near ? `Rename it to ${near}.` : `Remove "${key}".`,
        })
      }
    }
    if (props.iconBrandColor === undefined) ctx.report(R.schema, {file: 'apiProperties', path: ['properties'], at: 'key'}, '"iconBrandColor" is missing', {msCode: 'RequiredPropertyMissing', fix: 'Add "iconBrandColor": "#rrggbb".'})
    checkColour(ctx, props.iconBrandColor)
    if (isObj(props.connectionParameters)) {
      for (const name in props.connectionParameters) {
        const param = props.connectionParameters[name]
        checkParameter(ctx, name, param, ['properties', 'connectionParameters', name])
      }
    }
    checkSets(ctx, props)
    if (Array.isArray(props.capabilities)) {
      props.capabilities.forEach((capability, i) => {
        if (!['actions', 'triggers', 'gateway', 'cloud only'].includes(capability as string)) {
          ctx.report(R.capabilities, {file: 'apiProperties', path: ['properties', 'capabilities', i]}, `capability ${JSON.stringify(capability)} is not one of actions, triggers, gateway, cloud only`)
        }
      })
    }
    if (ctx.profile === 'certification') {
      for (const key of ['publisher', 'stackOwner']) {
        if (!isNonEmptyString(props[key])) ctx.report(R.publisher, {file: 'apiProperties', path: props[key] === undefined ? ['properties'] : ['properties', key], at: 'key'}, `"${key}" is missing`)
      }
    }
  },
}

function lenient(ctx: RuleContext): {severity?: 'warning'} {
  return ctx.profile === 'base' ? {severity: 'warning'} : {}
}

function checkColour(ctx: RuleContext, colour: unknown): void {
  if (typeof colour !== 'string') return
  const at = {file: 'apiProperties' as const, path: ['properties', 'iconBrandColor']}
  if (!/^#[0-9a-fA-F]{6}$/.test(colour)) {
    const short = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/.exec(colour)
    ctx.report(R.colorFormat, at, `iconBrandColor ${JSON.stringify(colour)} is not "#rrggbb"`, short ? {fix: `Write "#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}".`} : undefined)
    return
  }
  if (ctx.profile !== 'certification') return
  const kind = publisherKind(ctx)
  const lower = colour.toLowerCase()
  if (kind === 'independent') {
    if (lower !== '#da3b01') ctx.report(R.colorIp, at, `independent publisher connectors use iconBrandColor "#da3b01", found ${JSON.stringify(colour)}`, {fix: 'Write "#da3b01".'})
  } else if (lower === '#007ee5' || lower === '#ffffff') {
    ctx.report(R.colorVerified, at, `iconBrandColor ${colour} is reserved; use your brand colour`)
  }
}

/** Verified or independent publisher: from the rule option, or from the folder layout of the PowerPlatformConnectors repository. */
export function publisherKind(ctx: RuleContext): 'verified' | 'independent' {
  const option = ctx.option<string>(R.colorIp, 'publisher')
  if (option === 'verified' || option === 'independent') return option
  return /[\\/]independent-publisher-connectors[\\/]/i.test(ctx.connector.dir) ? 'independent' : 'verified'
}

function checkParameter(ctx: RuleContext, name: string, param: unknown, path: PointerSegment[]): void {
  const at = (key?: string, where: 'key' | 'value' = 'value') => ({file: 'apiProperties' as const, path: key ? [...path, key] : path, at: where})
  if (!/^[0-9a-zA-Z_]+(:[0-9a-zA-Z_]+)?$/.test(name)) {
    ctx.report(R.paramName, at(undefined, 'key'), `connection parameter name ${JSON.stringify(name)} has characters other than letters, digits and _`, {fix: `Rename it, e.g. ${JSON.stringify(name.replace(/[^0-9a-zA-Z_:]+/g, '_'))}.`})
  }
  if (!isObj(param)) return ctx.report(R.schema, at(), `connection parameter ${JSON.stringify(name)} must be an object`)
  for (const key of Object.keys(param)) {
    if (!paramKeys.includes(key)) {
      const near = nearest(key, paramKeys)
      ctx.report(R.schema, at(key, 'key'), `unknown key ${JSON.stringify(key)} in connection parameter ${JSON.stringify(name)}${near ? ` (did you mean "${near}"?)` : ''}`, lenient(ctx))
    }
  }
  const type = param.type
  if (typeof type !== 'string') {
    ctx.report(R.paramType, type === undefined ? at(undefined, 'key') : at('type'), `connection parameter ${JSON.stringify(name)} has no type`)
  } else if (!paramTypes.includes(type)) {
    const near = paramTypes.find((t) => t.toLowerCase() === type.toLowerCase())
    ctx.report(R.paramType, at('type'), `connection parameter type ${JSON.stringify(type)} is not one of ${paramTypes.join(', ')}${near ? ` (write "${near}")` : ''}`, near ? lenient(ctx) : undefined)
  }
  const isOauth = typeof type === 'string' && type.toLowerCase() === 'oauthsetting'
  if (isOauth && name !== 'token') {
    ctx.report(R.tokenName, at(undefined, 'key'), `the oauthSetting connection parameter is named ${JSON.stringify(name)}, not "token"`)
  }
  const settings = param.oAuthSettings
  if (isOauth && settings !== undefined) checkOAuth(ctx, settings, [...path, 'oAuthSettings'])
  if (isOauth && settings === undefined && param.oauthSettings === undefined) ctx.report(R.identityProvider, at(undefined, 'key'), `oauthSetting parameter ${JSON.stringify(name)} has no oAuthSettings`)
  const constraints = isObj(param.uiDefinition) && isObj(param.uiDefinition.constraints) ? param.uiDefinition.constraints : undefined
  if (constraints) {
    for (const key of ['required', 'hidden']) {
      if (typeof constraints[key] === 'boolean') {
        ctx.report(R.constraintStrings, {file: 'apiProperties', path: [...path, 'uiDefinition', 'constraints', key]}, `constraints.${key} is a JSON boolean; write the string "${String(constraints[key])}"`)
      }
    }
  }
  if (name === 'token:TenantId') {
    const metadata = isObj(param.metadata) ? param.metadata : undefined
    if (type !== 'string' || metadata?.sourceType !== 'AzureActiveDirectoryTenant') {
      ctx.report(R.tenantClaim, at(), `${name} must be {"type": "string", "metadata": {"sourceType": "AzureActiveDirectoryTenant"}, …}`, {
        fix: 'Add "metadata": {"sourceType": "AzureActiveDirectoryTenant"} and hide it with uiDefinition.constraints.hidden "true".',
      })
    }
  }
  if (typeof type === 'string' && type.toLowerCase() === 'securestring' && param.defaultValue !== undefined && !isPlaceholder(param.defaultValue)) {
    ctx.report(R.noSecrets, at('defaultValue'), `securestring parameter ${JSON.stringify(name)} has a default value that looks like a real secret (value not shown)`)
  }
}

function isPlaceholder(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && placeholder.test(value))
}

function checkOAuth(ctx: RuleContext, settings: unknown, path: PointerSegment[]): void {
  if (!isObj(settings)) return ctx.report(R.schema, {file: 'apiProperties', path}, 'oAuthSettings must be an object')
  const at = (key?: string, where: 'key' | 'value' = 'value') => ({file: 'apiProperties' as const, path: key ? [...path, key] : path, at: where})
  const provider = settings.identityProvider
  if (typeof provider !== 'string' || provider === '') {
    ctx.report(R.identityProvider, provider === undefined ? at(undefined, 'key') : at('identityProvider'), 'oAuthSettings has no identityProvider', {fix: 'Set identityProvider: aad, oauth2, oauth2generic, …'})
  } else {
    const id = provider.toLowerCase()
    if (!identityProviders.includes(id)) {
      ctx.report(R.identityProvider, at('identityProvider'), `unknown identityProvider ${JSON.stringify(provider)}`, {severity: 'warning', fix: 'Use aad, aadcertificate, oauth2 or oauth2generic (or the provider the portal lists).'})
    }
    const custom = isObj(settings.customParameters) ? settings.customParameters : {}
    const names = Object.keys(custom).map((k) => k.toLowerCase())
    for (const needed of requiredCustom[id] ?? []) {
      if (!names.includes(needed.toLowerCase())) {
        ctx.report(R.identityProvider, settings.customParameters === undefined ? at(undefined, 'key') : at('customParameters', 'key'), `identityProvider ${provider} needs customParameters.${needed}`, {
          // Live connectors omit them (the portal fills defaults in), so this is a warning outside certification.
          ...lenient(ctx),
          fix: `Add "${needed}": {"value": "…"}.`,
        })
      }
    }
    if (id === 'aadcertificate') {
      const firstParty = isObj(settings.properties) ? settings.properties.IsFirstParty : undefined
      if (String(firstParty).toLowerCase() !== 'true') ctx.report(R.firstParty, isObj(settings.properties) ? at('properties') : at(undefined, 'key'), 'aadcertificate needs properties.IsFirstParty "True" (first-party connectors only)')
    }
  }
  const mode = settings.redirectMode
  if (mode !== undefined && !['Global', 'Direct', 'GlobalPerConnector'].includes(mode as string)) {
    const near = typeof mode === 'string' ? ['Global', 'Direct', 'GlobalPerConnector'].find((m) => m.toLowerCase() === mode.toLowerCase()) : undefined
    ctx.report(R.redirect, at('redirectMode'), `redirectMode must be Global, Direct or GlobalPerConnector, found ${JSON.stringify(mode)}${near ? ` (write "${near}")` : ''}`)
  }
  const url = settings.redirectUrl
  if (typeof url === 'string' && url !== '' && !consentUrl.test(url) && mode !== 'Direct') {
    ctx.report(R.redirect, at('redirectUrl'), `redirectUrl ${JSON.stringify(url)} is not the global consent redirect URL`, {fix: 'Write "https://global.consent.azure-apim.net/redirect".'})
  }
  if (settings.clientSecret !== undefined && !isPlaceholder(settings.clientSecret)) {
    ctx.report(R.noSecrets, at('clientSecret'), 'clientSecret holds what looks like a real secret (value not shown)')
  }
}

function checkSets(ctx: RuleContext, props: Obj): void {
  const sets = props.connectionParameterSets
  if (sets === undefined) return
  const path = ['properties', 'connectionParameterSets']
  if (!isObj(sets)) return ctx.report(R.paramSets, {file: 'apiProperties', path}, 'connectionParameterSets must be an object {"uiDefinition", "values"}')
  if (!isObj(sets.uiDefinition)) ctx.report(R.paramSets, {file: 'apiProperties', path, at: 'key'}, 'connectionParameterSets has no uiDefinition ({"displayName", "description"})')
  if (!Array.isArray(sets.values) || sets.values.length === 0) {
    return ctx.report(R.paramSets, {file: 'apiProperties', path: sets.values === undefined ? path : [...path, 'values'], at: 'key'}, 'connectionParameterSets needs a non-empty "values" list')
  }
  const names = new Set<string>()
  sets.values.forEach((set, i) => {
    const at = [...path, 'values', i]
    if (!isObj(set)) return ctx.report(R.paramSets, {file: 'apiProperties', path: at}, 'each parameter set must be an object {"name", "uiDefinition", "parameters"}')
    if (!isNonEmptyString(set.name)) ctx.report(R.paramSets, {file: 'apiProperties', path: at}, 'the parameter set has no name')
    else if (names.has(set.name)) ctx.report(R.paramSets, {file: 'apiProperties', path: [...at, 'name']}, `parameter set name ${JSON.stringify(set.name)} is used twice`)
    else names.add(set.name)
    if (!isObj(set.uiDefinition)) ctx.report(R.paramSets, {file: 'apiProperties', path: at}, 'the parameter set has no uiDefinition ({"displayName", "description"})')
    if (!isObj(set.parameters)) ctx.report(R.paramSets, {file: 'apiProperties', path: at}, 'the parameter set has no "parameters" object')
    else for (const [name, param] of Object.entries(set.parameters)) checkParameter(ctx, name, param, [...at, 'parameters', name])
  })
  const top = isObj(props.connectionParameters) ? props.connectionParameters : {}
  const credential = Object.entries(top).find(([, p]) => isObj(p) && ['securestring', 'oauthsetting'].includes(String(p.type).toLowerCase()))
  if (credential) {
    ctx.report(R.paramSets, {file: 'apiProperties', path: ['properties', 'connectionParameters', credential[0]], at: 'key'}, `connectionParameters declares the credential ${JSON.stringify(credential[0])} although connectionParameterSets is used; put it in a set`, {
      severity: 'warning',
    })
  }
}
