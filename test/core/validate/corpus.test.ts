import {describe, expect, it} from 'vitest'

import {validateConnectors} from '../../../src/core/validate/validate.js'
import {corpusConnectors, corpusDir} from '../../helpers/corpus.js'
import {context} from '../../helpers/validate-fixtures.js'

/**
 * The published files that really are broken (validation-rules.md §7.3: not strict JSON, duplicate keys; plus
 * two that are not UTF-8), each with the exact place of the fault. Every other error on a live connector would be
 * a false alarm. Positions were checked by hand: the character at each is the stray comma, the first token after
 * a missing comma, the raw tab, the EM SPACE, the repeated key, the end of the file, or the invalid byte.
 */
const knownBroken: Array<[file: string, ruleId: string, line: number, column: number]> = [
  ['certified-connectors/Cireson Service Manager Portal/apiDefinition.swagger.json', 'json/syntax', 53, 45],
  ['certified-connectors/DocuSignDemo/apiDefinition.swagger.json', 'json/syntax', 1635, 12],
  ['certified-connectors/Easyvista_Service._Manager/apiDefinition.swagger.json', 'json/syntax', 3819, 47],
  ['certified-connectors/EleadProductReference/apiDefinition.swagger.json', 'json/duplicate-key', 126, 13],
  ...[
    [2197, 58],
    [2201, 56],
    [2712, 56],
    [2716, 54],
    [3494, 56],
    [3498, 54],
    [4004, 56],
    [4008, 54],
    [4341, 56],
    [4345, 54],
    [4639, 48],
    [4643, 46],
    [4977, 48],
    [4981, 46],
  ].map(([line, column]) => ['certified-connectors/envoy/apiDefinition.swagger.json', 'json/syntax', line!, column!] as [string, string, number, number]),
  ['certified-connectors/gofileroom/apiProperties.json', 'json/syntax', 91, 1],
  ['certified-connectors/IN-D Invoice Data Capture/apiDefinition.swagger.json', 'json/syntax', 51, 13],
  ['certified-connectors/Plumsail Documents/apiDefinition.swagger.json', 'json/syntax', 1299, 14],
  ['certified-connectors/PUG Gamified Engagement/apiDefinition.swagger.json', 'json/syntax', 733, 6],
  ['certified-connectors/Rainbird/apiDefinition.swagger.json', 'json/duplicate-key', 415, 13],
  ['certified-connectors/Rainbird/apiDefinition.swagger.json', 'json/duplicate-key', 488, 13],
  ['certified-connectors/Rainbird/apiDefinition.swagger.json', 'json/duplicate-key', 555, 13],
  ['certified-connectors/RecordedFutureV2/apiDefinition.swagger.json', 'json/duplicate-key', 2092, 9],
  ['certified-connectors/RecordedFutureV2/apiDefinition.swagger.json', 'json/duplicate-key', 2094, 9],
  ['certified-connectors/RecordedFutureV2/apiDefinition.swagger.json', 'json/duplicate-key', 2179, 9],
  ['certified-connectors/RecordedFutureV2/apiDefinition.swagger.json', 'json/duplicate-key', 2181, 9],
  ['certified-connectors/Revizto (Ireland)/apiDefinition.swagger.json', 'json/syntax', 980, 50],
  ['certified-connectors/Shopranos/apiProperties.json', 'json/syntax', 22, 4],
  ['certified-connectors/SigningHub/apiProperties.json', 'json/syntax', 24, 13],
  ['certified-connectors/ZohoSign/apiDefinition.swagger.json', 'json/syntax', 14, 1],
  ['certified-connectors/ZohoSign/apiDefinition.swagger.json', 'json/syntax', 29, 1],
  ['independent-publisher-connectors/AccuWeather/apiDefinition.swagger.json', 'json/syntax', 9, 7],
  ['independent-publisher-connectors/Brønnøysundregistrene/apiDefinition.swagger.json', 'json/encoding', 4, 21],
  ['independent-publisher-connectors/GIPHY/apiDefinition.swagger.json', 'json/syntax', 810, 13],
  ['independent-publisher-connectors/GIPHY/apiDefinition.swagger.json', 'json/syntax', 865, 1],
  ['independent-publisher-connectors/StabilityAI/apiDefinition.swagger.json', 'json/syntax', 16, 3],
  ['independent-publisher-connectors/XSOAR/apiDefinition.swagger.json', 'json/syntax', 10, 7],
  ['independent-publisher-connectors/Yelp/apiDefinition.swagger.json', 'json/encoding', 866, 118],
]

const key = ([file, ruleId, line, column]: [string, string, number, number]): string => `${file} ${line}:${column} ${ruleId}`

describe('the connector corpus', () => {
  const dirs = corpusConnectors()

  it('gets no error from the base profile except on the published files that are really broken, each at its exact place', async () => {
    const result = await validateConnectors({paths: ['.']}, context(corpusDir))
    expect(result.summary.connectors).toBe(dirs.length)
    const errors = result.connectors.flatMap((c) => c.findings.filter((f) => f.severity === 'error').map((f) => key([f.file, f.ruleId, f.line, f.column])))
    expect(errors.sort()).toEqual(knownBroken.map(key).sort())
    // Every finding, of any severity, has a place.
    for (const c of result.connectors) {
      for (const f of c.findings) {
        expect(f.line, `${f.file} ${f.ruleId}`).toBeGreaterThan(0)
        expect(f.column, `${f.file} ${f.ruleId}`).toBeGreaterThan(0)
      }
    }
  }, 180_000)

  it('runs the certification profile over every connector without a crash', async () => {
    const result = await validateConnectors({paths: ['.'], profile: 'certification'}, context(corpusDir))
    expect(result.connectors).toHaveLength(dirs.length)
    expect(result.connectors.every((c) => c.profile === 'certification')).toBe(true)
    // Certification adds content rules: old certified connectors miss some of them.
    expect(result.summary.errors).toBeGreaterThan(knownBroken.length)
  }, 180_000)
})
