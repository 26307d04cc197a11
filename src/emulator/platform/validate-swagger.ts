/**
 * The emulator's stand-in for the service's swagger validation (validateApiSwagger): structural errors always,
 * and with certification rules the checks quoted in powerapps-api.md 2.7 (summary, x-ms-summary, descriptions,
 * schemas on 'default' responses). The real rule set is internal; this is a plausible, documented subset.
 */

export interface SwaggerFinding {
  level: 'Error' | 'Warning'
  message: string
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function pointer(...segments: string[]): string {
  return `/${segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
}

/** Problems that make a swagger unusable for a connector (create and update refuse it). */
export function structuralProblems(swagger: unknown): string[] {
  if (!isObject(swagger)) return ['The API definition must be a JSON object (an OpenAPI 2.0 document).']
  const problems: string[] = []
  if (swagger.swagger !== '2.0') problems.push(`The API definition must be OpenAPI (Swagger) 2.0: 'swagger' is ${JSON.stringify(swagger.swagger ?? null)}, not "2.0".`)
  if (!isObject(swagger.info) || typeof swagger.info.title !== 'string' || swagger.info.title.trim() === '') problems.push("The 'info.title' property is required. ValuePath: /info/title")
  if (!isObject(swagger.paths)) problems.push("The 'paths' property is required. ValuePath: /paths")
  return problems
}

export function validateSwagger(swagger: unknown, certification: boolean): SwaggerFinding[] {
  const findings: SwaggerFinding[] = structuralProblems(swagger).map((message) => ({level: 'Error', message}))
  if (!isObject(swagger) || !isObject(swagger.paths)) return findings
  const operationIds = new Map<string, string>()
  for (const [path, item] of Object.entries(swagger.paths)) {
    if (!isObject(item)) continue
    for (const method of methods) {
      const operation = item[method]
      if (!isObject(operation)) continue
      const at = pointer('paths', path, method)
      const id = operation.operationId
      if (typeof id !== 'string' || id === '') findings.push({level: 'Error', message: `The 'operationId' property is required. ValuePath: ${at}`})
      else if (operationIds.has(id.toLowerCase())) findings.push({level: 'Error', message: `The operationId '${id}' is used twice (also at ${operationIds.get(id.toLowerCase())}). ValuePath: ${at}/operationId`})
      else operationIds.set(id.toLowerCase(), at)
      if (!certification) continue
      if (typeof operation.summary !== 'string' || operation.summary === '') findings.push({level: 'Error', message: `The 'summary' property is required. ValuePath: ${at}`})
      if (typeof operation.description !== 'string' || operation.description === '') findings.push({level: 'Warning', message: `The 'description' property is recommended. ValuePath: ${at}`})
      const parameters = Array.isArray(operation.parameters) ? operation.parameters : []
      parameters.forEach((parameter, index) => {
        if (isObject(parameter) && typeof parameter.$ref !== 'string' && parameter.in !== 'body' && typeof parameter['x-ms-summary'] !== 'string') {
          findings.push({level: 'Error', message: `The 'x-ms-summary' property is required. ValuePath: ${at}/parameters/${index}`})
        }
      })
      const responses = isObject(operation.responses) ? operation.responses : {}
      if (isObject(responses.default) && responses.default.schema !== undefined) {
        findings.push({level: 'Warning', message: `The 'default' response should not have schema definition. Schemas should be defined on expected responses only. ValuePath: ${at}/responses/default`})
      }
    }
  }
  return findings
}

/** The response text: findings one per line (`Error: …` / `Warning: …`), or the success sentence. */
export function validationText(findings: SwaggerFinding[], certification: boolean): string {
  if (findings.length === 0) return certification ? 'Swagger certification succeeded' : ''
  return findings.map((f) => `${f.level}: ${f.message}`).join('\r\n')
}
