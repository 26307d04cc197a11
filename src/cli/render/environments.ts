import type {EnvironmentListResult} from '../../core/listing/listing.js'

/** Human output of `cc env list`: one line per environment, grep-friendly. */
export function renderEnvironmentList(result: EnvironmentListResult): string {
  if (result.environments.length === 0) return `No environments in ${result.cloud}${result.tenantId ? ` (tenant ${result.tenantId})` : ''}.`
  const width = Math.max(...result.environments.map((e) => e.name.length))
  const lines = result.environments.map((e) => {
    const tags = [e.isDefault ? 'default' : undefined, e.sku, e.aliases.length > 0 ? `alias ${e.aliases.join(', ')}` : undefined].filter(Boolean).join(', ')
    return `${e.name.padEnd(width)}  ${e.displayName}${tags ? `  (${tags})` : ''}${e.dataverseUrl ? `  ${e.dataverseUrl}` : ''}`
  })
  return [`${result.environments.length} environment${result.environments.length === 1 ? '' : 's'} in ${result.cloud}${result.tenantId ? ` (tenant ${result.tenantId})` : ''}:`, ...lines].join('\n')
}
