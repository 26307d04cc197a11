import {afterEach} from 'vitest'

import type {CoreContext} from '../../src/core/context.js'
import {startEmulator, type RunningEmulator, type StartEmulatorOptions} from '../../src/emulator/index.js'
import {tempDir} from './temp-dir.js'

/** Area E (sign-in, push, pull): a real emulator on port 0 with its own data folder, closed after the test. */

const running: RunningEmulator[] = []

afterEach(async () => {
  while (running.length > 0) await running.pop()!.close()
})

export async function startTestEmulator(options: Partial<StartEmulatorOptions> = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({dataDir: tempDir('cc-emu-'), port: 0, deviceCodeApprovalDelayMs: 0, discoveryFile: false, ...options})
  running.push(emulator)
  return emulator
}

/** Environment variables of a clean shell pointed at an emulator: no Azure credentials, no CC_ENV. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AZURE_|ACTIONS_ID_TOKEN|SYSTEM_ACCESSTOKEN|CC_ENV$|CC_AUTH$|CC_CLOUD$|CC_TENANT$|CC_EMULATOR|DEBUG$)/.test(key)) continue
    env[key] = value
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

export interface TestContext extends CoreContext {
  warnings: string[]
  steps: string[]
  debugLines: string[]
}

/** A CoreContext with its own config folder, collecting what the core reports. */
export function testContext(options: {emulatorUrl?: string; cwd?: string; configDir?: string; env?: Record<string, string | undefined>} = {}): TestContext {
  const warnings: string[] = []
  const steps: string[] = []
  const debugLines: string[] = []
  return {
    configDir: options.configDir ?? tempDir('cc-config-'),
    cwd: options.cwd ?? tempDir('cc-cwd-'),
    env: cleanEnv({...(options.emulatorUrl ? {CC_EMULATOR_URL: options.emulatorUrl} : {}), ...options.env}),
    interactive: false,
    warnings,
    steps,
    debugLines,
    reporter: {
      step: (message) => steps.push(message),
      progress() {},
      warn: (message) => warnings.push(message),
      debug: (message) => debugLines.push(message),
    },
  }
}
