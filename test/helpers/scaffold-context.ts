import type {CoreContext} from '../../src/core/context.js'

/** A CoreContext for calling scaffold/package core functions in-process; warnings and steps are collected. */
export function areaTestContext(cwd: string, options: {interactive?: boolean} = {}): CoreContext & {warnings: string[]; steps: string[]} {
  const warnings: string[] = []
  const steps: string[] = []
  return {
    configDir: process.env.CC_CONFIG_DIR ?? cwd,
    cwd,
    env: process.env,
    interactive: options.interactive ?? false,
    warnings,
    steps,
    reporter: {step: (message: string) => steps.push(message), progress() {}, debug() {}, warn: (message: string) => warnings.push(message)},
  }
}
