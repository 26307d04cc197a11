import type {ApiProperties, Connector, Swagger} from '../connector/types.js'
import type {PushTarget} from '../environments/project-environments.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {type EnvironmentSummary} from '../environments/session.js'

export interface PushOptions extends EnvironmentRequest {
  /** The connector folder (default: the current folder). */
  path?: string
  /** rp (the Power Apps resource provider, as paconn) or dataverse (the connector table); default: dataverse when the environment has Dataverse. */
  target?: PushTarget
  /** Solution unique name for --target dataverse (default: the environment's `solution` in cc.yaml). */
  solution?: string
  /** Update this connector (a Power Apps name `shared_…`, or a Dataverse connectorid). */
  connectorId?: string
  /** The OAuth client secret, read by the caller from stdin. Never stored or shown. */
  clientSecret?: string
  /** Name of the environment variable that holds the OAuth client secret. */
  clientSecretEnv?: string
  /** On update, remove the connector's custom code (without it, existing code is kept). */
  removeScript?: boolean
  /** Run the base validation and the service's swagger check first (default true). */
  validate?: boolean
  /** Write the ids to settings.json and cc.yaml (default true). */
  remember?: boolean
}

export type ScriptOutcome = 'uploaded' | 'kept' | 'removed' | 'none'

export interface PushResult {
  action: 'created' | 'updated'
  target: PushTarget
  connector: {
    folder: string
    displayName: string
    /** The Power Apps resource provider's name (`shared_…`): paconn's connector id. */
    name?: string
    /** The Dataverse connectorid. */
    dataverseId?: string
    logicalName?: string
    solution?: string
  }
  environment: EnvironmentSummary
  /** How an existing connector was found (when updated). */
  foundBy?: 'connector id' | 'cc.yaml' | 'settings.json' | 'display name' | 'logical name' | 'deterministic id'
  /** The per-connector OAuth redirect URL to register on the OAuth app. */
  redirectUrl?: string
  /** The platform's managed-identity values (connectors with "Use managed identity"). */
  managedIdentity?: {issuer: string; subject: string}
  portalUrl: string
  script: ScriptOutcome
  icon: 'uploaded' | 'none'
  /** Whether an OAuth client secret was sent (its value is never shown). */
  secret: 'sent' | 'kept by the service' | 'not needed'
  /** cc.yaml parameters applied for this environment. */
  parametersApplied: string[]
  /** Findings of the service's swagger check (warnings; errors stop the push). */
  serviceWarnings: string[]
  /** Files updated with the connector's ids. */
  remembered: string[]
}

/** A connector ready to be sent: parameters applied, secret (if any) injected, never returned to callers. */
export interface PreparedConnector {
  connector: Connector
  folder: string
  apiDefinition: Swagger
  apiProperties: ApiProperties
  title: string
  description: string
  icon?: Uint8Array
  script?: string
  applied: string[]
  /** A secret was supplied (flag, stdin, or literal in the file). */
  hasSecret: boolean
  /** The connector has OAuth settings that take a client secret. */
  needsSecret: boolean
}

/** What a surface did. */
export interface SurfaceOutcome {
  action: 'created' | 'updated'
  name?: string
  dataverseId?: string
  logicalName?: string
  solution?: string
  foundBy?: PushResult['foundBy']
  redirectUrl?: string
  managedIdentity?: {issuer: string; subject: string}
  script: ScriptOutcome
  icon: 'uploaded' | 'none'
  secret: PushResult['secret']
  serviceWarnings: string[]
}
