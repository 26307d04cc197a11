import type {UnpackResult} from '../../core/solution/unpack.js'

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
