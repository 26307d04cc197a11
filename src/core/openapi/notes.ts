import {formatPointer, type PointerSegment} from '../json/pointer.js'
import type {ConversionNote} from './types.js'

export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The two lists of an import: what was left out, and what was converted with a change. */
export class NoteBook {
  readonly notConverted: ConversionNote[] = []
  readonly approximated: ConversionNote[] = []

  lost(path: readonly PointerSegment[], reason: string): void {
    this.notConverted.push({pointer: `#${formatPointer(path)}`, reason})
  }

  changed(path: readonly PointerSegment[], reason: string): void {
    this.approximated.push({pointer: `#${formatPointer(path)}`, reason})
  }
}

/** The media type a connector operation should use: JSON first, then any +json type, then the first given. */
export function preferredMediaType(types: readonly string[]): string | undefined {
  return (
    types.find((t) => t.toLowerCase() === 'application/json') ??
    types.find((t) => /[/+]json(;|$)/i.test(t)) ??
    types.find((t) => t !== '*/*') ??
    types[0]
  )
}

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
  }
  if (!isObject(a) || !isObject(b)) return false
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]))
}
