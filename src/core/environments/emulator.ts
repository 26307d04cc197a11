import type {CoreContext} from '../context.js'

/**
 * The local emulator for `--env local`: the running one (CC_EMULATOR_URL, or `<dataDir>/emulator.json`), else
 * one started in this process on a free port for the duration of the command (docs/architecture.md, "The local
 * emulator and its clients"). The emulator module is loaded only here, and only for local environments.
 */
export interface EmulatorHandle {
  url: string
  dataDir: string
  /** True when this command started it (it stops with `close`). */
  startedHere: boolean
  close(): Promise<void>
}

export async function connectEmulator(ctx: Pick<CoreContext, 'configDir' | 'cwd' | 'env' | 'reporter'>): Promise<EmulatorHandle> {
  const emulator = await import('../../emulator/index.js')
  const dataDir = emulator.resolveDataDir({configDir: ctx.configDir, cwd: ctx.cwd, env: ctx.env})
  const found = await emulator.findRunningEmulator({dataDir, env: ctx.env})
  if (found) {
    ctx.reporter.debug(`emulator: using ${found.url} (found through ${found.source})`)
    return {url: found.url, dataDir: found.health.dataDir, startedHere: false, close: async () => {}}
  }
  ctx.reporter.step('Starting the local emulator')
  const running = await emulator.startEmulator({dataDir, port: 0})
  ctx.reporter.debug(`emulator: started ${running.url} on ${dataDir} for this command`)
  return {url: running.url, dataDir, startedHere: true, close: () => running.close()}
}
