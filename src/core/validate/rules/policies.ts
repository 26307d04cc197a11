import {isObj} from '../model.js'
import {defineRules, type RuleFamily} from '../rule.js'

/** policyTemplateInstances of apiProperties.json. */
export const R = defineRules({
  known: {
    id: 'props/policy-template-known',
    severity: 'error',
    description: 'Every policy instance has a templateId the platform knows (matched ignoring case); undocumented ids seen in live connectors are warnings.',
  },
  params: {
    id: 'props/policy-template-params',
    severity: 'error',
    description: 'Policy instances have the parameters their template requires, and enumerated ones (existsAction, httpMethod, policySection) have allowed values.',
  },
  operations: {
    id: 'props/policy-operations',
    severity: 'warning',
    certification: 'error',
    description: 'The operationIds in x-ms-apimTemplate-operationName exist in the API definition (live connectors name missing ones, so it is a warning outside certification).',
  },
})

const P = 'x-ms-apimTemplateParameter.'

/** templateId (lower case) → required parameters (without the x-ms-apimTemplateParameter. prefix). */
export const policyTemplates: Record<string, {required: string[]; documented: boolean}> = {
  setheader: {required: ['name', 'value'], documented: true},
  dynamichosturl: {required: ['urlTemplate'], documented: true},
  routerequesttoendpoint: {required: ['newPath'], documented: true},
  setproperty: {required: ['newPropertyParentPathTemplate', 'newPropertySubPathTemplate', 'propertyValuePathTemplate'], documented: true},
  setqueryparameter: {required: ['name', 'value'], documented: true},
  pollingtrigger: {required: ['triggerConfig', 'triggerDataPath'], documented: true},
  stringreplace: {required: ['propertyParentPath', 'sourceString', 'replacementString', 'newPropertyPath'], documented: true},
  updatenextlink: {required: ['nextLinkPropertyName'], documented: true},
  convertobjecttoarray: {required: ['propertyParentPath', 'newPropertyPath'], documented: true},
  setvaluefromurl: {required: ['parameterTemplate', 'parameterValueUrl', 'parameterValuePathTemplate'], documented: true},
  convertarraytoobject: {required: ['propertyParentPath', 'keyWithinCollectionPath', 'newPropertyPath'], documented: true},
  stringtoarray: {required: ['propertyParentPath', 'delimiterList', 'childPropertyName', 'newPropertyPath'], documented: true},
  encodepropertyvalue: {required: ['propertyParentPath', 'newPropertyPath'], documented: true},
  setconnectionstatustounauthenticated: {required: ['statusCode'], documented: true},
  moveproperties: {required: [], documented: false},
  dynamicsubdomain: {required: [], documented: false},
}

const enums: Record<string, string[]> = {
  [`${P}existsAction`]: ['override', 'skip', 'append'],
  [`${P}httpMethod`]: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '@Request.OriginalHTTPMethod'],
  'x-ms-apimTemplate-policySection': ['Request', 'Response', 'Failure'],
}

export const policies: RuleFamily = {
  name: 'policies',
  rules: Object.values(R),
  check(ctx) {
    const list = ctx.properties?.policyTemplateInstances
    if (!Array.isArray(list)) return
    const ids = ctx.model?.byId
    list.forEach((instance, i) => {
      const path = ['properties', 'policyTemplateInstances', i]
      if (!isObj(instance)) return ctx.report(R.known, {file: 'apiProperties', path}, 'a policy instance must be an object {"templateId", "title", "parameters"}')
      const id = instance.templateId
      if (typeof id !== 'string' || id === '') return ctx.report(R.known, {file: 'apiProperties', path, at: 'key'}, 'the policy instance has no templateId')
      const template = policyTemplates[id.toLowerCase()]
      if (!template) {
        return ctx.report(R.known, {file: 'apiProperties', path: [...path, 'templateId']}, `unknown policy template ${JSON.stringify(id)}`, {
          fix: `Use one of: ${Object.keys(policyTemplates).filter((k) => policyTemplates[k]!.documented).join(', ')}.`,
        })
      }
      if (!template.documented) ctx.report(R.known, {file: 'apiProperties', path: [...path, 'templateId']}, `policy template ${JSON.stringify(id)} is not documented; it may change without notice`, {severity: 'warning'})
      const params = isObj(instance.parameters) ? instance.parameters : {}
      if (!isObj(instance.parameters)) {
        if (template.required.length > 0) ctx.report(R.params, {file: 'apiProperties', path, at: 'key'}, `policy ${id} has no "parameters"`)
        return
      }
      for (const name of template.required) {
        if (params[`${P}${name}`] === undefined) ctx.report(R.params, {file: 'apiProperties', path: [...path, 'parameters'], at: 'key'}, `policy ${id} needs the parameter ${P}${name}`)
      }
      for (const key in enums) {
        const allowed = enums[key]
        const value = params[key]
        if (value !== undefined && (typeof value !== 'string' || !allowed.some((a) => a.toLowerCase() === value.toLowerCase()))) {
          ctx.report(R.params, {file: 'apiProperties', path: [...path, 'parameters', key]}, `${key} must be one of ${allowed.join(', ')}, found ${JSON.stringify(value)}`)
        }
      }
      if (id.toLowerCase() === 'setconnectionstatustounauthenticated') {
        const code = params[`${P}statusCode`]
        if (code !== undefined && !Number.isInteger(Number(code))) ctx.report(R.params, {file: 'apiProperties', path: [...path, 'parameters', `${P}statusCode`]}, `statusCode must be an integer, found ${JSON.stringify(code)}`)
      }
      const names = params['x-ms-apimTemplate-operationName']
      if (names === undefined || !ids || !ctx.swagger) return
      if (!Array.isArray(names)) {
        return ctx.report(R.params, {file: 'apiProperties', path: [...path, 'parameters', 'x-ms-apimTemplate-operationName']}, 'x-ms-apimTemplate-operationName must be an array of operationIds')
      }
      names.forEach((name, k) => {
        if (typeof name === 'string' && !ids.has(name)) {
          const near = [...ids.keys()].find((n) => n.toLowerCase() === name.toLowerCase())
          ctx.report(R.operations, {file: 'apiProperties', path: [...path, 'parameters', 'x-ms-apimTemplate-operationName', k]}, `policy ${JSON.stringify(instance.title ?? id)} names operation ${JSON.stringify(name)}, which is not in the API definition${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`)
        }
      })
    })
  },
}
