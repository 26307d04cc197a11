import type {PruneResult} from '../../core/identity/prune.js'
import type {SyncPlan, SyncResult} from '../../core/identity/sync.js'
import {askYesNo, plural} from './transfer.js'

/** Human output of cc identity sync and cc identity prune. */

export function renderSyncPlan(plan: SyncPlan): string {
  const lines = [`Identity fix-ups in ${plan.environment.displayName ?? plan.environment.environmentId}:`]
  for (const c of plan.connectors) {
    const steps = [
      ...c.credentials.map((cred) => `credential ${cred.name || '?'} on ${cred.appId}: ${cred.action}${cred.existingName ? ` (as ${cred.existingName})` : ''}`),
      ...c.redirectUris.map((r) => `redirect URI on ${r.appId}: ${r.action}`),
      ...(c.secret === 'send' ? ['OAuth client secret: sent'] : []),
    ]
    lines.push(`  ${c.displayName}${c.name ? ` (${c.name})` : ''}: ${steps.length > 0 ? steps.join('; ') : 'nothing to do'}`)
  }
  lines.push(plan.changes === 0 ? 'Nothing to change.' : `${plural(plan.changes, 'change')} to make.`)
  return lines.join('\n')
}

export function renderSync(result: SyncResult): {stdout: string; stderr: string} {
  if (!result.applied) return {stdout: renderSyncPlan(result.plan), stderr: 'Nothing was changed (--plan).'}
  const lines = result.connectors.map((c) => {
    const done = [
      ...c.credentials.map((cred) => `credential ${cred.name} ${cred.action}`),
      ...c.redirectUris.map((r) => `redirect URI ${r.action}`),
      ...(c.secret === 'sent' ? ['secret sent'] : []),
    ]
    return `${c.status.padEnd(9)} ${c.displayName}${done.length > 0 ? ` (${done.join(', ')})` : ''}${c.reason ? `: ${c.reason}` : ''}`
  })
  lines.push(`${result.counts.changed} changed, ${result.counts.unchanged} unchanged, ${result.counts.failed} failed.`)
  return {stdout: lines.join('\n'), stderr: ''}
}

export async function askToSync(plan: SyncPlan): Promise<boolean> {
  process.stderr.write(`${renderSyncPlan(plan)}\n`)
  return askYesNo(`Make ${plural(plan.changes, 'change')}? [y/N] `)
}

export function renderPrune(result: PruneResult): string {
  const lines: string[] = []
  for (const app of result.apps) {
    lines.push(`${app.appId}${app.displayName ? ` (${app.displayName})` : ''}: ${plural(app.credentials, 'federated credential')}, ${app.stale.length} stale`)
    for (const s of app.stale) lines.push(`  ${app.removed.includes(s.name) ? 'removed' : result.applied ? 'kept' : 'stale'}  ${s.name}  (${s.reason}: ${s.connector} in ${s.environmentId})`)
  }
  lines.push(result.applied ? `Removed ${plural(result.removed, 'stale credential')}.` : result.apps.some((a) => a.stale.length > 0) ? 'Nothing was removed (--plan).' : 'Nothing to remove.')
  return lines.join('\n')
}

export async function askToPrune(result: PruneResult): Promise<boolean> {
  process.stderr.write(`${renderPrune(result)}\n`)
  return askYesNo(`Remove ${plural(result.apps.reduce((n, a) => n + a.stale.length, 0), 'stale credential')}? [y/N] `)
}
