import type {PushTarget} from '../environments/project-environments.js'
import type {AppPlan, CredentialStep, RedirectStep} from '../identity/plan-fixups.js'
import type {AuthKind} from './auth-kind.js'
import type {ManifestEnvironment} from './manifest.js'

/** A connector of an import, as planned (nothing written yet). */
export interface ConnectorPlan {
  folder: string
  displayName: string
  auth: AuthKind
  /** create / update / unchanged; skip: it cannot be imported (see reason). */
  action: 'create' | 'update' | 'unchanged' | 'skip'
  /** The parts that differ from the connector in the target (update), or why it is skipped. */
  changes: string[]
  reason?: string
  code?: string
  target: {surface: PushTarget; name?: string; dataverseId?: string; logicalName?: string; solution?: string}
  parametersApplied: string[]
  /** send: a secret will be sent; kept: the target keeps its own; needed: none given for a connector that must have one. */
  secret: 'send' | 'kept' | 'needed' | 'not needed'
  /** Federated credentials (managed identity), per client app. */
  credentials: CredentialStep[]
  /** The redirect URL on each client app (known once the connector exists in the target). */
  redirectUris: RedirectStep[]
  /** Recorded as done by an earlier, interrupted run. */
  resumed?: boolean
}

export type {AppPlan} from '../identity/plan-fixups.js'

export interface ImportPlan {
  source: ManifestEnvironment
  target: ManifestEnvironment & {surface: PushTarget}
  connectors: ConnectorPlan[]
  apps: AppPlan[]
  /** Number of writes the import would make (connectors, credentials, redirect URIs). 0: nothing to do. */
  changes: number
}

export interface ImportedConnector {
  folder: string
  displayName: string
  auth: AuthKind
  status: 'created' | 'updated' | 'unchanged' | 'failed'
  /** What happened to the connector itself (a connector can be created and still fail its fix-ups). */
  connector: 'created' | 'updated' | 'unchanged' | 'not imported'
  reason?: string
  code?: string
  /** This connector was imported by an earlier, interrupted run of the same import. */
  resumed?: boolean
  target: {surface: PushTarget; name?: string; dataverseId?: string; logicalName?: string; solution?: string}
  secret: 'sent' | 'kept by the service' | 'needed' | 'not needed'
  redirectUrl?: string
  managedIdentity?: {issuer: string; subject: string}
  credentials: Array<{appId: string; name: string; action: 'created' | 'updated' | 'unchanged'}>
  redirectUris: Array<{appId: string; url: string; action: 'added' | 'present'}>
}

export interface ImportResult {
  /** false for --plan: nothing was changed, `plan` says what would be. */
  applied: boolean
  plan: ImportPlan
  connectors: ImportedConnector[]
  counts: {created: number; updated: number; unchanged: number; failed: number}
  credentials: {created: number; updated: number; unchanged: number}
  redirectUris: {added: number}
  /** Connectors that will not work (or could not be created) until their OAuth client secret is given. */
  needsSecret: string[]
  /** The journal of this import, in the export folder. */
  journal: string
}
