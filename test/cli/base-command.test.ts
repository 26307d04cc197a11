import {Flags} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {BaseCommand} from '../../src/cli/base-command.js'
import {CcError, UsageError} from '../../src/core/errors.js'
import {runCommand} from '../helpers/run-command.js'

class Probe extends BaseCommand<{echoed: string}> {
  static override id = 'probe'
  static override flags = {
    say: Flags.string({required: true}),
    fail: Flags.string({options: ['cc', 'usage', 'bug', 'findings', 'deep']}),
  }

  async run(): Promise<{echoed: string}> {
    const {flags} = await this.parse(Probe)
    if (flags.fail === 'cc') throw new CcError('The connector folder is missing.', {code: 'CONNECTOR_NOT_FOUND', suggestions: ['cc scaffold my-connector'], file: 'x/apiProperties.json', line: 3, column: 7})
    if (flags.fail === 'usage') throw new UsageError('Pick one of --a or --b.')
    if (flags.fail === 'bug') throw new TypeError("Cannot read properties of undefined (reading 'x')")
    if (flags.fail === 'deep') {
      // What copying a document nested 200,000 levels deep does (JSON.parse itself accepts it).
      structuredClone(JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)))
    }
    this.warn('heads up')
    if (flags.fail === 'findings') this.setExitCode(3)
    if (!this.jsonEnabled()) this.log(`said ${flags.say}`)
    return {echoed: flags.say}
  }
}

describe('BaseCommand', () => {
  it('prints the result on stdout and warnings on stderr', async () => {
    const out = await runCommand(Probe, ['--say', 'hi'])
    expect(out.exitCode).toBe(0)
    expect(out.stdout).toBe('said hi\n')
    expect(out.stderr).toContain('Warning: heads up')
  })

  it('wraps --json results in the {status, result, warnings} envelope', async () => {
    const out = await runCommand(Probe, ['--say', 'hi', '--json'])
    expect(out.exitCode).toBe(0)
    expect(out.json).toEqual({status: 0, result: {echoed: 'hi'}, warnings: ['heads up']})
    // Two-space indented, as oclif prints it without a colour theme (cc writes it without oclif's tokenizer).
    expect(out.stdout).toBe(JSON.stringify({status: 0, result: {echoed: 'hi'}, warnings: ['heads up']}, null, 2) + '\n')
    expect(out.stderr).toBe('')
  })

  it('carries a non-zero exit code set by the command into status', async () => {
    const out = await runCommand(Probe, ['--say', 'hi', '--json', '--fail', 'findings'])
    expect(out.exitCode).toBe(3)
    expect(out.json.status).toBe(3)
  })

  it('renders CcError with code, place and Try: hints', async () => {
    const out = await runCommand(Probe, ['--say', 'x', '--fail', 'cc'])
    expect(out.exitCode).toBe(1)
    expect(out.stderr).toBe(
      'Error (CONNECTOR_NOT_FOUND): The connector folder is missing.\n  at x/apiProperties.json:3:7\nTry:\n  cc scaffold my-connector\n',
    )
    expect(out.stdout).toBe('')
  })

  it('prints the error envelope on stdout under --json', async () => {
    const out = await runCommand(Probe, ['--say', 'x', '--fail', 'cc', '--json'])
    expect(out.exitCode).toBe(1)
    expect(out.json).toEqual({
      status: 1,
      name: 'CcError',
      code: 'CONNECTOR_NOT_FOUND',
      message: 'The connector folder is missing.',
      suggestions: ['cc scaffold my-connector'],
      file: 'x/apiProperties.json',
      line: 3,
      column: 7,
    })
  })

  it('exits 2 on usage errors, both oclif parse errors and UsageError', async () => {
    const missing = await runCommand(Probe, ['--json'])
    expect(missing.exitCode).toBe(2)
    expect(missing.json.code).toBe('USAGE')
    expect(missing.json.message).toMatch(/say/)
    const usage = await runCommand(Probe, ['--say', 'x', '--fail', 'usage'])
    expect(usage.exitCode).toBe(2)
    expect(usage.stderr).toContain('Error (USAGE): Pick one of --a or --b.')
  })

  it('shows unknown errors briefly, without a stack unless DEBUG names cc', async () => {
    const quiet = await runCommand(Probe, ['--say', 'x', '--fail', 'bug'], {DEBUG: undefined})
    expect(quiet.exitCode).toBe(1)
    expect(quiet.stderr).toContain("Error (INTERNAL): Cannot read properties of undefined (reading 'x')")
    expect(quiet.stderr).not.toMatch(/\bat .*\.ts:\d+/)
    const loud = await runCommand(Probe, ['--say', 'x', '--fail', 'bug'], {DEBUG: 'cc'})
    expect(loud.stderr).toMatch(/TypeError: Cannot read properties/)
    expect(loud.stderr).toMatch(/base-command\.test\.ts/)
  })

  it('reports a document too deeply nested to copy as JSON_TOO_DEEP with the way to find it, not as a bug', async () => {
    const out = await runCommand(Probe, ['--say', 'x', '--fail', 'deep'], {DEBUG: undefined})
    expect(out.exitCode).toBe(1)
    expect(out.stderr).toContain('Error (JSON_TOO_DEEP): A JSON document is nested too deeply to be processed.')
    expect(out.stderr).toContain('json/depth')
    expect(out.stderr).not.toContain('bug in cc')
    const json = await runCommand(Probe, ['--say', 'x', '--fail', 'deep', '--json'])
    expect(json.json).toMatchObject({status: 1, code: 'JSON_TOO_DEEP'})
  })
})
