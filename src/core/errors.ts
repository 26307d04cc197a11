import {ExitCode, type ExitCodeValue} from './exit-codes.js'

export interface CcErrorOptions {
  /** Stable, machine-readable identifier, e.g. `CONNECTOR_NOT_FOUND`. Part of the public API. */
  code: string
  exitCode?: ExitCodeValue
  /** Fix hints, shown as a "Try:" list and as `suggestions` in the JSON error envelope. */
  suggestions?: string[]
  /** Where the problem is: a file and, when known, line and column (1-based). */
  file?: string
  line?: number
  column?: number
  cause?: unknown
  /** Extra data that is safe to show (never secrets). */
  data?: Record<string, unknown>
}

/**
 * The one error type the core throws for anything a user can act on. Commands render it as
 * "Error (CODE): message" plus "Try:" hints, and `--json` prints it as `{status, name, code, message, suggestions}`.
 */
export class CcError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly suggestions: string[]
  readonly file?: string
  readonly line?: number
  readonly column?: number
  readonly data?: Record<string, unknown>

  constructor(message: string, options: CcErrorOptions) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'CcError'
    this.code = options.code
    this.exitCode = options.exitCode ?? ExitCode.failed
    this.suggestions = options.suggestions ?? []
    if (options.file !== undefined) this.file = options.file
    if (options.line !== undefined) this.line = options.line
    if (options.column !== undefined) this.column = options.column
    if (options.data !== undefined) this.data = options.data
  }

  /** `file:line:column` when the error has a place, else undefined. */
  get location(): string | undefined {
    if (!this.file) return undefined
    if (this.line === undefined) return this.file
    return `${this.file}:${this.line}:${this.column ?? 1}`
  }
}

/** Wrong or missing input that the user passed on the command line (exit 2). */
export class UsageError extends CcError {
  constructor(message: string, options: Omit<CcErrorOptions, 'exitCode'> = {code: 'USAGE'}) {
    super(message, {...options, exitCode: ExitCode.usage})
    this.name = 'UsageError'
  }
}

/** Not signed in, token expired beyond refresh, or the wrong tenant (exit 4). */
export class AuthRequiredError extends CcError {
  constructor(message: string, options: Omit<CcErrorOptions, 'exitCode'> = {code: 'NOT_SIGNED_IN'}) {
    super(message, {...options, exitCode: ExitCode.notSignedIn})
    this.name = 'AuthRequiredError'
  }
}

/** The user interrupted the command (exit 130). */
export class InterruptedError extends CcError {
  constructor(message = 'Interrupted.') {
    super(message, {code: 'INTERRUPTED', exitCode: ExitCode.interrupted})
    this.name = 'InterruptedError'
  }
}

/** A service answered with an error status. Keeps the service's own code, message and request id. */
export class ApiError extends CcError {
  readonly status: number
  readonly serviceCode?: string
  readonly requestId?: string
  readonly method: string
  readonly url: string

  constructor(
    message: string,
    options: CcErrorOptions & {status: number; method: string; url: string; serviceCode?: string; requestId?: string},
  ) {
    super(message, options)
    this.name = 'ApiError'
    this.status = options.status
    this.method = options.method
    this.url = options.url
    if (options.serviceCode !== undefined) this.serviceCode = options.serviceCode
    if (options.requestId !== undefined) this.requestId = options.requestId
  }
}

export function isCcError(error: unknown): error is CcError {
  return error instanceof CcError
}

/** Throws InterruptedError when the signal was aborted. Long-running core loops call this between steps. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError()
}
