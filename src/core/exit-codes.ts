/**
 * The documented exit codes of every `cc` command. This table is the single source for help text and the
 * README; scripts may rely on it.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  findings: 3,
  notSignedIn: 4,
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export const exitCodeTable: ReadonlyArray<{code: ExitCodeValue; meaning: string}> = [
  {code: ExitCode.ok, meaning: 'success'},
  {code: ExitCode.failed, meaning: 'the operation failed (bad input, service error, partial failure)'},
  {code: ExitCode.usage, meaning: 'usage error: unknown command, wrong or missing flags or arguments'},
  {code: ExitCode.findings, meaning: 'validation found errors (or more warnings than --max-warnings)'},
  {code: ExitCode.notSignedIn, meaning: 'not signed in, token expired beyond refresh, or wrong tenant'},
  {code: ExitCode.interrupted, meaning: 'interrupted (Ctrl-C); nothing was left half-written'},
]
