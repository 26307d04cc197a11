import type {LoginResult} from '../../core/auth/login.js'
import type {LogoutResult} from '../../core/auth/logout.js'
import type {WhoamiResult} from '../../core/auth/whoami.js'

/** Human output of `cc login`, `cc logout` and `cc whoami` (never a token or secret: the results hold none). */

function who(r: {kind: 'user' | 'app'; username?: string; displayName?: string; clientId?: string}): string {
  if (r.kind === 'user') return r.username ? `${r.username}${r.displayName ? ` (${r.displayName})` : ''}` : (r.displayName ?? 'a user')
  return `service principal ${r.clientId ?? ''}${r.displayName && r.displayName !== r.clientId ? ` (${r.displayName})` : ''}`.trim()
}

export function renderLogin(result: LoginResult): string {
  const lines = [`Signed in to ${result.cloud} as ${who(result)}, tenant ${result.tenantId} (${result.method}).`]
  if (result.validUntil) lines.push(`The client secret is not kept: commands work until ${result.validUntil}; after that run cc login again, or use --client-secret-env.`)
  else if (result.kind === 'user') lines.push('Tokens are refreshed silently from now on.')
  return lines.join('\n')
}

export function renderLogout(result: LogoutResult): string {
  if (result.removed.length === 0) return result.cacheDeleted ? 'Nobody was signed in; the token cache is empty.' : 'Nobody was signed in there.'
  return result.removed.map((r) => `Signed out of ${r.cloud}, tenant ${r.tenantId}${r.username ? ` (${r.username})` : ''}.`).join('\n')
}

export function renderWhoami(result: WhoamiResult): string {
  const env = result.environment
  const from = {profile: `cc login (${result.method})`, 'environment variables': `AZURE_* environment variables (${result.method})`, 'emulator default': "the emulator's CI service principal (no login needed)"}[result.origin]
  return [
    `${who(result)}${result.tenantId ? `, tenant ${result.tenantId}` : ''}`,
    `  environment ${env.alias ?? env.ref} (${env.cloud}; from ${env.source})`,
    `  signed in with ${from}`,
    ...(result.objectId ? [`  object id ${result.objectId}`] : []),
    `  token valid until ${result.expiresOn}`,
  ].join('\n')
}
