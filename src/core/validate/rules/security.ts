import type {PointerSegment} from '../../json/pointer.js'
import {isObj, type Obj} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** securityDefinitions, security requirements, and their match with apiProperties connection parameters. */
export const R = defineRules({
  definitions: {
    id: 'security/definitions-valid',
    severity: 'error',
    msCode: 'SecuritySchemePropertyRequired',
    description: 'Security definitions have what their type needs: apiKey a name and "in" (header or query); oauth2 a flow and the URLs that flow uses.',
  },
  requirementDefined: {
    id: 'security/requirement-defined',
    severity: 'warning',
    certification: 'error',
    msCode: 'SecurityRequirementMustBeDefined',
    description: 'Names in "security" requirements exist in securityDefinitions (live connectors break this, so it is a warning outside certification).',
  },
  requirementValue: {
    id: 'security/requirement-value',
    severity: 'error',
    msCode: 'SecurityRequirementMustHaveValue',
    description: 'A requirement\'s value is a list: empty for basic and apiKey, scopes of the definition for oauth2 (unlisted scopes are warnings outside certification: live connectors use them).',
  },
  single: {
    id: 'security/single-definition',
    severity: 'warning',
    description: 'One security definition: several kinds of authentication belong in connectionParameterSets of apiProperties.json.',
  },
  consistency: {
    id: 'security/props-consistency',
    severity: 'warning',
    description:
      'securityDefinitions agree with apiProperties connectionParameters: apiKey with a securestring parameter, basic with username and password, oauth2 with an oauthSetting parameter, no definition with no auth parameters.',
  },
})

export const security: RuleFamily = {
  name: 'security',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    const doc = model.doc
    const definitions = isObj(doc.securityDefinitions) ? doc.securityDefinitions : undefined
    if (definitions) {
      for (const name in definitions) {
        const definition = definitions[name]
        if (isObj(definition)) checkDefinition(ctx, name, definition)
      }
      const names = Object.keys(definitions)
      if (names.length > 1) {
        ctx.report(R.single, {file: 'apiDefinition', path: ['securityDefinitions', names[1]!], at: 'key'}, `${names.length} security definitions (${names.join(', ')}); the platform uses one`, {
          fix: 'Keep one, and offer the other kinds of authentication as connectionParameterSets in apiProperties.json.',
        })
      }
    }
    checkRequirements(ctx, doc.security, ['security'], definitions)
    for (let k = 0; k < model.operations.length; k++) {
      const op = model.operations[k]!
      checkRequirements(ctx, op.op.security, [...op.path, 'security'], definitions)
    }
    if (ctx.on(R.consistency)) checkConsistency(ctx, definitions)
  },
}

function checkDefinition(ctx: RuleContext, name: string, definition: Obj): void {
  const path = ['securityDefinitions', name]
  const missing = (key: string, why: string) =>
    ctx.report(R.definitions, {file: 'apiDefinition', path, at: 'key'}, `security definition ${JSON.stringify(name)} has no "${key}" (${why})`)
  const notValid = (key: string, why: string) =>
    ctx.report(R.definitions, {file: 'apiDefinition', path: [...path, key], at: 'key'}, `"${key}" is not valid on a ${String(definition.type)} security definition (${why})`, {msCode: 'SecuritySchemePropertyNotValid'})
  switch (definition.type) {
    case 'apiKey': {
      if (typeof definition.name !== 'string' || definition.name === '') missing('name', 'the header or query parameter that carries the key')
      if (definition.in === undefined) missing('in', '"header" or "query"')
      for (const key of ['flow', 'authorizationUrl', 'tokenUrl', 'scopes']) if (definition[key] !== undefined) notValid(key, 'it belongs to oauth2')
      break
    }
    case 'oauth2': {
      const flow = definition.flow
      if (flow === undefined) missing('flow', 'accessCode for the authorization-code flow')
      if ((flow === 'implicit' || flow === 'accessCode') && typeof definition.authorizationUrl !== 'string') missing('authorizationUrl', `required by the ${flow} flow`)
      if ((flow === 'password' || flow === 'application' || flow === 'accessCode') && typeof definition.tokenUrl !== 'string') missing('tokenUrl', `required by the ${String(flow)} flow`)
      if (flow === 'implicit' && definition.tokenUrl !== undefined) notValid('tokenUrl', 'the implicit flow has no token endpoint')
      for (const key of ['name', 'in']) if (definition[key] !== undefined) notValid(key, 'it belongs to apiKey')
      break
    }
    case 'basic': {
      for (const key of ['name', 'in', 'flow', 'authorizationUrl', 'tokenUrl', 'scopes']) if (definition[key] !== undefined) notValid(key, 'basic authentication takes no settings')
      break
    }
  }
}

function checkRequirements(ctx: RuleContext, security: unknown, path: PointerSegment[], definitions: Obj | undefined): void {
  if (!Array.isArray(security)) return
  security.forEach((requirement, i) => {
    if (!isObj(requirement)) return
    for (const name in requirement) {
      const value = requirement[name]
      const at = {file: 'apiDefinition' as const, path: [...path, i, name]}
      const definition = definitions?.[name]
      if (!isObj(definition)) {
        const names = definitions ? Object.keys(definitions) : []
        ctx.report(R.requirementDefined, {...at, at: 'key'}, `security requirement ${JSON.stringify(name)} is not in securityDefinitions${names.length > 0 ? ` (defined: ${names.join(', ')})` : ''}`, {
          fix: names.length === 1 ? `Write "${names[0]}".` : 'Define it in securityDefinitions, or remove the requirement.',
        })
        continue
      }
      if (!Array.isArray(value)) {
        ctx.report(R.requirementValue, at, `the value of security requirement ${JSON.stringify(name)} must be a list (empty when there are no scopes)`, {fix: 'Write [].'})
        continue
      }
      if (definition.type !== 'oauth2') {
        if (value.length > 0) ctx.report(R.requirementValue, at, `security requirement ${JSON.stringify(name)} is ${String(definition.type)}, which takes no scopes`, {msCode: 'SecurityRequirementMustHaveEmptyValue', fix: 'Write [].'})
        continue
      }
      const scopes = isObj(definition.scopes) ? definition.scopes : {}
      value.forEach((scope, k) => {
        if (typeof scope !== 'string' || !(scope in scopes)) {
          ctx.report(R.requirementValue, {file: 'apiDefinition', path: [...at.path, k]}, `scope ${JSON.stringify(scope)} is not among the scopes of ${JSON.stringify(name)}`, {
            msCode: 'OAuthSecurityRequirementValueMustBeScopeName',
            // Live connectors request scopes they do not list; the service accepts that.
            ...(ctx.profile === 'base' ? {severity: 'warning' as const} : {}),
          })
        }
      })
    }
  })
}

/** All connection parameters of apiProperties, from connectionParameters and every parameter set. */
export function allConnectionParameters(properties: Obj | undefined): Array<{name: string; param: Obj; path: PointerSegment[]}> {
  const out: Array<{name: string; param: Obj; path: PointerSegment[]}> = []
  if (!properties) return out
  if (isObj(properties.connectionParameters)) {
    for (const name in properties.connectionParameters) {
      const param = properties.connectionParameters[name]
      if (isObj(param)) out.push({name, param, path: ['properties', 'connectionParameters', name]})
    }
  }
  const sets = properties.connectionParameterSets
  if (isObj(sets) && Array.isArray(sets.values)) {
    sets.values.forEach((set, i) => {
      if (!isObj(set) || !isObj(set.parameters)) return
      for (const name in set.parameters) {
        const param = set.parameters[name]
        if (isObj(param)) out.push({name, param, path: ['properties', 'connectionParameterSets', 'values', i, 'parameters', name]})
      }
    })
  }
  return out
}

function checkConsistency(ctx: RuleContext, definitions: Obj | undefined): void {
  if (!ctx.properties) return
  const params = allConnectionParameters(ctx.properties)
  const types = (t: string) => params.filter((p) => String(p.param.type ?? '').toLowerCase() === t.toLowerCase())
  const kinds = new Set(Object.values(definitions ?? {}).map((d) => (isObj(d) ? d.type : undefined)))
  const swaggerAt = (type: string) => {
    const name = Object.entries(definitions ?? {}).find(([, d]) => isObj(d) && d.type === type)?.[0]
    return {file: 'apiDefinition' as const, path: name ? ['securityDefinitions', name] : ['securityDefinitions'], at: 'key' as const}
  }
  if (kinds.has('apiKey') && types('securestring').length === 0) {
    ctx.report(R.consistency, swaggerAt('apiKey'), 'the apiKey security definition has no securestring connection parameter in apiProperties.json to hold the key', {
      fix: 'Add "api_key": {"type": "securestring", "uiDefinition": {...}} to connectionParameters.',
    })
  }
  if (kinds.has('basic')) {
    const names = new Set(params.map((p) => p.name))
    if (!names.has('username') || !names.has('password')) {
      ctx.report(R.consistency, swaggerAt('basic'), 'basic authentication needs connection parameters "username" (string) and "password" (securestring) in apiProperties.json')
    }
  }
  const oauth = types('oauthSetting')
  if (kinds.has('oauth2') && oauth.length === 0) {
    ctx.report(R.consistency, swaggerAt('oauth2'), 'the oauth2 security definition has no oauthSetting connection parameter in apiProperties.json', {fix: 'Add "token": {"type": "oauthSetting", "oAuthSettings": {...}}.'})
  }
  if (oauth.length > 0 && !kinds.has('oauth2')) {
    ctx.report(R.consistency, {file: 'apiProperties', path: oauth[0]!.path, at: 'key'}, 'apiProperties.json has an oauthSetting parameter but the API definition has no oauth2 security definition')
  }
  if (kinds.size === 0 && (types('securestring').length > 0 || oauth.length > 0) && !isObj(ctx.properties.connectionParameterSets)) {
    const first = [...types('securestring'), ...oauth][0]!
    ctx.report(R.consistency, {file: 'apiProperties', path: first.path, at: 'key'}, 'apiProperties.json has credential parameters but the API definition declares no securityDefinitions')
  }
}
