import type {ConnectorListResult} from '../../core/listing/listing.js'

/** Human output of `cc connector list`: one line per custom connector. */
export function renderConnectorList(result: ConnectorListResult): string {
  const env = result.environment
  const where = `${env.displayName ?? env.id}${env.alias ? ` (${env.alias})` : ''}`
  if (result.connectors.length === 0) return `No custom connectors in ${where} (${result.source === 'rp' ? 'Power Apps' : 'Dataverse'}).`
  const id = (c: ConnectorListResult['connectors'][number]) => (result.source === 'rp' ? (c.name ?? '') : (c.dataverseId ?? ''))
  const width = Math.max(...result.connectors.map((c) => id(c).length))
  const lines = result.connectors.map((c) => {
    const extra = result.source === 'rp' ? [c.createdBy ? `by ${c.createdBy}` : undefined] : [c.logicalName, c.name]
    const tail = extra.filter(Boolean).join(', ')
    return `${id(c).padEnd(width)}  ${c.displayName}${tail ? `  (${tail})` : ''}`
  })
  return [`${result.connectors.length} custom connector${result.connectors.length === 1 ? '' : 's'} in ${where} (${result.source === 'rp' ? 'Power Apps' : 'Dataverse'}):`, ...lines].join('\n')
}
