// Issue 2: `cc --version` within 150 ms of a bare `node -e 0`, and the wall time of `cc scaffold`.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cli, root, row, timeCommand} from '../lib.js'

export default async function startup() {
  const node = timeCommand(process.execPath, ['-e', '0'], {runs: 15})
  const version = timeCommand(process.execPath, [cli, '--version'], {runs: 15})
  const help = timeCommand(process.execPath, [cli, '--help'], {runs: 7})
  const rows = [
    row({suite: 'startup', metric: 'bare node -e 0', value: node.ms, unit: 'ms'}),
    row({
      suite: 'startup',
      metric: 'cc --version',
      value: version.ms,
      unit: 'ms',
      baseline: node.ms,
      baselineLabel: 'node',
      ratio: version.ms / node.ms,
      goal: 'within 150 ms of bare node',
      ok: version.ms - node.ms <= 150,
    }),
    row({suite: 'startup', metric: 'cc --help (loads oclif)', value: help.ms, unit: 'ms', baseline: node.ms, baselineLabel: 'node', ratio: help.ms / node.ms}),
  ]
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-'))
  // A row per scaffold run; a failed run becomes a row that says why instead of stopping the suite.
  const scaffoldRow = (metric, args) => {
    try {
      const timed = timeCommand(process.execPath, [cli, 'scaffold', ...args, '--force'], {runs: 5, cwd: work})
      return row({suite: 'startup', metric, value: timed.ms, unit: 'ms', baseline: node.ms, baselineLabel: 'node', ratio: timed.ms / node.ms})
    } catch (error) {
      return row({suite: 'startup', metric, value: Number.NaN, unit: 'ms', goal: `failed: ${String(error.message).slice(0, 80)}`, ok: false})
    }
  }
  try {
    rows.push(scaffoldRow('cc scaffold', ['bench-connector', '--auth', 'oauth2', '--out', join(work, 'x')]))
    // --from loads js-yaml and @readme/openapi-parser (lazily) and converts OpenAPI 3.0 to Swagger 2.0.
    const from = join(root, 'test', 'core', 'openapi', 'fixtures', 'petstore-3.0.yaml')
    rows.push(scaffoldRow('cc scaffold --from (OpenAPI 3.0 YAML)', ['bench-petstore', '--from', from, '--out', join(work, 'p')]))
  } finally {
    rmSync(work, {force: true, recursive: true})
  }
  return rows
}
