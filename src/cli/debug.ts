/** True when DEBUG names cc (DEBUG=cc, cc:*, cc:http, *). */
export function isDebugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.DEBUG
  if (!value) return false
  return value.split(/[\s,]+/).some((part) => part === '*' || part === 'cc' || part.startsWith('cc:'))
}
