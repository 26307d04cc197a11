import type {PushResult} from '../../core/push/push.js'
import type {SolutionImportResult} from '../../core/push/solution-import.js'

/** Human output of `cc push`: what changed on stdout; the redirect URL and managed identity to register, and notes. */
export function renderPush(result: PushResult): {stdout: string; stderr: string} {
  const env = result.environment
  const where = `${env.displayName ?? env.id}${env.alias && env.alias !== env.displayName ? ` (${env.alias})` : ''}`
  const id = result.target === 'rp' ? result.connector.name : (result.connector.dataverseId ?? result.connector.name)
  const stdout = [`${result.action === 'created' ? 'Created' : 'Updated'} ${result.connector.displayName} in ${where} through ${result.target === 'rp' ? 'Power Apps' : 'Dataverse'}: ${id}`]
  if (result.target === 'dataverse') {
    stdout.push(`  logical name ${result.connector.logicalName}${result.connector.solution ? `, solution ${result.connector.solution}` : ''}`)
    if (result.connector.name) stdout.push(`  runtime name ${result.connector.name}`)
  }
  if (result.redirectUrl) stdout.push(`  redirect URL ${result.redirectUrl}`)
  if (result.managedIdentity) stdout.push(`  managed identity issuer ${result.managedIdentity.issuer}`, `  managed identity subject ${result.managedIdentity.subject}`)
  stdout.push(`  ${result.portalUrl}`)

  const stderr: string[] = []
  const notes = [
    result.foundBy ? `found by ${result.foundBy}` : undefined,
    result.parametersApplied.length > 0 ? `environment parameters applied: ${result.parametersApplied.join(', ')}` : undefined,
    result.script === 'kept' ? 'existing custom code kept (no script in the folder; --remove-script removes it)' : result.script === 'removed' ? 'custom code removed' : undefined,
    result.secret === 'sent' ? 'OAuth client secret sent' : result.secret === 'kept by the service' ? 'OAuth client secret unchanged' : undefined,
  ].filter(Boolean)
  if (notes.length > 0) stderr.push(`(${notes.join('; ')})`)
  for (const w of result.serviceWarnings) stderr.push(`Service warning: ${w}`)
  if (result.redirectUrl && result.action === 'created') stderr.push(`Next: add ${result.redirectUrl} to the redirect URIs of the OAuth app.`)
  if (result.managedIdentity && result.action === 'created') stderr.push('Next: add a federated credential with this issuer and subject to the OAuth app (cc import does it for you).')
  return {stdout: stdout.join('\n'), stderr: stderr.join('\n')}
}

/** Human output of `cc push --solution-zip`: each solution, then its connectors with both ids. */
export function renderSolutionImport(result: SolutionImportResult): string {
  const env = result.environment
  const where = `${env.displayName ?? env.id}${env.alias && env.alias !== env.displayName ? ` (${env.alias})` : ''}`
  const lines: string[] = []
  for (const s of result.solutions) {
    lines.push(`${s.action === 'installed' ? 'Installed' : 'Updated'} solution ${s.uniqueName} ${s.version}${s.managed ? ' (managed)' : ''} in ${where} from ${s.file}`)
    for (const c of s.connectors) {
      lines.push(`  ${c.action} ${c.displayName}: ${c.logicalName} (${c.dataverseId})${c.powerAppsName ? `, runtime name ${c.powerAppsName}` : ''}${c.onPowerApps ? '' : ' (not yet in Power Apps)'}`)
    }
    if (s.environmentVariables.length > 0) lines.push(`  environment variables: ${s.environmentVariables.join(', ')}`)
  }
  lines.push(`  ${result.portalUrl}`)
  return lines.join('\n')
}
