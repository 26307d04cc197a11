import {describe, expect, it} from 'vitest'

import type {Connector} from '../../../src/core/connector/types.js'
import {parseJsonDocument} from '../../../src/core/json/document.js'
import {checkConnector} from '../../../src/core/validate/engine.js'
import {cleanScript, connectorWith} from '../../helpers/validate-fixtures.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A small deterministic random generator (the test must not depend on luck). */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

const oddValues: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], {}, [null], {$ref: 5}, {$ref: '#/nowhere'}, [{}], {type: 'array'}, {properties: 'x'}]

function inMemory(swagger: unknown, properties: unknown): Connector {
  const json = (name: string, value: unknown) => {
    const doc = parseJsonDocument(JSON.stringify(value, null, 2))
    return {path: `/x/${name}`, name, format: 'json' as const, doc, value: doc.value as any, invalidEncoding: false}
  }
  return {
    dir: '/x/contoso',
    folderName: 'contoso',
    apiDefinition: json('apiDefinition.swagger.json', swagger),
    apiProperties: json('apiProperties.json', properties),
    script: {path: '/x/contoso/script.csx', name: 'script.csx', text: cleanScript},
    otherFiles: [],
    problems: [],
  }
}

/** Every [parent, key] pair of a JSON value. */
function places(value: any, out: Array<[any, string | number]> = []): Array<[any, string | number]> {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), places(v, out)))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([value, k]), places(v, out)
  return out
}

describe('the rules on malformed input', () => {
  it('never throw, whatever value stands where (600 seeded mutations, both profiles)', () => {
    const next = random(20_261_128)
    for (let i = 0; i < 600; i++) {
      const {swagger, properties} = connectorWith((s) => {
        s.paths['/items/{itemId}'].get.parameters[0]['x-ms-dynamic-values'] = {operationId: 'CreateItem', parameters: {a: {parameter: 'itemId'}}, 'value-collection': 'value'}
        s.paths['/items'].post['x-ms-api-annotation'] = {family: 'F', revision: 2, replacement: {api: 'a', operationId: 'b'}}
      }) as {swagger: any; properties: any}
      const targets = [...places(swagger), ...places(properties)]
      for (let k = 0; k < 3; k++) {
        const [parent, key] = targets[Math.floor(next() * targets.length)]!
        parent[key] = structuredClone(oddValues[Math.floor(next() * oddValues.length)])
      }
      const connector = inMemory(swagger, properties)
      for (const profile of ['base', 'certification'] as const) {
        const findings = checkConnector(connector, {profile, cwd: '/x'})
        for (const f of findings) {
          expect(f.line).toBeGreaterThan(0)
          expect(f.column).toBeGreaterThan(0)
        }
      }
    }
  })
})

describe('the rules on documents nested deeper than the call stack', () => {
  it('skip only the family that cannot go that deep, say so, and check the rest', () => {
    const {swagger, properties} = connectorWith((s) => {
      s.paths['/items'].post.operationId = 'Create Item'
    }) as {swagger: any; properties: any}
    const text = JSON.stringify(swagger).replace('"definitions":{', `"definitions":{"Deep":{"type":"object","default":${'['.repeat(100_000)}${']'.repeat(100_000)}},`)
    const doc = parseJsonDocument(text)
    const connector = inMemory(swagger, properties)
    connector.apiDefinition = {...connector.apiDefinition!, doc, value: doc.value as any}
    const findings = checkConnector(connector, {profile: 'base', cwd: '/x'})
    const skipped = findings.filter((f) => f.ruleId === 'json/depth' && f.pointer === '')
    expect(skipped.map((f) => [f.severity, f.message])).toEqual([['error', "the file nests too deeply (100003 levels) for cc's schemas rules, which were skipped"]])
    const deep = findings.find((f) => f.ruleId === 'json/depth' && f.pointer !== '')
    expect(deep?.pointer).toBe(`/definitions/Deep/default${'/0'.repeat(61)}`)
    expect(deep?.severity).toBe('error')
    // The other families ran.
    expect(findings.some((f) => f.ruleId === 'operation/id-chars')).toBe(true)
  })

  it('measure schema sizes up to 1000 levels and report deeper ones as lower bounds', () => {
    const {swagger, properties} = connectorWith() as {swagger: any; properties: any}
    let schema: any = {type: 'string'}
    for (let i = 0; i < 1500; i++) schema = {type: 'array', items: schema}
    swagger.paths['/items'].post.responses['201'].schema = schema
    const findings = checkConnector(inMemory(swagger, properties), {profile: 'base', cwd: '/x'})
    const depth = findings.find((f) => f.ruleId === 'limits/schema-depth')
    expect(depth?.message).toBe('this schema is nested at least 1001 levels deep (references followed); the threshold is 32')
    expect(findings.find((f) => f.ruleId === 'limits/schemas')?.message).toBe('this schema holds at least 1001 schemas with its references expanded; the limit is 512')
  })
})
