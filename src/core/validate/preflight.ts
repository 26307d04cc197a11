import type {Connector, LoadProblem} from '../connector/types.js'
import {CcError} from '../errors.js'
import {ExitCode} from '../exit-codes.js'
import {displayPath} from '../fs/paths.js'

/**
 * The check `cc package` and `cc push` run before they touch anything (skipped with --no-validate): the base
 * validation profile. Throws a CcError with exit code 3 naming the first problems when any error is found.
 *
 * NOTE: until the validator (src/core/validate) lands, this checks what loading a connector already finds
 * (unreadable or missing files, JSON syntax, duplicate keys, encoding). The validator replaces the body.
 */
export async function preflightValidate(connectors: readonly Connector[], options: {cwd?: string} = {}): Promise<void> {
  const errors: Array<LoadProblem & {dir: string}> = []
  for (const connector of connectors) {
    for (const problem of connector.problems) if (problem.severity === 'error') errors.push({...problem, dir: connector.dir})
  }
  if (errors.length === 0) return
  const cwd = options.cwd ?? process.cwd()
  const shown = errors.slice(0, 5).map((e) => `${displayPath(`${e.dir}/${e.file}`, cwd)}${e.line ? `:${e.line}:${e.column ?? 1}` : ''} ${e.message} (${e.ruleId})`)
  const first = errors[0]!
  throw new CcError(
    `Validation found ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${shown.join('\n  ')}${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ''}`,
    {
      code: 'VALIDATION_FAILED',
      exitCode: ExitCode.findings,
      file: `${first.dir}/${first.file}`,
      ...(first.line === undefined ? {} : {line: first.line, column: first.column ?? 1}),
      suggestions: ['cc validate <connector> to see every finding with a fix hint', 'or pass --no-validate to skip this check'],
    },
  )
}
