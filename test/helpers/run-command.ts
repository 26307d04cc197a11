import {Config, type Command} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {fileURLToPath} from 'node:url'

let config: Config | undefined

/** The oclif Config of this package, loaded once per worker. */
export async function loadConfig(): Promise<Config> {
  config ??= await Config.load({root: fileURLToPath(new URL('../..', import.meta.url))})
  return config
}

export interface CommandOutput<T = unknown> {
  stdout: string
  stderr: string
  exitCode: number
  result: T | undefined
  /** stdout parsed as JSON when it is JSON (for --json runs). */
  json: any
}

/**
 * Runs a command class in-process (Vitest compiles it, which avoids oclif/test#645) and captures its output and
 * exit code. The command's own error handling runs, exactly as from the shell.
 */
export async function runCommand<T>(command: Command.Class, argv: string[], env: Record<string, string | undefined> = {}): Promise<CommandOutput<T>> {
  const saved: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key]
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  process.exitCode = undefined
  try {
    const output = await captureOutput(async () => command.run(argv, await loadConfig()))
    const exitCode = Number(process.exitCode ?? (output.error ? 1 : 0))
    let json: unknown
    try {
      json = JSON.parse(output.stdout)
    } catch {
      json = undefined
    }
    return {stdout: output.stdout, stderr: output.stderr, exitCode, result: output.result as T | undefined, json}
  } finally {
    process.exitCode = undefined
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}
