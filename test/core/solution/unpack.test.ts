import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {prepareSolution, type PrepareSolutionOptions} from '../../../src/core/solution/prepare.js'
import {folderNames, unpackSolution} from '../../../src/core/solution/unpack.js'
import {ccErrorOf, rawZip, solutionTestContext, tinyPng, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))

/** Packs a sample connector into a solution and writes it as a zip (built byte by byte, independent of cc's writer). */
async function sampleSolution(root: string, options: Partial<PrepareSolutionOptions> = {}): Promise<string> {
  writeSampleConnector(join(root, 'src', 'payments'))
  const prepared = await prepareSolution({connectors: ['src/payments'], publisherPrefix: 'contoso', project: null, ...options}, solutionTestContext(root))
  const zip = join(root, 'solution.zip')
  writeFileSync(zip, rawZip(prepared.files.map((f) => ({name: f.path, data: f.data}))))
  return zip
}

describe('unpackSolution', () => {
  it('gives back the connector folder: same definition, same carried properties, icon and script, no secret', async () => {
    const root = tempDir()
    await sampleSolution(root)
    const context = solutionTestContext(root)
    const result = await unpackSolution({zip: 'solution.zip', out: 'out'}, context)
    expect(result.solution).toMatchObject({uniqueName: 'ContosoPaymentsAPI', version: '1.0.0.0', managed: false, prefix: 'contoso'})
    expect(result.connectors).toEqual([
      {
        name: 'contoso_contoso-20payments-20api',
        displayName: 'Contoso Payments API',
        connectorId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        folder: 'out/Contoso Payments API',
        files: ['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'script.csx'],
        envVarReferences: [],
      },
    ])
    const source = join(root, 'src', 'payments')
    const target = join(root, 'out', 'Contoso Payments API')
    expect(readJson(join(target, 'apiDefinition.swagger.json'))).toEqual(readJson(join(source, 'apiDefinition.swagger.json')))
    const original = readJson(join(source, 'apiProperties.json')).properties
    delete original.connectionParameters.token.oAuthSettings.clientSecret
    expect(readJson(join(target, 'apiProperties.json'))).toEqual({
      properties: {
        connectionParameters: original.connectionParameters,
        iconBrandColor: original.iconBrandColor,
        scriptOperations: original.scriptOperations,
        policyTemplateInstances: original.policyTemplateInstances,
      },
    })
    expect(readFileSync(join(target, 'icon.png'))).toEqual(tinyPng)
    expect(readFileSync(join(target, 'script.csx'), 'utf8')).toBe(readFileSync(join(source, 'script.csx'), 'utf8'))
  })

  it('keeps environment variable references, or puts the defaults back with resolveEnvVars', async () => {
    const root = tempDir()
    await sampleSolution(root, {envVars: ['host', 'clientId', 'clientSecret']})
    const kept = await unpackSolution({zip: 'solution.zip', out: 'kept'}, solutionTestContext(root))
    expect(kept.connectors[0]!.envVarReferences).toEqual([
      'contoso_ContosoPaymentsAPIClientId',
      'contoso_ContosoPaymentsAPIClientSecret',
      'contoso_ContosoPaymentsAPIHost',
    ])
    expect(kept.environmentVariables).toEqual([
      {schemaName: 'contoso_ContosoPaymentsAPIClientId', displayName: 'Contoso Payments API: OAuth client ID', type: 'String', defaultValue: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'},
      {schemaName: 'contoso_ContosoPaymentsAPIClientSecret', displayName: 'Contoso Payments API: OAuth client secret', type: 'Secret'},
      {schemaName: 'contoso_ContosoPaymentsAPIHost', displayName: 'Contoso Payments API: host', type: 'String', defaultValue: 'api.contoso.com'},
    ])
    expect(readJson(join(root, 'kept', 'Contoso Payments API', 'apiDefinition.swagger.json')).host).toBe('@environmentVariables("contoso_ContosoPaymentsAPIHost")')

    const context = solutionTestContext(root)
    const resolved = await unpackSolution({zip: 'solution.zip', out: 'resolved', resolveEnvVars: true}, context)
    const dir = join(root, 'resolved', 'Contoso Payments API')
    expect(readJson(join(dir, 'apiDefinition.swagger.json')).host).toBe('api.contoso.com')
    const oauth = readJson(join(dir, 'apiProperties.json')).properties.connectionParameters.token.oAuthSettings
    expect(oauth.clientId).toBe('5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c')
    expect(oauth.clientSecret).toBe('@environmentVariables("contoso_ContosoPaymentsAPIClientSecret")')
    expect(resolved.connectors[0]!.envVarReferences).toEqual(['contoso_ContosoPaymentsAPIClientSecret'])
    expect(context.warnings).toEqual([expect.stringContaining('keeps @environmentVariables("contoso_ContosoPaymentsAPIClientSecret")')])
  })

  it('refuses to overwrite a folder unless forced, and then drops connector files the solution does not have', async () => {
    const root = tempDir()
    await sampleSolution(root, {})
    const target = join(root, 'out', 'Contoso Payments API')
    mkdirSync(target, {recursive: true})
    writeFileSync(join(target, 'notes.txt'), 'mine')
    const exists = await ccErrorOf(unpackSolution({zip: 'solution.zip', out: 'out'}, solutionTestContext(root)))
    expect(exists.code).toBe('UNPACK_TARGET_EXISTS')
    expect(exists.suggestions.join(' ')).toContain('--force')

    // A solution without custom code replaces a folder that had some.
    writeFileSync(join(target, 'script.csx'), 'old')
    const noScript = tempDir()
    writeSampleConnector(join(noScript, 'payments'), {script: false})
    const prepared = await prepareSolution({connectors: ['payments'], publisherPrefix: 'contoso', project: null}, solutionTestContext(noScript))
    writeFileSync(join(root, 'plain.zip'), rawZip(prepared.files.map((f) => ({name: f.path, data: f.data}))))
    const forced = await unpackSolution({zip: 'plain.zip', out: 'out', force: true}, solutionTestContext(root))
    expect(forced.connectors[0]!.files).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png'])
    expect(existsSync(join(target, 'script.csx'))).toBe(false)
    expect(readFileSync(join(target, 'notes.txt'), 'utf8')).toBe('mine')
  })

  it('refuses hostile zips before writing anything', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'evil.zip'), rawZip([{name: 'solution.xml', data: '<ImportExportXml/>'}, {name: '../../outside.txt', data: 'x'}]))
    const error = await ccErrorOf(unpackSolution({zip: 'evil.zip', out: 'out'}, solutionTestContext(root)))
    expect(error.code).toBe('ZIP_UNSAFE_PATH')
    expect(error.file).toBe('evil.zip')
    expect(existsSync(join(root, 'out'))).toBe(false)
  })

  it('explains zips that are not solutions, or lack files, or hold broken JSON', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'packager.zip'), rawZip([{name: 'Other/Solution.xml', data: '<x/>'}]))
    const packager = await ccErrorOf(unpackSolution({zip: 'packager.zip'}, solutionTestContext(root)))
    expect(packager.code).toBe('SOLUTION_INVALID')
    expect(packager.suggestions[0]).toContain('pac solution pack')

    const zip = await sampleSolution(root)
    const {readZip} = await import('../../../src/core/zip/read.js')
    const files = await readZip(zip)
    const name = [...files.keys()].find((n) => n.endsWith('_openapidefinition.json'))!
    const without = [...files].filter(([n]) => n !== name).map(([n, data]) => ({name: n, data}))
    writeFileSync(join(root, 'missing.zip'), rawZip(without))
    const missing = await ccErrorOf(unpackSolution({zip: 'missing.zip'}, solutionTestContext(root)))
    expect(missing.code).toBe('SOLUTION_FILE_MISSING')
    expect(missing.message).toContain(name)

    const broken = [...files].map(([n, data]) => ({name: n, data: n === name ? Buffer.from('{\n  "swagger": "2.0",\n  oops\n}') : data}))
    writeFileSync(join(root, 'broken.zip'), rawZip(broken))
    const json = await ccErrorOf(unpackSolution({zip: 'broken.zip'}, solutionTestContext(root)))
    expect(json.code).toBe('SOLUTION_JSON_INVALID')
    expect(json.file).toBe(`broken.zip!/${name}`)
    expect(json.line).toBe(3)
  })

  it('reads an emptied connection parameters file (as ALM pipelines leave them) as none, with a warning', async () => {
    const root = tempDir()
    const zip = await sampleSolution(root)
    const {readZip} = await import('../../../src/core/zip/read.js')
    const files = [...(await readZip(zip))].map(([name, data]) => ({name, data: name.endsWith('_connectionparameters.json') ? Buffer.from('') : data}))
    writeFileSync(join(root, 'blank.zip'), rawZip(files))
    const context = solutionTestContext(root)
    await unpackSolution({zip: 'blank.zip', out: 'out'}, context)
    expect(readJson(join(root, 'out', 'Contoso Payments API', 'apiProperties.json')).properties.connectionParameters).toEqual({})
    expect(context.warnings).toEqual([expect.stringContaining('_connectionparameters.json is empty; read as no connectionparameters')])
  })

  it('makes safe, distinct folder names from display names', () => {
    expect(folderNames([
      {displayName: 'A/B: C?', name: 'p_a'},
      {displayName: 'a/b: c', name: 'p_b'},
      {displayName: '..', name: 'p_dots'},
      {displayName: 'CON', name: 'p_con'},
    ])).toEqual(['AB C', 'ab c (p_b)', 'p_dots', 'p_con'])
  })
})
