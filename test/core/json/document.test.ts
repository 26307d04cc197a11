import {describe, expect, it} from 'vitest'

import {parseJsonDocument} from '../../../src/core/json/document.js'
import {countKeysInValue, measureIteratively, pathDeeperThan} from '../../../src/core/json/scanner.js'
import {formatPointer, getAtPointer, parsePointer} from '../../../src/core/json/pointer.js'

describe('parseJsonDocument', () => {
  it('parses strict JSON and locates values and keys by pointer', () => {
    const doc = parseJsonDocument('{\n  "paths": {\n    "/a/{id}": {\n      "get": {"responses": {"200": {"description": "ok"}}}\n    }\n  }\n}')
    expect(doc.strict).toBe(true)
    expect(doc.problems).toEqual([])
    expect(doc.locate('/paths/~1a~1{id}/get')).toMatchObject({line: 4, column: 14, exact: true})
    expect(doc.locate('/paths/~1a~1{id}/get', 'key')).toMatchObject({line: 4, column: 7})
    expect(doc.locate('/paths/~1a~1{id}/get/responses/200/description')).toMatchObject({line: 4, column: 52, exact: true})
    // A missing pointer falls back to its nearest existing ancestor.
    expect(doc.locate('/paths/~1a~1{id}/post')).toMatchObject({line: 3, column: 16, exact: false})
  })

  it('reports a trailing comma at its exact position and still returns a value', () => {
    const doc = parseJsonDocument('{\n  "a": 1,\n  "b": [1, 2,],\n}')
    expect(doc.strict).toBe(false)
    expect(doc.value).toEqual({a: 1, b: [1, 2]})
    expect(doc.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, 13, 'json-syntax'],
      [3, 15, 'json-syntax'],
    ])
    expect(doc.problems[0]!.message).toBe('trailing comma before "]" (remove it)')
    expect(doc.problems[1]!.message).toBe('trailing comma before "}" (remove it)')
  })

  it('reports a missing comma and stray characters', () => {
    const missing = parseJsonDocument('{"a": 1\n "b": 2}')
    expect(missing.problems[0]).toMatchObject({line: 2, column: 2, message: expect.stringMatching(/expected ','/)})
    const stray = parseJsonDocument('{"a": 1} x')
    expect(stray.problems[0]).toMatchObject({line: 1, column: 10, message: 'unexpected text after the end of the JSON value, found "x"'})
  })

  it('reports raw tabs and control characters inside strings', () => {
    const doc = parseJsonDocument('{"a": "x\ty"}')
    expect(doc.strict).toBe(false)
    expect(doc.problems[0]).toMatchObject({line: 1, column: 9, message: 'raw tab inside a string (write it as \\t)'})
  })

  it('finds duplicate keys with the pointer of the second one', () => {
    const doc = parseJsonDocument('{"a": {"x": 1, "y": [{"k": 1, "k": 2}], "x": 3}}')
    expect(doc.strict).toBe(true)
    expect(doc.value).toEqual({a: {x: 3, y: [{k: 2}]}})
    expect(doc.problems.map((p) => [p.pointer, p.column])).toEqual([
      ['/a/y/0/k', 31],
      ['/a/x', 41],
    ])
  })

  it('strips a BOM and counts columns without it', () => {
    const doc = parseJsonDocument('\uFEFF{"a": }')
    expect(doc.bom).toBe(true)
    expect(doc.problems[0]).toMatchObject({line: 1, column: 7})
  })

  it('handles CRLF line endings', () => {
    const doc = parseJsonDocument('{\r\n"a": 1,\r\n"b": x}')
    expect(doc.problems[0]).toMatchObject({line: 3, column: 6})
  })
})

describe('JSON pointers', () => {
  it('round-trips escaped segments and reads values', () => {
    const segments = ['paths', '/a~b', 'get', 0]
    expect(formatPointer(segments)).toBe('/paths/~1a~0b/get/0')
    expect(parsePointer('/paths/~1a~0b/get/0')).toEqual(segments)
    expect(getAtPointer({paths: {'/a~b': {get: ['x']}}}, '/paths/~1a~0b/get/0')).toBe('x')
    expect(getAtPointer({a: 1}, '/a/b')).toBeUndefined()
  })
})

describe('parseJsonDocument: faults of published connectors', () => {
  it('reports non-ASCII white space once per run, and keeps parsing', () => {
    const doc = parseJsonDocument('{\n\u2003\u2003"a": 1,\n\u2003"b": 2\n}')
    expect(doc.value).toEqual({a: 1, b: 2})
    expect(doc.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [2, 1, 'U+2003 EM SPACE is not JSON white space (use plain spaces)'],
      [3, 1, 'U+2003 EM SPACE is not JSON white space (use plain spaces)'],
    ])
  })

  it('reports an unclosed array where the parent object closes, without a cascade', () => {
    const doc = parseJsonDocument('{\n  "info": {\n    "tags": [\n      "a"\n  },\n  "host": "x"\n}')
    expect(doc.problems).toHaveLength(1)
    expect(doc.problems[0]).toMatchObject({line: 5, column: 3, message: expect.stringContaining('the array opened at 3:13 is not closed')})
    expect(doc.value).toEqual({info: {tags: ['a']}, host: 'x'})
  })

  it('reports a missing closing brace at the end of the file, comments, and text after the value', () => {
    expect(parseJsonDocument('{"a": {"b": 1}\n').problems[0]).toMatchObject({line: 2, column: 1, message: expect.stringContaining('the object opened at 1:1 is not closed')})
    const comment = parseJsonDocument('{\n  // note\n  "a": 1\n}')
    expect(comment.problems.map((p) => [p.line, p.column, p.message])).toEqual([[2, 3, 'comments are not allowed in JSON (remove it)']])
    expect(comment.value).toEqual({a: 1})
    expect(parseJsonDocument('{"a": 1}\n{"b": 2}').problems[0]).toMatchObject({line: 2, column: 1, message: expect.stringMatching(/^unexpected text after the end/)})
  })

  it('finds duplicate keys in text that is not strict JSON too', () => {
    const doc = parseJsonDocument('{"a": 1, "a": 2,}')
    expect(doc.problems.map((p) => p.code)).toEqual(['json-duplicate-key', 'json-syntax'])
    expect(doc.value).toEqual({a: 2})
  })

  it('locates escaped keys, array items and keys of large objects in strict text', () => {
    const big = Object.fromEntries(Array.from({length: 40}, (_, i) => [`k${i}`, {v: [i, {w: i}]}]))
    const text = JSON.stringify({'a/b': {'x\u00e9"y': [10, 20, {z: true}]}, big}, null, 2)
    const doc = parseJsonDocument(text)
    const at = (pointer: string, target: 'key' | 'value' = 'value') => {
      const p = doc.locate(pointer, target)
      return text.slice(p.offset, p.offset + 12)
    }
    expect(at('/a~1b/x\u00e9"y/2/z')).toMatch(/^true\s/)
    expect(at('/a~1b/x\u00e9"y/1')).toMatch(/^20,/)
    expect(at('/a~1b/x\u00e9"y', 'key')).toMatch(/^"x\u00e9\\"y"/)
    expect(at('/big/k37/v/1/w')).toMatch(/^37/)
    expect(doc.locate('/big/k99/v')).toMatchObject({exact: false})
    expect(doc.span('/big/k3')).toMatchObject({keyOffset: expect.any(Number)})
    expect(doc.span('/nope')).toBeUndefined()
  })

  it('reports an empty file', () => {
    expect(parseJsonDocument('').problems[0]).toMatchObject({line: 1, column: 1, message: 'the file is empty: expected a JSON value'})
  })
})

describe('locateMany', () => {
  it('gives the same positions as locate for every value and key of real connectors, and for missing pointers', async () => {
    const {readFileSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {corpusConnectors} = await import('../../helpers/corpus.js')
    const dirs = corpusConnectors().filter((_, i) => i % 97 === 0)
    for (const dir of dirs) {
      const text = readFileSync(join(dir, 'apiProperties.json'), 'utf8')
      const swagger = (() => {
        try {
          return readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8')
        } catch {
          return undefined
        }
      })()
      for (const source of [text, swagger]) {
        if (!source) continue
        const doc = parseJsonDocument(source)
        if (!doc.strict) continue
        const pointers: Array<Array<string | number>> = []
        const collect = (value: unknown, path: Array<string | number>): void => {
          pointers.push(path)
          if (pointers.length > 3000) return
          if (Array.isArray(value)) value.forEach((v, i) => collect(v, [...path, i]))
          else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, [...path, k])
        }
        collect(doc.value, [])
        pointers.push(['paths', 'nope', 'get'], ['info', 'title', 'deeper'], ['missing'])
        const targets = pointers.map((_, i) => (i % 2 ? 'key' : 'value') as 'key' | 'value')
        const many = doc.locateMany(pointers, targets)
        const fresh = parseJsonDocument(source)
        pointers.forEach((p, i) => expect(many[i], `${dir} ${JSON.stringify(p)}`).toEqual(fresh.locate(p, targets[i])))
      }
    }
  }, 60_000)
})

describe('locateMany with duplicate keys', () => {
  it('gives the last occurrence of a duplicated key, as JSON.parse keeps it, and stops early only without duplicates', () => {
    const text = '{\n  "a": 1,\n  "b": {"c": 2},\n  "a": {"d": 3}\n}'
    const doc = parseJsonDocument(text)
    expect(doc.problems.map((p) => p.code)).toEqual(['json-duplicate-key'])
    const many = doc.locateMany([['a'], ['b', 'c'], ['a', 'd']], ['key', 'value', 'value'])
    expect(many.map((p) => [p.line, p.column])).toEqual([
      [4, 3],
      [3, 14],
      [4, 14],
    ])
    expect(many).toEqual([doc.locate(['a'], 'key'), doc.locate(['b', 'c']), doc.locate(['a', 'd'])])
    // The same text without the duplicate: the first member is found without reading on.
    const clean = parseJsonDocument('{\n  "a": 1,\n  "b": {"c": 2}\n}')
    expect(clean.locateMany([['a']], ['key'])).toEqual([{line: 2, column: 3, offset: 4, exact: true}])
  })
})

describe('LineIndex.positions', () => {
  it('gives what position gives for each offset, in any order, with \\n, \\r\\n and lone \\r line breaks', async () => {
    const {LineIndex} = await import('../../../src/core/json/document.js')
    for (const text of ['{\n  "a": 1,\n\n  "b": [1,\n 2]\n}', '{\r\n  "a": 1,\r\n\r\n  "b": 2\r\n}', 'a\rb\r\rc\r\nd\n\re\r', '\n\r\n', 'no line break']) {
      const offsets = [...Array(text.length + 1).keys()].reverse()
      const batch = new LineIndex(text).positions(offsets)
      const single = new LineIndex(text)
      expect(batch).toEqual(offsets.map((o) => single.position(o)))
    }
  })
})

describe('nesting depth', () => {
  const deepArrays = (n: number) => '['.repeat(n) + ']'.repeat(n)

  it('is measured with the duplicate-key count, for documents deeper than the call stack too', () => {
    expect(parseJsonDocument('{"a": {"b": [1, {"c": 2}]}, "d": 3}').depth()).toBe(4)
    expect(parseJsonDocument('"text"').depth()).toBe(0)
    expect(parseJsonDocument('{}').depth()).toBe(1)
    const deep = parseJsonDocument(`{"x": ${deepArrays(200_000)}, "y": {"z": 1}}`)
    expect(deep.depth()).toBe(200_001)
    expect(deep.problems).toEqual([])
  })

  it('counts keys at any depth, so a duplicate deep down is still found', () => {
    const text = '{"a": '.repeat(5000) + '{"k": 1, "k": 2}' + '}'.repeat(5000)
    expect(countKeysInValue(JSON.parse(text))).toEqual({keys: 5001, depth: 5001})
    expect(measureIteratively(JSON.parse(text))).toEqual({keys: 5001, depth: 5001})
    const doc = parseJsonDocument(text)
    expect(doc.problems.map((p) => p.code)).toEqual(['json-duplicate-key'])
    expect(doc.problems[0]!.column).toBe(6 * 5000 + 10)
  })

  it('is measured when asked for text JSON.parse rejects (tolerant value)', () => {
    const doc = parseJsonDocument(`{"x": ${deepArrays(3000)},}`)
    expect(doc.strict).toBe(false)
    expect(doc.depth()).toBe(3001)
  })

  it('leads to the first container deeper than a threshold', () => {
    const value = {a: 1, b: [[{c: [[]]}]], d: {e: {}}}
    expect(pathDeeperThan(value, 3)).toEqual(['b', 0, 0])
    expect(pathDeeperThan(value, 5)).toEqual(['b', 0, 0, 'c', 0])
    expect(pathDeeperThan(value, 6)).toBeUndefined()
    expect(pathDeeperThan(JSON.parse(deepArrays(100_000)), 64)).toHaveLength(64)
  })
})
