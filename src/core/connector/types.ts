import type {JsonDocument} from '../json/document.js'

/** Swagger 2.0 document, loosely typed: connectors in the wild carry every kind of extension. */
export interface Swagger {
  swagger?: string
  info?: {title?: string; description?: string; version?: string; contact?: Record<string, unknown>; [key: string]: unknown}
  host?: string
  basePath?: string
  schemes?: string[]
  consumes?: string[]
  produces?: string[]
  paths?: Record<string, Record<string, unknown>>
  definitions?: Record<string, unknown>
  parameters?: Record<string, unknown>
  responses?: Record<string, unknown>
  securityDefinitions?: Record<string, SecurityDefinition>
  security?: Array<Record<string, string[]>>
  tags?: unknown[]
  [key: `x-${string}`]: unknown
  [key: string]: unknown
}

export interface SecurityDefinition {
  type?: 'basic' | 'apiKey' | 'oauth2' | string
  in?: string
  name?: string
  flow?: string
  authorizationUrl?: string
  tokenUrl?: string
  scopes?: Record<string, string>
  [key: string]: unknown
}

export interface OAuthSettings {
  identityProvider?: string
  clientId?: string | null
  clientSecret?: string | null
  scopes?: string[]
  redirectMode?: string
  redirectUrl?: string
  properties?: Record<string, unknown>
  customParameters?: Record<string, {value?: unknown}>
  [key: string]: unknown
}

export interface ConnectionParameter {
  type?: 'string' | 'securestring' | 'int' | 'bool' | 'oauthSetting' | 'gatewaySetting' | string
  oAuthSettings?: OAuthSettings
  uiDefinition?: Record<string, unknown>
  metadata?: Record<string, unknown>
  allowedValues?: unknown[]
  defaultValue?: unknown
  [key: string]: unknown
}

export interface ConnectionParameterSets {
  uiDefinition?: Record<string, unknown>
  values?: Array<{name?: string; uiDefinition?: Record<string, unknown>; parameters?: Record<string, ConnectionParameter>; [key: string]: unknown}>
  [key: string]: unknown
}

export interface PolicyTemplateInstance {
  templateId?: string
  title?: string
  parameters?: Record<string, unknown>
  [key: string]: unknown
}

export interface ApiPropertiesBody {
  connectionParameters?: Record<string, ConnectionParameter>
  connectionParameterSets?: ConnectionParameterSets
  iconBrandColor?: string
  scriptOperations?: string[]
  capabilities?: string[]
  policyTemplateInstances?: PolicyTemplateInstance[]
  publisher?: string
  stackOwner?: string
  [key: string]: unknown
}

/** apiProperties.json: `{"properties": {...}}`. */
export interface ApiProperties {
  properties?: ApiPropertiesBody
  [key: string]: unknown
}

/** paconn's settings.json (powerapps-api.md section 4). */
export interface PaconnSettings {
  connectorId?: string | null
  environment?: string | null
  apiProperties?: string | null
  apiDefinition?: string | null
  icon?: string | null
  script?: string | null
  powerAppsUrl?: string | null
  powerAppsApiVersion?: string | null
  flowUrl?: string | null
  flowApiVersion?: string | null
  clientId?: string | null
  tenant?: string | null
  authorityUrl?: string | null
  resource?: string | null
  [key: string]: unknown
}

export type ProblemSeverity = 'error' | 'warning' | 'info'

/** A problem found while loading a connector folder. Same fields as a validation finding. */
export interface LoadProblem {
  ruleId: string
  severity: ProblemSeverity
  /** Path of the file relative to the connector folder (forward slashes). */
  file: string
  pointer?: string
  line?: number
  column?: number
  message: string
  hint?: string
}

/** A JSON (or YAML, for the API definition) file of a connector, as read. */
export interface ConnectorJsonFile<T> {
  /** Absolute path. */
  path: string
  /** File name as found on disk (case kept). */
  name: string
  format: 'json' | 'yaml'
  /** Position-keeping document (for YAML: the JSON rendering of the parsed YAML, positions are approximate). */
  doc: JsonDocument
  /** The parsed value; undefined when the file could not be parsed at all. */
  value: T | undefined
  /** True when the file bytes are not valid UTF-8 (decoded with replacement characters). */
  invalidEncoding: boolean
}

export interface ConnectorBinaryFile {
  path: string
  name: string
  bytes: Buffer
}

export interface ConnectorTextFile {
  path: string
  name: string
  text: string
}

/** A connector folder loaded into memory. */
export interface Connector {
  /** Absolute folder path. */
  dir: string
  /** Folder name. */
  folderName: string
  apiDefinition?: ConnectorJsonFile<Swagger>
  apiProperties?: ConnectorJsonFile<ApiProperties>
  settings?: ConnectorJsonFile<PaconnSettings>
  icon?: ConnectorBinaryFile
  script?: ConnectorTextFile
  readme?: ConnectorTextFile
  /** Other files in the folder (names), not part of the connector. */
  otherFiles: string[]
  problems: LoadProblem[]
}
