import type {ExportResult} from '../../core/transfer/export.js'
import type {MigrateResult} from '../../core/transfer/migrate.js'
import type {ConnectorPlan, ImportedConnector, ImportPlan, ImportResult} from '../../core/transfer/types.js'

/** Human output of cc export, cc import (plan and result) and cc migrate: results on stdout, notes on stderr. */

function where(env: {displayName?: string; environmentId: string; ref?: string}): string {
  return env.displayName ?? env.environmentId
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function renderExport(result: ExportResult): {stdout: string; stderr: string} {
  const width = Math.max(10, ...result.connectors.map((c) => c.folder.length))
  const lines = result.connectors.map((c) => `${c.status.padEnd(9)} ${c.folder.padEnd(width)}  ${c.displayName}${c.resumed ? ' (resumed)' : ''}${c.reason ? `: ${c.reason}` : ''}`)
  lines.push(`Exported ${plural(result.connectors.length, 'connector')} of ${where(result.source)} to ${result.out} (${result.counts.exported} written, ${result.counts.unchanged} up to date, ${result.counts.failed} failed); manifest ${result.manifest}.`)
  const stderr = [
    ...(result.removed.length > 0 ? [`Removed ${result.removed.join(', ')} (no longer in the source).`] : []),
    ...(result.connectors.some((c) => c.auth === 'oauth' || c.auth === 'oauth-generic') ? ['OAuth client secrets are not exported: give them to cc import (--client-secret-env).'] : []),
  ]
  return {stdout: lines.join('\n'), stderr: stderr.join('\n')}
}

function describePlan(c: ConnectorPlan): string {
  const target = c.target.surface === 'dataverse' ? `dataverse ${c.target.logicalName ?? ''}${c.target.solution ? ` in ${c.target.solution}` : ''}` : `rp ${c.target.name ?? '(new)'}`
  const detail = c.action === 'update' ? ` [${c.changes.join(', ')}]` : c.action === 'skip' ? `: ${c.reason}` : ''
  return `${c.action.padEnd(9)} ${c.displayName} (${target.trim()})${detail}${c.resumed ? ' (resumed)' : ''}`
}

/** The plan: what would be created, updated, left alone, and the fix-ups on each client app. */
export function renderPlan(plan: ImportPlan): string {
  const lines = [`Import from ${where(plan.source)} into ${where(plan.target)} through ${plan.target.surface === 'dataverse' ? 'Dataverse' : 'Power Apps'}:`]
  for (const c of plan.connectors) {
    lines.push(`  ${describePlan(c)}`)
    if (c.parametersApplied.length > 0) lines.push(`              parameters of ${plan.target.ref}: ${c.parametersApplied.join(', ')}`)
    if (c.secret === 'send') lines.push('              OAuth client secret: sent')
    if (c.secret === 'needed') lines.push('              OAuth client secret: needed (--client-secret-env)')
    for (const cred of c.credentials) lines.push(`              federated credential ${cred.name || '?'} on ${cred.appId}: ${cred.action}${cred.existingName ? ` (as ${cred.existingName})` : ''}`)
    for (const r of c.redirectUris) lines.push(`              redirect URI on ${r.appId}: ${r.action}${r.url ? ` ${r.url}` : ''}`)
  }
  for (const app of plan.apps) {
    lines.push(
      `  app ${app.appId}${app.displayName ? ` (${app.displayName})` : ''}: ${app.credentials.existing} of ${app.credentials.limit} credentials, ${app.credentials.create} to create, ${app.credentials.update} to update; ${app.redirectUris.add.length + app.redirectUris.afterImport} redirect URI${app.redirectUris.add.length + app.redirectUris.afterImport === 1 ? '' : 's'} to add`,
    )
  }
  lines.push(plan.changes === 0 ? 'Nothing to change.' : `${plural(plan.changes, 'change')} to make.`)
  return lines.join('\n')
}

function describeResult(c: ImportedConnector): string {
  const id = c.target.surface === 'dataverse' ? (c.target.dataverseId ?? '') : (c.target.name ?? '')
  const extras = [
    ...c.credentials.map((cred) => `credential ${cred.name} ${cred.action}`),
    ...c.redirectUris.map((r) => `redirect URI ${r.action}`),
    ...(c.secret === 'sent' ? ['secret sent'] : []),
    ...(c.resumed ? ['resumed'] : []),
  ]
  return `${c.status.padEnd(9)} ${c.displayName} ${id}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}${c.reason ? `: ${c.reason}` : ''}`
}

export function renderImport(result: ImportResult): {stdout: string; stderr: string} {
  if (!result.applied) return {stdout: renderPlan(result.plan), stderr: 'Nothing was changed (--plan).'}
  const lines = result.connectors.map(describeResult)
  lines.push(
    `Imported into ${where(result.plan.target)}: ${result.counts.created} created, ${result.counts.updated} updated, ${result.counts.unchanged} unchanged, ${result.counts.failed} failed; credentials ${result.credentials.created} created, ${result.credentials.updated} updated; ${plural(result.redirectUris.added, 'redirect URI')} added.`,
  )
  const stderr: string[] = []
  if (result.needsSecret.length > 0) stderr.push(`Not imported until their OAuth client secret is given: ${result.needsSecret.join(', ')} (--client-secret-env FOLDER=VAR).`)
  if (result.counts.failed > 0) stderr.push(`Run the same command again to retry the failed ones (the journal ${result.journal} keeps what is done).`)
  return {stdout: lines.join('\n'), stderr: stderr.join('\n')}
}

export function renderMigrate(result: MigrateResult): {stdout: string; stderr: string} {
  const exported = renderExport(result.export)
  const imported = renderImport(result.import)
  return {stdout: `${exported.stdout}\n${imported.stdout}`, stderr: [exported.stderr, imported.stderr].filter(Boolean).join('\n')}
}

/** Shows the plan on stderr and asks to go ahead (only at a terminal). */
export async function askToApply(plan: ImportPlan): Promise<boolean> {
  process.stderr.write(`${renderPlan(plan)}\n`)
  return askYesNo(`Make ${plural(plan.changes, 'change')} in ${where(plan.target)}? [y/N] `)
}

/** A y/N question on the terminal (stderr); only "y" or "yes" is a yes. */
export async function askYesNo(question: string): Promise<boolean> {
  const {createInterface} = await import('node:readline/promises')
  const rl = createInterface({input: process.stdin, output: process.stderr, terminal: true})
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}
