import type {CertificationPackageResult, SolutionPackageResult} from '../../core/solution/package.js'
import type {UnpackResult} from '../../core/solution/unpack.js'
import {formatBytes} from '../../core/zip/read.js'

/** Human output of `cc unpack`. */
export function renderUnpack(result: UnpackResult): string {
  const s = result.solution
  const lines = [
    `Unpacked ${s.displayName === s.uniqueName ? s.uniqueName : `${s.displayName} (${s.uniqueName})`} ${s.version} from ${result.source}` +
      ` (publisher ${s.publisher}, prefix ${s.prefix}, ${s.managed ? 'managed' : 'unmanaged'}):`,
  ]
  for (const c of result.connectors) lines.push(`  ${c.folder}  ${c.name}  (${c.files.join(', ')})`)
  if (result.environmentVariables.length > 0) {
    lines.push(`Environment variables (${result.environmentVariables.length}):`)
    for (const v of result.environmentVariables) {
      lines.push(`  ${v.schemaName}  ${v.type}${v.defaultValue === undefined ? '' : `  default ${v.defaultValue}`}`)
    }
  }
  const referenced = [...new Set(result.connectors.flatMap((c) => c.envVarReferences))]
  if (referenced.length > 0) {
    lines.push(`The connector files refer to ${referenced.join(', ')}; \`--resolve-env-vars\` puts the default values back where there is one.`)
  }
  if (result.otherComponents.length > 0) lines.push(`Left out (not connectors): ${result.otherComponents.join(', ')}.`)
  return lines.join('\n')
}

/** Human output of `cc package --kind solution`: the zip on stdout, notes on stderr. */
export function renderSolutionPackage(result: SolutionPackageResult): {stdout: string; stderr: string} {
  const stdout = [headline(result), ...connectorLines(result)]
  if (result.environmentVariables.length > 0) {
    stdout.push(`  environment variables: ${result.environmentVariables.map((v) => `${v.schemaName} (${v.type})`).join(', ')}`)
  }
  if (result.deploymentSettings) stdout.push(`  deployment settings: ${result.deploymentSettings}`)
  return {stdout: stdout.join('\n'), stderr: notes(result).join('\n')}
}

/** Human output of `cc package --kind certification`. */
export function renderCertificationPackage(result: CertificationPackageResult): {stdout: string; stderr: string} {
  const stdout = [headline(result), ...connectorLines(result)]
  stdout.push(`  intro.md: ${result.intro.generated ? 'generated outline (fill it in)' : `from ${result.intro.source}`}`)
  stdout.push(`  PkgAssets: ${result.solutions.map((s) => `${s.fileName} (${s.role})`).join(', ')}`)
  const stderr = notes(result)
  if (!result.complete) stderr.push(`Not ready for submission: missing ${result.missing.join('; ')}.`)
  return {stdout: stdout.join('\n'), stderr: stderr.join('\n')}
}

function headline(result: SolutionPackageResult | CertificationPackageResult): string {
  const s = result.solution
  return `${result.file}  ${formatBytes(result.bytes)}  sha256 ${result.sha256.slice(0, 16)}…  (${result.kind} ${s.uniqueName} ${s.version}, ${s.managed ? 'managed' : 'unmanaged'}, publisher ${s.publisher.uniqueName}, prefix ${s.publisher.prefix})`
}

function connectorLines(result: SolutionPackageResult | CertificationPackageResult): string[] {
  return result.connectors.map((c) => `  ${c.folder} → ${c.name}  connectorid ${c.connectorId}`)
}

function notes(result: SolutionPackageResult | CertificationPackageResult): string[] {
  const lines: string[] = []
  const v = result.version
  if (v.bumpedFrom !== undefined) lines.push(`Version ${v.bumpedFrom} → ${v.value}${v.savedTo ? ` (saved to ${v.savedTo})` : ' (not saved: it did not come from cc.yaml)'}.`)
  for (const c of result.connectors) {
    if (c.notCarried.length > 0) lines.push(`${c.folder}: a solution has no place for ${c.notCarried.join(', ')} of apiProperties.json (left out).`)
  }
  return lines
}
