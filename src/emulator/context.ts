import type {FaultPlan} from './faults.js'
import type {BlobStore} from './state/blobs.js'
import type {EmulatorKeys} from './state/keys.js'
import type {Store} from './state/store.js'

/** Behaviour settings of a running emulator (all have defaults; see startEmulator). */
export interface EmulatorSettings {
  /** Lists longer than this return a page and a next link (Power Apps, Flow, BAP, Graph, and Dataverse unless the client prefers otherwise). */
  pageSize: number
  /** Dataverse page size when neither the client (Prefer: odata.maxpagesize) nor the pageSize option says. */
  dataversePageSize: number
  /** Device codes approve themselves this long after they were issued; null: only by `cc emulator approve`. */
  deviceCodeApprovalDelayMs: number | null
  /** The polling interval the device-code endpoints announce. */
  deviceCodeIntervalSeconds: number
  /** Lifetime of access tokens. */
  tokenLifetimeSeconds: number
}

/** What every handler gets besides the request. */
export interface EmulatorContext {
  dataDir: string
  store: Store
  blobs: BlobStore
  keys: EmulatorKeys
  settings: EmulatorSettings
  /** The emulator's clock in milliseconds (tests may move it forward). */
  now(): number
  /** The running server's own controls (admin routes). */
  runtime: EmulatorRuntime
}

export interface EmulatorRuntime {
  version: string
  pid: number
  startedAt: string
  /** The URL the server listens on (http, loopback). */
  url(): string
  /** Replaces the fault rules; undefined removes them. Returns the plan now in force. */
  setFaults(spec: string | undefined): FaultPlan | undefined
  faults(): FaultPlan | undefined
  /** Empties the data folder and seeds it again. */
  reset(): Promise<void>
}
