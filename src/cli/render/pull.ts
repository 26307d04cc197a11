import type {PullResult} from '../../core/pull/pull.js'

/** Human output of `cc pull`. */
export function renderPull(result: PullResult): {stdout: string; stderr: string} {
  const id = result.connector.name ?? result.connector.dataverseId
  const stdout = [`Pulled ${result.connector.displayName} (${id}) from ${result.environment.displayName ?? result.environment.id} into ${result.folder}`]
  for (const file of result.written) stdout.push(`  ${result.folder}/${file}`)
  const stderr: string[] = []
  if (result.written.length === 0) stderr.push('Everything was up to date.')
  else if (result.unchanged.length > 0) stderr.push(`Unchanged: ${result.unchanged.join(', ')}`)
  if (result.leftAlone.length > 0) stderr.push(`Left alone (the connector has none): ${result.leftAlone.join(', ')}`)
  return {stdout: stdout.join('\n'), stderr: stderr.join('\n')}
}
