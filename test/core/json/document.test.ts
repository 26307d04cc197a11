import {describe, expect, it} from 'vitest'

import {parseJsonDocument} from '../../../src/core/json/document.js'
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
