import {describe, expect, it} from 'vitest'

import {writeJson} from '../../src/cli/json-writer.js'
import {validateConnectors} from '../../src/core/validate/validate.js'
import {corpusConnectors} from '../helpers/corpus.js'
import {context} from '../helpers/validate-fixtures.js'

function pieces(value: unknown, streamDepth?: number): string[] {
  const out: string[] = []
  writeJson(value, (text) => out.push(text), streamDepth === undefined ? {} : {streamDepth})
  return out
}

describe('writeJson', () => {
  const samples: Array<[string, unknown]> = [
    ['a string', 'text with "quotes", \\ and \u2026'],
    ['a number', 42.5],
    ['null', null],
    ['an empty object', {}],
    ['an empty array', []],
    ['nested empties', {a: [], b: {}, c: [[], [{}]], d: [{x: []}]}],
    ['members JSON.stringify leaves out', {a: undefined, b: () => 1, c: Symbol('s'), d: 1, e: [undefined, () => 1, Symbol('t'), 2]}],
    ['only left-out members', {a: undefined}],
    ['holes in an array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['keys that need escaping and index-like keys', {'2': 'two', '1': 'one', 'a"b': {'\n': true}, __proto__x: 0}],
    ['an object with toJSON', {when: new Date(0), deep: {deeper: {date: new Date(1), list: [new Date(2)]}}}],
    ['toJSON at the root', new Date(3)],
    ['deep nesting', {a: {b: {c: {d: {e: [1, {f: [2, 3]}]}}}}}],
    ['an envelope', {status: 3, result: {profile: 'base', connectors: [{path: 'x', findings: [{ruleId: 'r', line: 1}]}, {path: 'y', findings: []}], summary: {errors: 1}}, warnings: []}],
  ]
  for (const [name, value] of samples) {
    it(`writes what JSON.stringify(…, null, 2) writes: ${name}`, () => {
      for (const depth of [0, 1, 2, 3, 6]) expect(pieces(value, depth).join('')).toBe(JSON.stringify(value, null, 2))
    })
  }

  it('writes nothing for a value JSON.stringify has no text for', () => {
    expect(pieces(undefined)).toEqual([])
  })

  it('writes a large validation result in pieces of about 64 KB, byte for byte the same text', async () => {
    const dirs = corpusConnectors().slice(0, 40)
    const result = await validateConnectors({paths: dirs, threads: 0}, context(process.cwd()))
    const envelope = {status: 3, result, warnings: []}
    for (const value of [result, envelope]) {
      const out = pieces(value)
      const expected = JSON.stringify(value, null, 2)
      expect(out.join('')).toBe(expected)
      expect(out.length).toBeGreaterThan(1)
      expect(Math.max(...out.map((p) => p.length))).toBeLessThan(expected.length)
      for (const piece of out.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(64 * 1024)
    }
  }, 60_000)
})
