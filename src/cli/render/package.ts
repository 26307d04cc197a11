import type {PackageResult} from '../../core/package/index.js'

/** Human output of `cc package`: one line per zip (stdout); what was left out or changed goes to stderr as hints. */
export function renderPackage(result: PackageResult): {stdout: string; stderr: string} {
  const stdout: string[] = []
  const stderr: string[] = []
  for (const p of result.packages) {
    stdout.push(`${p.output}  ${formatSize(p.bytes)}  sha256 ${p.sha256.slice(0, 16)}…  (${p.connector}: ${p.files.map((f) => f.path).join(', ')})`)
    if (p.leftOut.length > 0) stderr.push(`${p.name}: not packaged: ${p.leftOut.join(', ')}`)
    for (const note of p.notes) stderr.push(`${p.name}: ${note}`)
  }
  if (!result.validated) stderr.push('Packaged without validation (--no-validate); run cc validate before handing the zips over.')
  return {stdout: stdout.join('\n'), stderr: stderr.join('\n')}
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
