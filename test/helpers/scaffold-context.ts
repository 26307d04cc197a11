import {expect} from 'vitest'

import type {CoreContext} from '../../src/core/context.js'
import {CcError} from '../../src/core/errors.js'

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

/** The CcError a call fails with; fails the test when it succeeds or throws something else. */
export async function ccErrorOf(promise: Promise<unknown>): Promise<CcError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(CcError)
    return error as CcError
  }
  throw new Error('expected the call to fail with a CcError')
}
