import type {EntraAppResult} from '../../core/identity/entra-app.js'

/** Human output of cc entra app create. The secret itself is printed by the command, once, as it arrives. */
export function renderEntraApp(result: EntraAppResult): {stdout: string; stderr: string} {
  const lines = [`Registered ${result.app.displayName}: application (client) id ${result.app.appId}, single tenant${result.app.tenantId ? ` (${result.app.tenantId})` : ''}.`]
  if (result.permission) lines.push(`  delegated permission ${result.permission.resourceDisplayName ?? result.permission.resourceAppId} ${result.permission.scope}`)
  if (result.clientSecret.created) lines.push(`  client secret ${result.clientSecret.hint}… (key ${result.clientSecret.keyId}), valid until ${result.clientSecret.endDateTime}`)
  else lines.push(`  no client secret: ${result.clientSecret.reason}`)
  lines.push(`  client id written to ${result.connector.file}`)
  if (result.push) lines.push(`${result.push.action === 'created' ? 'Created' : 'Updated'} the connector in ${result.push.environment.displayName ?? result.push.environment.id}: ${result.push.connector.name ?? result.push.connector.dataverseId}`)
  for (const c of result.sync?.connectors ?? []) {
    for (const cred of c.credentials) lines.push(`  federated credential ${cred.name} ${cred.action}`)
    for (const r of c.redirectUris) lines.push(`  redirect URI ${r.url} ${r.action}`)
    if (c.reason) lines.push(`  ${c.reason}`)
  }
  const stderr = result.next.length > 0 ? ['Next:', ...result.next.map((n) => `  ${n}`)].join('\n') : ''
  return {stdout: lines.join('\n'), stderr}
}
