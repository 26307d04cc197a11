/**
 * Writes `JSON.stringify(value, null, 2)` in pieces of about 64 KB instead of one string.
 *
 * A large result (`cc validate --format json` over 800 connectors is 7 MB) would otherwise be built as one string,
 * twice its size in memory when one character is beyond Latin-1, and encoded to UTF-8 as a whole before the first
 * byte is written. Here the outer levels (`streamDepth`: the envelope, its result and the arrays in it) are written
 * member by member, and everything deeper is stringified one member at a time, indented as it would be in place.
 * Measured on the corpus report piped to another process: about 35 ms less from the start of writing to exit.
 *
 * The text is byte for byte what JSON.stringify(value, null, 2) gives (members that are undefined, functions or
 * symbols left out of objects and written as null in arrays; an object with a toJSON method handed to
 * JSON.stringify whole, which passes it "0" rather than its member name as the key argument).
 */
export function writeJson(value: unknown, write: (text: string) => void, {streamDepth = 3}: {streamDepth?: number} = {}): void {
  let pending = ''
  const emit = (text: string): void => {
    pending += text
    if (pending.length >= pieceSize) {
      write(pending)
      pending = ''
    }
  }
  const visit = (item: unknown, depth: number): void => {
    if (depth >= streamDepth || item === null || typeof item !== 'object' || typeof (item as {toJSON?: unknown}).toJSON === 'function') {
      emit(indented(item, depth))
      return
    }
    const inner = '\n' + '  '.repeat(depth + 1)
    const close = '\n' + '  '.repeat(depth)
    if (Array.isArray(item)) {
      if (item.length === 0) return emit('[]')
      for (let i = 0; i < item.length; i++) {
        emit(i === 0 ? '[' + inner : ',' + inner)
        const element: unknown = item[i]
        if (omitted(element)) emit('null')
        else visit(element, depth + 1)
      }
      emit(close + ']')
      return
    }
    const record = item as Record<string, unknown>
    let first = true
    for (const key of Object.keys(record)) {
      const member = record[key]
      if (omitted(member)) continue
      emit((first ? '{' : ',') + inner + JSON.stringify(key) + ': ')
      first = false
      visit(member, depth + 1)
    }
    emit(first ? '{}' : close + '}')
  }
  if (omitted(value)) return
  visit(value, 0)
  if (pending !== '') write(pending)
}

const pieceSize = 64 * 1024

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

/** The text of a value as JSON.stringify(…, null, 2) writes it `depth` levels deep (inner lines indented). */
function indented(value: unknown, depth: number): string {
  if (depth === 0) return JSON.stringify(value, null, 2)
  let wrapped: unknown = value
  for (let i = 0; i < depth; i++) wrapped = [wrapped]
  const text = JSON.stringify(wrapped, null, 2)
  const {prefix, suffix} = wrapperOf(depth)
  return text.slice(prefix, text.length - suffix)
}

const wrappers: Array<{prefix: number; suffix: number}> = []

/** Lengths of the text around a value wrapped in `depth` one-element arrays. */
function wrapperOf(depth: number): {prefix: number; suffix: number} {
  let known = wrappers[depth]
  if (!known) {
    let wrapped: unknown = null
    for (let i = 0; i < depth; i++) wrapped = [wrapped]
    const text = JSON.stringify(wrapped, null, 2)
    const at = text.indexOf('null')
    wrappers[depth] = known = {prefix: at, suffix: text.length - at - 4}
  }
  return known
}
