import type {ScaffoldResult} from '../../core/scaffold/scaffold.js'

/** Human output of `cc scaffold`: the result on stdout; conversion report, notes and next steps (hints) on stderr. */
export function renderScaffold(result: ScaffoldResult): {stdout: string; stderr: string} {
  const kind = [`auth ${result.auth}`, ...(result.managedIdentity ? ['managed identity'] : []), ...(result.script ? ['custom code'] : [])].join(', ')
  const stdout = [`${result.replaced ? 'Replaced' : 'Created'} ${result.dir} (${result.title}; ${kind}; ${result.operations.length} operation${result.operations.length === 1 ? '' : 's'})`]
  for (const file of result.files) stdout.push(`  ${result.dir}/${file}`)
  for (const file of result.removed) stdout.push(`  removed ${result.dir}/${file}`)

  const stderr: string[] = []
  const from = result.from
  if (from) {
    stderr.push(`From ${from.file} (${from.version.startsWith('2') ? 'Swagger' : 'OpenAPI'} ${from.version}, ${from.syntax.toUpperCase()})${from.converted ? ', converted to Swagger 2.0' : ''}.`)
    if (from.notConverted.length > 0) {
      stderr.push(`Not converted (left out; the connector format cannot express them):`)
      for (const n of from.notConverted) stderr.push(`  ${n.pointer}: ${n.reason}`)
    }
    if (from.approximated.length > 0) {
      stderr.push('Converted with a change (check these):')
      for (const n of from.approximated) stderr.push(`  ${n.pointer}: ${n.reason}`)
    }
    if (from.inputProblems.length > 0) {
      stderr.push(`Problems in ${from.file} itself:`)
      for (const p of from.inputProblems) stderr.push(`  ${p}`)
    }
  }
  for (const note of result.notes) stderr.push(`Note: ${note}`)
  if (result.nextSteps.length > 0) {
    stderr.push('Next:')
    for (const step of result.nextSteps) stderr.push(`  ${step}`)
  }
  return {stdout: stdout.join('\n'), stderr: stderr.join('\n')}
}
