import {applyEdits, modify} from 'jsonc-parser'

import type {ConnectionParameter, ConnectionParameterSets, OAuthSettings, Swagger} from '../connector/types.js'
import {CcError} from '../errors.js'
import {pascalName} from './options.js'
import {type EnvVarDefinition, type EnvVarRequest, type EnvVarTarget, EnvVarType} from './types.js'
import {renderXml, xmlSafeText} from './xml.js'

/** The folder of environment variable definitions in a solution zip (one sub-folder per schema name). */
export const envVarFolder = 'environmentvariabledefinitions'

/** `@environmentVariables("schema")`: how connector files refer to an environment variable. */
export function envVarReference(schemaName: string): string {
  return `@environmentVariables("${schemaName}")`
}

const referencePattern = /^@environmentVariables\("([^"]+)"\)$/

/** The schema name a value refers to, or undefined when it is a plain value. */
export function referencedEnvVar(value: unknown): string | undefined {
  return typeof value === 'string' ? referencePattern.exec(value.trim())?.[1] : undefined
}

/** Schema names referred to with `@environmentVariables("…")` anywhere in these values, sorted, each once. */
export function envVarReferencesIn(...values: unknown[]): string[] {
  const found = new Set<string>()
  const walk = (node: unknown) => {
    const name = referencedEnvVar(node)
    if (name) found.add(name)
    else if (Array.isArray(node)) node.forEach(walk)
    else if (node && typeof node === 'object') Object.values(node).forEach(walk)
  }
  values.forEach(walk)
  return [...found].sort()
}

const targetLabels: Record<EnvVarTarget, string> = {
  host: 'host',
  basePath: 'base URL path',
  clientId: 'OAuth client ID',
  clientSecret: 'OAuth client secret',
  resourceUri: 'resource URI',
  tenantId: 'tenant ID',
  loginUri: 'login URL',
  authorizationUrl: 'authorization URL',
  tokenUrl: 'token URL',
  refreshUrl: 'refresh URL',
}

/** The parts of a connector that environment variables rewrite, while it is being put into a solution. */
export interface EnvVarSubject {
  /** The connector folder (for messages). */
  dir: string
  /** Logical name of the connector. */
  name: string
  title: string
  /** The API definition as text; host and basePath are edited in place (formatting kept). */
  swaggerText: string
  swagger: Swagger
  connectionParameters: Record<string, ConnectionParameter>
  connectionParameterSets?: ConnectionParameterSets
}

/** Every OAuth settings object of a connector: single auth and each parameter set of a multi-auth connector. */
export function oauthSettingsOf(subject: Pick<EnvVarSubject, 'connectionParameters' | 'connectionParameterSets'>): OAuthSettings[] {
  const found: OAuthSettings[] = []
  const scan = (parameters: Record<string, ConnectionParameter> | undefined) => {
    for (const parameter of Object.values(parameters ?? {})) {
      if (parameter && typeof parameter === 'object' && parameter.oAuthSettings && typeof parameter.oAuthSettings === 'object') found.push(parameter.oAuthSettings)
    }
  }
  scan(subject.connectionParameters)
  for (const set of subject.connectionParameterSets?.values ?? []) scan(set?.parameters)
  return found
}

/** Default schema name: `<prefix>_<ConnectorTitle><Target>`, e.g. `contoso_PetstoreHost`. */
export function defaultEnvVarSchemaName(prefix: string, title: string, target: EnvVarTarget): string {
  const base = pascalName(title).slice(0, 60) || 'Connector'
  return `${prefix}_${base}${target[0]!.toUpperCase()}${target.slice(1)}`
}

/**
 * Turns the requested values of one connector into `@environmentVariables("…")` references and returns the
 * definitions they need. The connector's current value becomes the definition's default (never for secrets).
 * Throws ENV_VAR_TARGET_MISSING when the connector has no such value.
 */
export function applyEnvVars(subject: EnvVarSubject, requests: readonly EnvVarRequest[], prefix: string): EnvVarDefinition[] {
  const definitions: EnvVarDefinition[] = []
  for (const request of requests) {
    const swaggerTarget = request.target === 'host' || request.target === 'basePath'
    // A connector unpacked from a solution may already refer to a variable: keep its name, it has no plain value.
    const existing = swaggerTarget
      ? referencedEnvVar(subject.swagger[request.target])
      : oauthSettingsOf(subject)
          .map((o) => referencedEnvVar(readOAuthValue(o, request.target)))
          .find(Boolean)
    const schemaName = request.schemaName ?? existing ?? defaultEnvVarSchemaName(prefix, subject.title, request.target)
    checkSchemaName(schemaName, prefix)
    const reference = envVarReference(schemaName)
    const secret = request.target === 'clientSecret'
    let current: string | undefined
    if (swaggerTarget) {
      const value = subject.swagger[request.target]
      if (typeof value !== 'string' || value === '') throw missingTarget(subject, request.target, 'apiDefinition.swagger.json')
      current = existing ? undefined : value
      subject.swagger[request.target] = reference
      subject.swaggerText = applyEdits(subject.swaggerText, modify(subject.swaggerText, [request.target], reference, {}))
    } else {
      const settings = oauthSettingsOf(subject)
      if (settings.length === 0) throw missingTarget(subject, request.target, 'apiProperties.json')
      const values = new Set<string>()
      for (const oauth of settings) {
        const value = readOAuthValue(oauth, request.target)
        if (value === undefined && !secret) continue
        if (typeof value === 'string' && value !== '' && referencedEnvVar(value) === undefined) values.add(value)
        writeOAuthValue(oauth, request.target, reference, value)
      }
      if (values.size > 1) {
        throw new CcError(`${subject.dir}: the connector's authentication options have different values for ${request.target}; one environment variable cannot stand for all of them.`, {
          code: 'ENV_VAR_CONFLICT',
          file: `${subject.dir}/apiProperties.json`,
          suggestions: ['Give the auth options the same value, or leave this value out of the environment variables.'],
        })
      }
      if (!secret && values.size === 0 && !existing) {
        throw missingTarget(subject, request.target, 'apiProperties.json')
      }
      current = secret ? undefined : [...values][0]
    }
    definitions.push({
      schemaName,
      displayName: xmlSafeText(request.displayName ?? `${subject.title}: ${targetLabels[request.target]}`).slice(0, 100),
      description: `The ${targetLabels[request.target]} of the ${subject.title} connector, set per environment.`,
      type: secret ? 'Secret' : 'String',
      ...(current === undefined || secret ? {} : {defaultValue: current}),
      usedBy: [{connector: subject.name, target: request.target}],
    })
  }
  return definitions
}

function readOAuthValue(oauth: OAuthSettings, target: EnvVarTarget): string | undefined {
  if (target === 'clientId' || target === 'clientSecret') {
    const value = oauth[target]
    return typeof value === 'string' ? value : undefined
  }
  const value = oauth.customParameters?.[target]?.value
  return typeof value === 'string' ? value : undefined
}

function writeOAuthValue(oauth: OAuthSettings, target: EnvVarTarget, reference: string, previous: string | undefined): void {
  if (target === 'clientId' || target === 'clientSecret') {
    oauth[target] = reference
    return
  }
  const parameter = oauth.customParameters?.[target]
  if (parameter) parameter.value = reference
  // The AAD resource is also kept in properties; keep the two in step.
  const properties = oauth.properties
  if (target === 'resourceUri' && properties && previous !== undefined && properties.AzureActiveDirectoryResourceId === previous) {
    properties.AzureActiveDirectoryResourceId = reference
  }
}

function missingTarget(subject: EnvVarSubject, target: EnvVarTarget, file: string): CcError {
  const where =
    target === 'host' || target === 'basePath'
      ? `"${target}"`
      : target === 'clientId' || target === 'clientSecret'
        ? `an OAuth connection parameter (oAuthSettings.${target})`
        : `oAuthSettings.customParameters.${target}`
  return new CcError(`${subject.dir}: cannot make the ${targetLabels[target]} an environment variable: the connector has no ${where}.`, {
    code: 'ENV_VAR_TARGET_MISSING',
    file: `${subject.dir}/${file}`,
    suggestions: [`Leave ${target} out of --env-var (or of solution.environmentVariables in cc.yaml) for this connector, or name the connector: --env-var <connector>:${target}`],
  })
}

function checkSchemaName(schemaName: string, prefix: string): void {
  if (!schemaName.toLowerCase().startsWith(`${prefix.toLowerCase()}_`) || !/^[A-Za-z][A-Za-z0-9_]{2,99}$/.test(schemaName)) {
    throw new CcError(`Environment variable schema name "${schemaName}" is not valid: it must start with the publisher prefix "${prefix}_" and hold only letters, digits and underscores (at most 100).`, {
      code: 'ENV_VAR_SCHEMA_NAME_INVALID',
      exitCode: 2,
      suggestions: [`--env-var host=${prefix}_${pascalName(schemaName.replace(/^[^_]*_/, '')) || 'ApiHost'}`],
    })
  }
}

/**
 * Merges the definitions of several connectors: one schema name used by several connectors becomes one
 * definition when the defaults agree; otherwise ENV_VAR_CONFLICT.
 */
export function mergeEnvVarDefinitions(definitions: readonly EnvVarDefinition[]): EnvVarDefinition[] {
  const bySchema = new Map<string, EnvVarDefinition>()
  for (const definition of definitions) {
    const key = definition.schemaName.toLowerCase()
    const seen = bySchema.get(key)
    if (!seen) {
      bySchema.set(key, {...definition, usedBy: [...definition.usedBy]})
      continue
    }
    if (seen.type !== definition.type || seen.defaultValue !== definition.defaultValue) {
      throw new CcError(`Environment variable ${definition.schemaName} would stand for different values (${describe(seen)} and ${describe(definition)}).`, {
        code: 'ENV_VAR_CONFLICT',
        exitCode: 2,
        suggestions: ['Give each connector its own schema name (--env-var <connector>:<target>=<schema>), or leave the schema name out to get one per connector.'],
      })
    }
    seen.usedBy.push(...definition.usedBy)
  }
  return [...bySchema.values()].sort((a, b) => a.schemaName.localeCompare(b.schemaName))
}

function describe(definition: EnvVarDefinition): string {
  const use = definition.usedBy.map((u) => `${u.connector} ${u.target}`).join(', ')
  return definition.type === 'Secret' ? `a secret for ${use}` : `"${definition.defaultValue ?? ''}" for ${use}`
}

/** Path of a definition in the zip. */
export function envVarDefinitionPath(schemaName: string): string {
  return `${envVarFolder}/${schemaName}/environmentvariabledefinition.xml`
}

/**
 * `environmentvariabledefinition.xml` (dataverse-and-solutions.md 3.9): children in the order exports use.
 * Secrets are of type Secret in Azure Key Vault (secretstore 0) and carry no default value.
 */
export function renderEnvVarDefinition(definition: EnvVarDefinition, introducedVersion: string): string {
  const label = (text: string) => ({'@_default': xmlSafeText(text), label: {'@_description': xmlSafeText(text), '@_languagecode': '1033'}})
  return renderXml({
    environmentvariabledefinition: {
      '@_schemaname': definition.schemaName,
      defaultvalue: definition.defaultValue === undefined ? undefined : xmlSafeText(definition.defaultValue),
      description: label(definition.description),
      displayname: label(definition.displayName),
      introducedversion: introducedVersion,
      iscustomizable: '1',
      isrequired: '0',
      secretstore: '0',
      type: String(EnvVarType[definition.type]),
    },
  })
}

/** The deployment settings file of `pac solution import --settings-file` (dataverse-and-solutions.md 3.8). */
export interface DeploymentSettings {
  EnvironmentVariables: Array<{SchemaName: string; Value: string}>
  ConnectionReferences: Array<{LogicalName: string; ConnectionId: string; ConnectorId: string}>
}

/**
 * A deployment settings template: each variable with the connector's own value, to be changed per environment.
 * Secrets get an empty value, never the secret: it must be filled in (a Key Vault secret reference) before
 * import, which otherwise stops with "Environment variable value can't be an empty string".
 */
export function deploymentSettings(definitions: readonly EnvVarDefinition[]): DeploymentSettings {
  return {
    EnvironmentVariables: definitions.map((d) => ({SchemaName: d.schemaName, Value: d.type === 'Secret' ? '' : (d.defaultValue ?? '')})),
    ConnectionReferences: [],
  }
}
