import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
export const binPath = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number | null
  signal: NodeJS.Signals | null
  json: any
}

export interface CliOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
  /** Called with the child once it started (e.g. to send SIGINT). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void
}

/** Runs the built CLI (`bin/run.js`) as a real process: no TTY, real exit codes. Needs `npm run build`. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(`${root}/dist/commands`)) throw new Error('dist/ is missing: run `npm run build` (npm test does it).')
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'}
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key]
      else env[key] = value
    }
    const child = spawn(process.execPath, [binPath, ...args], {cwd: options.cwd ?? root, env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({stdout, stderr, exitCode, signal, json})
    })
    options.onSpawn?.(child)
    child.stdin.end(options.input ?? '')
  })
}
