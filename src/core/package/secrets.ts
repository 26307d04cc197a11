import {formatPointer, type PointerSegment} from '../json/pointer.js'

/**
 * A copy of apiProperties.json without the client secret of any OAuth setting (`oAuthSettings.clientSecret`, any
 * case of the key, wherever the setting is: connection parameters, connection parameter sets), and the JSON
 * pointers of what was removed. The values themselves are never returned. A connection parameter that happens to
 * be named clientSecret (one the user fills in when creating a connection) is a definition, not a secret, and stays.
 */
export function stripSecrets<T>(apiProperties: T): {value: T; removed: string[]} {
  const removed: string[] = []
  const visit = (node: unknown, path: PointerSegment[]): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]))
    if (node === null || typeof node !== 'object') return node
    const inOAuthSettings = /^oauthsettings$/i.test(String(path.at(-1) ?? ''))
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      if (inOAuthSettings && /^clientsecret$/i.test(key)) {
        removed.push(formatPointer([...path, key]))
        continue
      }
      out[key] = visit(value, [...path, key])
    }
    return out
  }
  return {value: visit(apiProperties, []) as T, removed}
}
