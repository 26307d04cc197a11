/** JSON Pointer (RFC 6901) helpers. */
export type PointerSegment = string | number

export function formatPointer(segments: readonly PointerSegment[]): string {
  if (segments.length === 0) return ''
  return '/' + segments.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
}

export function parsePointer(pointer: string): PointerSegment[] {
  if (pointer === '' || pointer === '#') return []
  const body = pointer.startsWith('#') ? decodeURIComponent(pointer.slice(1)) : pointer
  if (!body.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`)
  return body
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s))
}

/** Reads the value at a pointer, or undefined. */
export function getAtPointer(root: unknown, pointer: string | readonly PointerSegment[]): unknown {
  const segments = typeof pointer === 'string' ? parsePointer(pointer) : pointer
  let current: unknown = root
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[String(segment)]
  }
  return current
}
