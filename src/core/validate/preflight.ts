import type {Connector} from '../connector/types.js'
import {CcError} from '../errors.js'
import {ExitCode} from '../exit-codes.js'
import {loadProjectFile} from '../project/project-file.js'
import {readValidationSettings} from './config.js'
import {validateLoaded} from './validate.js'

/**
 * The check `cc package` and `cc push` run before they touch anything (skipped with --no-validate): the base
 * validation profile, with the rule levels of cc.yaml. Throws a CcError with exit code 3 (VALIDATION_FAILED)
 * naming the first errors when any error is found; warnings do not stop it.
 */
export async function preflightValidate(connectors: readonly Connector[], options: {cwd?: string} = {}): Promise<void> {
  const cwd = options.cwd ?? process.cwd()
  const settings = await readValidationSettings(await loadProjectFile(cwd))
  const errors = connectors.flatMap((connector) => validateLoaded(connector, settings, 'base', 'base', cwd).findings.filter((f) => f.severity === 'error'))
  if (errors.length === 0) return
  const shown = errors.slice(0, 5).map((e) => `${e.file}:${e.line}:${e.column} ${e.message} (${e.ruleId})`)
  const first = errors[0]!
  throw new CcError(
    `Validation found ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${shown.join('\n  ')}${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ''}`,
    {
      code: 'VALIDATION_FAILED',
      exitCode: ExitCode.findings,
      file: first.file,
      line: first.line,
      column: first.column,
      suggestions: ['cc validate <connector> to see every finding with a fix hint', 'or pass --no-validate to skip this check'],
    },
  )
}
