import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {loadConnector} from '../../../src/core/connector/load.js'
import type {CcError} from '../../../src/core/errors.js'
import {carriedProperties} from '../../../src/core/solution/connector.js'
import {packageSolution} from '../../../src/core/solution/package.js'
import {prepareSolution} from '../../../src/core/solution/prepare.js'
import {unpackSolution} from '../../../src/core/solution/unpack.js'
import {corpusConnectors} from '../../helpers/corpus.js'
import {solutionTestContext} from '../../helpers/solution-zip-fixtures.js'

const connectors = corpusConnectors()
const chunkSize = 60
const chunks: string[][] = []
for (let i = 0; i < connectors.length; i += chunkSize) chunks.push(connectors.slice(i, i + chunkSize))

let brokenSeen = 0
const work = mkdtempSync(join(process.env.CC_TEST_ROOT ?? tmpdir(), 'cc-corpus-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

/** What a connector means on the platform: what a solution carries, secrets out, empty policy lists as none. */
function meaningOf(properties: Record<string, unknown>, hasScript: boolean): Record<string, unknown> {
  const carried: Record<string, unknown> = {}
  for (const key of carriedProperties) {
    if (!(key in properties)) continue
    if (key === 'scriptOperations' && !hasScript) continue
    carried[key] = structuredClone(properties[key])
  }
  carried.connectionParameters ??= {}
  // Independently of the code under test: the client secret of each OAuth setting goes, unless it is a reference.
  const parameterMaps = [
    carried.connectionParameters as Record<string, {oAuthSettings?: Record<string, unknown>}>,
    ...(((carried.connectionParameterSets as {values?: Array<{parameters?: Record<string, {oAuthSettings?: Record<string, unknown>}>}>})?.values ?? []).map((v) => v.parameters ?? {})),
  ]
  for (const parameters of parameterMaps) {
    for (const parameter of Object.values(parameters ?? {})) {
      const oauth = parameter?.oAuthSettings
      for (const key of Object.keys(oauth ?? {})) {
        if (/^clientsecret$/i.test(key) && !/^@environmentVariables\("[^"]+"\)$/.test(String(oauth![key]))) delete oauth![key]
      }
    }
  }
  const policies = carried.policyTemplateInstances
  if (policies === null || (Array.isArray(policies) && policies.length === 0)) delete carried.policyTemplateInstances
  return carried
}

describe('every connector of the corpus as a solution, and back', () => {
  it('has the corpus', () => {
    expect(connectors.length).toBeGreaterThan(700)
  })

  it.each(chunks.map((chunk, i) => [i + 1, chunk] as const))('chunk %i packages and unpacks unchanged in meaning', async (index, chunk) => {
    for (const dir of chunk) {
      const root = join(work, `c${index}`)
      const context = solutionTestContext(root)
      const source = await loadConnector(dir)
      const zip = join(work, `c${index}.zip`)
      const packaged = await packageSolution(
        {connectors: [dir], publisherPrefix: 'cr1a6', solutionName: 'Corpus', noValidate: true, project: null, out: zip},
        context,
      ).catch((error: Error) => {
        throw new Error(`${dir}: ${error.message}`)
      })
      const broken = [source.apiDefinition, source.apiProperties].some((f) => f && !f.doc.strict)
      expect(context.warnings.some((w) => w.includes('tolerant reading')), dir).toBe(broken)
      if (broken) {
        // Without --no-validate, broken JSON stops packaging with the place of the fault.
        const refused = await prepareSolution({connectors: [dir], publisherPrefix: 'cr1a6', project: null}, solutionTestContext(root)).then(
          () => undefined,
          (error: CcError) => error,
        )
        expect(refused?.code, dir).toBe('VALIDATION_FAILED')
        expect(refused?.exitCode, dir).toBe(3)
        expect(refused?.line, dir).toBeGreaterThan(0)
        brokenSeen++
      }
      const out = join(work, `c${index}-out`)
      rmSync(out, {recursive: true, force: true})
      const result = await unpackSolution({zip, out}, solutionTestContext(work))
      expect(result.connectors, dir).toHaveLength(1)
      const unpacked = join(out, basename(result.connectors[0]!.folder))
      const json = (name: string) => JSON.parse(readFileSync(join(unpacked, name), 'utf8'))

      expect(json('apiDefinition.swagger.json'), dir).toEqual(source.apiDefinition!.value)
      const properties = (source.apiProperties!.value!.properties ?? {}) as Record<string, unknown>
      expect(json('apiProperties.json').properties, dir).toEqual(meaningOf(properties, Boolean(source.script)))
      // What did not travel is reported, and is exactly what the solution has no place for.
      const built = packaged.connectors[0]!
      const expectedNotCarried = Object.keys(properties).filter(
        (k) => !(carriedProperties as readonly string[]).includes(k) || (k === 'scriptOperations' && !source.script),
      )
      expect(built.notCarried, dir).toEqual(expectedNotCarried)
      if (source.icon) expect(readFileSync(join(unpacked, 'icon.png')).equals(source.icon.bytes), dir).toBe(true)
      if (source.script) expect(readFileSync(join(unpacked, 'script.csx'), 'utf8'), dir).toBe(source.script.text)
      // No literal secret in the zip.
      for (const path of built.secretsRemoved) expect(path, dir).toMatch(/clientSecret|defaultValue/)
    }
  }, 180_000)

  it('met the connectors with broken JSON on the way (the corpus has some)', () => {
    expect(brokenSeen).toBeGreaterThan(10)
  })
})
