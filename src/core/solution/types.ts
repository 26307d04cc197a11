/** The publisher of a solution: owner of the customization prefix that every component name starts with. */
export interface PublisherSpec {
  /** Unique name (letters, digits, underscore). */
  uniqueName: string
  displayName: string
  /** Customization prefix, 2 to 8 letters or digits starting with a letter (e.g. `contoso`). Lower case. */
  prefix: string
  /** Five-digit prefix of option set values (10000 to 99999). */
  optionValuePrefix: number
}

/** Everything solution.xml says about the solution itself. */
export interface SolutionSpec {
  uniqueName: string
  displayName: string
  description?: string
  /** Four-part version `major.minor.build.revision`. */
  version: string
  managed: boolean
  publisher: PublisherSpec
}

/** The connector values that can become environment variables (the fields the platform resolves, environment-variables doc). */
export const envVarTargets = [
  'host',
  'basePath',
  'clientId',
  'clientSecret',
  'resourceUri',
  'tenantId',
  'loginUri',
  'authorizationUrl',
  'tokenUrl',
  'refreshUrl',
] as const

export type EnvVarTarget = (typeof envVarTargets)[number]

/** What the user asked for: turn `target` of one connector (or of every connector) into an environment variable. */
export interface EnvVarRequest {
  target: EnvVarTarget
  /** Schema name with the publisher prefix, e.g. `contoso_PetstoreHost`; derived from the connector when absent. */
  schemaName?: string
  /** Folder name or display name of the connector it applies to; every connector when absent. */
  connector?: string
  displayName?: string
}

/** Environment variable definition types (the `type` option set of environmentvariabledefinition). */
export const EnvVarType = {String: 100_000_000, Secret: 100_000_005} as const

/** An environment variable definition (component type 380) as it goes into the solution. */
export interface EnvVarDefinition {
  schemaName: string
  displayName: string
  description: string
  type: keyof typeof EnvVarType
  /** The connector's own value, used where no environment value is set. Never present for secrets. */
  defaultValue?: string
  /** Where it is used: connector logical name and target. */
  usedBy: Array<{connector: string; target: EnvVarTarget}>
}

/** A file of the solution zip. */
export interface SolutionFile {
  /** Path inside the zip, forward slashes, no leading slash. */
  path: string
  data: string | Buffer
}

/** One connector as it goes into a solution: the Connector element of customizations.xml and its files. */
export interface SolutionConnector {
  /** Connector folder it came from. */
  dir: string
  /** Dataverse logical name, `<prefix>_<escaped display name>`. */
  name: string
  /** Deterministic connectorid (name-based UUID). */
  connectorId: string
  displayName: string
  description: string
  iconBrandColor?: string
  /** JSON array text of the operations the custom code handles (only with custom code). */
  scriptOperations?: string
  openApiDefinition: string
  connectionParameters: string
  connectionParameterSets?: string
  policyTemplateInstances: string
  customCode?: string
  icon?: Buffer
  /** apiProperties.json properties that a solution has no place for (e.g. publisher, stackOwner, capabilities). */
  notCarried: string[]
  /** JSON paths of secrets that were left out (e.g. `connectionParameters.token.oAuthSettings.clientSecret`). */
  secretsRemoved: string[]
}
