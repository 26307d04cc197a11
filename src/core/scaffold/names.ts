import {UsageError} from '../errors.js'

/** Words certification forbids in a connector title (validation-rules.md §3, rule info/title-words). */
const restrictedTitleWords = new Set(['api', 'apis', 'connector', 'connectors'])
export const maxTitleLength = 30

/**
 * Checks a connector name given to `cc scaffold`: it becomes a folder name, so it must be one path segment that
 * every file system accepts. Letters, digits, spaces, dots, dashes and underscores; no leading or trailing space or
 * dot.
 */
export function checkConnectorName(name: string): void {
  const ok = /^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,78}[A-Za-z0-9_])?$/.test(name) && !name.includes('..')
  if (ok) return
  throw new UsageError(`"${name}" cannot be a connector name: use letters, digits, spaces, dots, dashes and underscores (one folder name, at most 80 characters).`, {
    code: 'SCAFFOLD_INVALID_NAME',
    suggestions: ['cc scaffold contoso-orders', 'cc scaffold "Contoso Orders" --out connectors/contoso-orders'],
  })
}

/**
 * A certification-friendly title from a connector name: words split at dashes, underscores, dots, spaces and
 * camelCase humps, capitalised, without "API"/"Connector", at most 30 characters, ending with a letter or digit.
 * `notes` says what was changed and why.
 */
export function titleFromName(name: string): {title: string; notes: string[]} {
  const notes: string[] = []
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s._-]+/)
    .filter(Boolean)
  const kept = words.filter((w) => !restrictedTitleWords.has(w.toLowerCase()))
  if (kept.length < words.length && kept.length > 0) notes.push('left "API"/"Connector" out of the title (certification does not allow them)')
  let title = (kept.length > 0 ? kept : words).map((w) => (/^[a-z]/.test(w) ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ')
  if (title.length > maxTitleLength) {
    const cut = title.slice(0, maxTitleLength + 1)
    title = cut.includes(' ') ? cut.slice(0, cut.lastIndexOf(' ')) : cut.slice(0, maxTitleLength)
    notes.push(`shortened the title to ${maxTitleLength} characters (the certification limit)`)
  }
  return {title: title.replace(/[^A-Za-z0-9]+$/, ''), notes}
}
