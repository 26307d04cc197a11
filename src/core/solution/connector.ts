import type {ApiPropertiesBody, ConnectionParameter, ConnectionParameterSets, Connector, Swagger} from '../connector/types.js'
import {CcError} from '../errors.js'
import {connectorLogicalName, deterministicConnectorId} from '../naming/connector-names.js'
import {applyEnvVars, envVarReferencesIn, type EnvVarSubject, referencedEnvVar} from './env-vars.js'
import type {EnvVarDefinition, EnvVarRequest, SolutionConnector} from './types.js'

/** apiProperties.json properties that travel in a solution; everything else has no column in the connector table. */
export const carriedProperties = ['connectionParameters', 'connectionParameterSets', 'iconBrandColor', 'scriptOperations', 'policyTemplateInstances'] as const

/** Column limits of the Dataverse connector table (dataverse-and-solutions.md 2.2). */
const limits = {displayname: 200, description: 1000}

export interface SolutionConnectorOptions {
  /** Publisher prefix (lower case). */
  prefix: string
  /** The environment variables requested for this connector. */
  envVars?: readonly EnvVarRequest[]
  /** Package files that are not strict JSON from their tolerant reading (only with --no-validate). */
  tolerant?: boolean
}

export interface SolutionConnectorBuild {
  connector: SolutionConnector
  envVars: EnvVarDefinition[]
  warnings: string[]
}

/**
 * Turns a loaded connector folder into the Connector component of a solution: the logical name under the
 * publisher's prefix, the deterministic connectorid, the bare connectionParameters object, and the files of the
 * `Connector/` folder. Secrets are left out (a clientSecret that is an environment variable reference stays), and
 * the requested values become environment variable references.
 */
export function buildSolutionConnector(source: Connector, options: SolutionConnectorOptions): SolutionConnectorBuild {
  const warnings: string[] = []
  const definitionFile = source.apiDefinition
  const propertiesFile = source.apiProperties
  for (const [file, canonical] of [
    [definitionFile, 'apiDefinition.swagger.json'],
    [propertiesFile, 'apiProperties.json'],
  ] as const) {
    const name = file?.name ?? canonical
    const problem = source.problems.find((p) => p.file === name && p.severity === 'error')
    const value = file?.value
    const usable = value !== undefined && value !== null && typeof value === 'object' && (file!.doc.strict || options.tolerant)
    if (usable) {
      if (!file!.doc.strict) warnings.push(`${source.folderName}/${name} is not valid JSON${problem ? ` (${problem.message} at ${problem.line}:${problem.column})` : ''}; packaged what a tolerant reading of it gives.`)
      continue
    }
    throw new CcError(`${name} in ${source.dir} ${file ? 'is not valid JSON' : 'is missing'}${problem ? `: ${problem.message}` : ''}.`, {
      code: file ? 'CONNECTOR_UNREADABLE' : 'CONNECTOR_INCOMPLETE',
      file: `${source.dir}/${name}`,
      ...(problem?.line === undefined ? {} : {line: problem.line, column: problem.column ?? 1}),
      suggestions: ['Run `cc validate` on the folder to see every problem with its position.'],
    })
  }

  const swagger = structuredClone(definitionFile!.value!) as Swagger
  const properties = (structuredClone(propertiesFile!.value!.properties ?? {}) as ApiPropertiesBody) ?? {}
  let title = typeof swagger.info?.title === 'string' ? swagger.info.title.trim() : ''
  if (title === '') {
    title = source.folderName
    warnings.push(`${source.folderName}: the API definition has no info.title; the connector is named after its folder.`)
  }
  const name = connectorLogicalName(options.prefix, title)
  let displayName = title
  if (displayName.length > limits.displayname) {
    displayName = displayName.slice(0, limits.displayname)
    warnings.push(`${source.folderName}: the title is longer than ${limits.displayname} characters; the display name was cut to fit the connector table.`)
  }
  let description = typeof swagger.info?.description === 'string' ? swagger.info.description : ''
  if (description.length > limits.description) {
    description = description.slice(0, limits.description)
    warnings.push(`${source.folderName}: info.description is longer than ${limits.description} characters; the solution's description column holds the first ${limits.description} (the API definition keeps it whole).`)
  }

  const subject: EnvVarSubject = {
    dir: source.dir,
    name,
    title,
    // Keep the author's text (numbers and formatting exactly as written) unless it cannot be trusted.
    swaggerText: definitionFile!.doc.strict ? definitionFile!.doc.text : JSON.stringify(swagger, null, 2),
    swagger,
    connectionParameters: isObject(properties.connectionParameters) ? (properties.connectionParameters as Record<string, ConnectionParameter>) : {},
    ...(isObject(properties.connectionParameterSets) ? {connectionParameterSets: properties.connectionParameterSets as ConnectionParameterSets} : {}),
  }
  const envVars = applyEnvVars(subject, options.envVars ?? [], options.prefix)
  const requested = new Set(envVars.map((d) => d.schemaName.toLowerCase()))
  // Only host and basePath of the definition can hold references (environment-variables doc).
  for (const schema of envVarReferencesIn(subject.swagger.host, subject.swagger.basePath, subject.connectionParameters, subject.connectionParameterSets)) {
    if (!requested.has(schema.toLowerCase())) {
      warnings.push(`${source.folderName} refers to environment variable ${schema}, which this solution does not define: it must already exist in the target environment (or add --env-var for it).`)
    }
  }

  const secretsRemoved = [
    ...removeSecrets(subject.connectionParameters, 'connectionParameters'),
    ...(subject.connectionParameterSets ? removeSecrets(subject.connectionParameterSets, 'connectionParameterSets') : []),
  ]
  for (const path of secretsRemoved) {
    warnings.push(`${source.folderName}: ${path} was left out of the solution (secrets never go into packages); set it in each environment after import, or use --env-var clientSecret.`)
  }

  const notCarried = [
    ...Object.keys(propertiesFile!.value ?? {}).filter((k) => k !== 'properties'),
    ...Object.keys(properties).filter((k) => !(carriedProperties as readonly string[]).includes(k) || (k === 'scriptOperations' && !source.script)),
  ]
  const policies = properties.policyTemplateInstances
  const connector: SolutionConnector = {
    dir: source.dir,
    name,
    connectorId: deterministicConnectorId(name),
    displayName,
    description,
    ...(typeof properties.iconBrandColor === 'string' && properties.iconBrandColor !== '' ? {iconBrandColor: properties.iconBrandColor} : {}),
    // Absent and [] both mean "every operation runs through the script"; keep whichever the author wrote.
    ...(source.script && Array.isArray(properties.scriptOperations) ? {scriptOperations: JSON.stringify(properties.scriptOperations)} : {}),
    openApiDefinition: subject.swaggerText,
    connectionParameters: json(subject.connectionParameters),
    ...(subject.connectionParameterSets ? {connectionParameterSets: json(subject.connectionParameterSets)} : {}),
    policyTemplateInstances: json(Array.isArray(policies) ? policies : []),
    ...(source.script ? {customCode: source.script.text} : {}),
    ...(source.icon ? {icon: source.icon.bytes} : {}),
    notCarried,
    secretsRemoved,
  }
  return {connector, envVars, warnings}
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * Removes the literal client secret of every OAuth setting (`oAuthSettings.clientSecret`, any case of the key, in
 * connection parameters and parameter sets alike) and every default value of a `securestring` parameter, in place.
 * A clientSecret that is an `@environmentVariables(...)` reference stays. A connection parameter that is merely
 * named clientSecret (one the user fills in) is a definition, not a secret, and stays too. Returns the paths of
 * the non-empty secrets removed (never their values).
 */
export function removeSecrets(value: unknown, path: string): string[] {
  const removed: string[] = []
  const walk = (node: unknown, at: string, inOAuthSettings: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}[${i}]`, false))
      return
    }
    if (!isObject(node)) return
    for (const key of Object.keys(node)) {
      const child = node[key]
      const secret =
        (inOAuthSettings && /^clientsecret$/i.test(key)) || (key === 'defaultValue' && typeof node.type === 'string' && node.type.toLowerCase() === 'securestring')
      if (secret && referencedEnvVar(child) === undefined) {
        if (child !== null && child !== undefined && child !== '') removed.push(`${at}.${key}`)
        delete node[key]
        continue
      }
      walk(child, `${at}.${key}`, /^oauthsettings$/i.test(key))
    }
  }
  walk(value, path, false)
  return removed
}
