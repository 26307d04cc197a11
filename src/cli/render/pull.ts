import type {PullResult} from '../../core/pull/pull.js'
import type {SolutionExportResult} from '../../core/pull/solution-export.js'

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

/** Human output of `cc pull --solution`. */
export function renderSolutionExport(result: SolutionExportResult): string {
  const s = result.solution
  const lines = [`${result.written ? 'Exported' : 'Unchanged:'} solution ${s.uniqueName} ${s.version}${s.managed ? ' (managed)' : ''} from ${result.environment.displayName ?? result.environment.id} to ${result.file} (${result.bytes} bytes)`]
  for (const c of result.connectors) lines.push(`  connector ${c.displayName}: ${c.name} (${c.connectorId})`)
  for (const c of result.unpacked?.connectors ?? []) lines.push(`  unpacked ${c.displayName} into ${c.folder}`)
  return lines.join('\n')
}
