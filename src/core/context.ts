/**
 * What the CLI layer hands to core functions besides their own options: where state lives, how to report
 * progress, and how to be interrupted. The core never prints; it reports through `reporter`.
 */
export interface Reporter {
  /** A step of a longer job starts (shown as a spinner line on a TTY, a plain line otherwise). */
  step(message: string): void
  /** Progress of a counted job. */
  progress(done: number, total: number, label?: string): void
  /** Something the user should know that is not the result (goes to stderr, and into `warnings` under --json). */
  warn(message: string): void
  /** Extra detail, shown only with DEBUG. */
  debug(message: string): void
}

export const silentReporter: Reporter = {
  step() {},
  progress() {},
  warn() {},
  debug() {},
}

export interface CoreContext {
  /** The user's config folder (oclif configDir, `CC_CONFIG_DIR` overrides). */
  configDir: string
  /** The folder relative paths are resolved against. */
  cwd: string
  /** Environment variables visible to the command (never logged). */
  env: NodeJS.ProcessEnv
  reporter: Reporter
  /** Aborted on Ctrl-C; long operations stop between steps and throw InterruptedError. */
  signal?: AbortSignal
  /** True when a person can answer prompts (stdin and stderr are TTYs). */
  interactive: boolean
}
