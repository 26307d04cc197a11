import type {ApproveResult} from '../../emulator/identity/device-codes.js'
import type {EmulatorInfo, RequestLogEntry, ResetResult} from '../../emulator/index.js'

/** Human output of the `cc emulator` commands. */

export function renderListening(url: string, dataDir: string): {stdout: string; stderr: string} {
  return {
    stdout: `listening on ${url}`,
    stderr: [`data folder ${dataDir}`, `cc emulator info   shows the tenant, environments and credentials; Ctrl-C stops the emulator.`].join('\n'),
  }
}

export function renderRequest(entry: RequestLogEntry): string {
  const status = entry.status === 0 ? 'reset' : String(entry.status)
  const fault = entry.fault ? `  [fault: ${entry.fault}]` : ''
  return `${entry.method} ${entry.path} → ${status} (${entry.durationMs.toFixed(1)} ms, ${entry.route})${fault}`
}

export function renderEmulatorInfo(info: EmulatorInfo): string {
  const lines: string[] = []
  if (info.running) lines.push(`Emulator: running at ${info.url} (pid ${info.pid}, since ${info.startedAt}; found via ${info.foundBy})`)
  else lines.push('Emulator: not running (cc starts one for each command that needs it; `cc emulator start` keeps one running)')
  lines.push(`Data folder: ${info.dataDir}`, '', `Tenant: ${info.tenant.domain} (${info.tenant.id})`)
  if (info.endpoints) {
    lines.push('', 'Endpoints:')
    for (const [name, value] of Object.entries(info.endpoints)) lines.push(`  ${name.padEnd(10)} ${value}`)
  }
  lines.push('', 'Environments:')
  for (const e of info.environments) {
    lines.push(`  ${e.alias.padEnd(11)} ${e.name}${e.isDefault ? '  (default)' : ''}${e.dataverseUrl ? `  Dataverse ${e.dataverseUrl}` : ''}`)
  }
  lines.push('', 'Users (device-code sign-in):')
  for (const u of info.users) lines.push(`  ${u.userPrincipalName.padEnd(32)} ${u.displayName}${u.directoryRoles.length ? ` (${u.directoryRoles.join(', ')})` : ''}${u.default ? '  [default]' : ''}`)
  lines.push('', 'App registrations:')
  for (const a of info.apps) lines.push(`  ${a.appId}  ${a.displayName} — ${a.role}`)
  lines.push('', 'Emulator-only credentials (public on purpose; they open nothing else):')
  for (const c of info.credentials) {
    lines.push(`  ${c.role}: tenant ${c.tenantId}, client id ${c.clientId}, secret ${c.clientSecret}${c.certificatePath ? `, certificate ${c.certificatePath}` : ''}`)
  }
  return lines.join('\n')
}

export function renderReset(result: ResetResult): string {
  return result.via === 'running emulator'
    ? `Reset the emulator at ${result.url} (data folder ${result.dataDir}); it is seeded afresh.`
    : `Emptied the emulator data folder ${result.dataDir}; the next start seeds it afresh.`
}

export function renderApprove(result: ApproveResult): string {
  return result.state === 'approved'
    ? `Approved sign-in ${result.userCode} for ${result.user!.displayName} (${result.user!.userPrincipalName}).`
    : `Declined sign-in ${result.userCode}.`
}
