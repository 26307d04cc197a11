import {execFileSync} from 'node:child_process'
import {readFileSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {packageCertification, packageSolution} from '../../../src/core/solution/package.js'
import {prepareSolution} from '../../../src/core/solution/prepare.js'
import {unpackSolution} from '../../../src/core/solution/unpack.js'
import {readZip} from '../../../src/core/zip/read.js'
import {zipToBuffer} from '../../../src/core/zip/write.js'
import {validateConnectorPackage} from '../../helpers/connector-package-validator.js'
import {ccErrorOf, flowSolutionFiles, solutionTestContext, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'
import {tempDir} from '../../helpers/temp-dir.js'

/** Every file of a zip as one string (to look for leaked secrets). */
async function allContent(zip: Buffer): Promise<string> {
  return [...(await readZip(zip)).values()].map((b) => b.toString('utf8')).join('\n')
}

describe('packageSolution', () => {
  it('writes the solution zip; the same input gives the same bytes, whatever the clock or file times', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'))
    const options = {connectors: ['payments'], publisherPrefix: 'contoso', solutionName: 'ContosoPayments', solutionVersion: '1.0.0.1', project: null}
    const first = await packageSolution({...options, out: 'a'}, solutionTestContext(root))
    expect(first).toMatchObject({
      kind: 'solution',
      file: 'a/ContosoPayments_1_0_0_1.zip',
      solution: {uniqueName: 'ContosoPayments', version: '1.0.0.1', managed: false, publisher: {prefix: 'contoso'}},
      version: {value: '1.0.0.1', source: 'flag'},
      connectors: [
        {
          folder: 'payments',
          name: 'contoso_contoso-20payments-20api',
          files: [
            'Connector/contoso_contoso-20payments-20api_openapidefinition.json',
            'Connector/contoso_contoso-20payments-20api_connectionparameters.json',
            'Connector/contoso_contoso-20payments-20api_policytemplateinstances.json',
            'Connector/contoso_contoso-20payments-20api_customcodeblobcontent.csx',
            'Connector/contoso_contoso-20payments-20api_iconblob.Png',
          ],
          notCarried: ['capabilities', 'publisher', 'stackOwner'],
          secretsRemoved: ['connectionParameters.token.oAuthSettings.clientSecret'],
        },
      ],
      environmentVariables: [],
    })
    expect(first).not.toHaveProperty('deploymentSettings')
    const zip = readFileSync(join(root, first.file))
    expect(first.bytes).toBe(zip.length)

    for (const name of ['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'script.csx']) {
      utimesSync(join(root, 'payments', name), new Date('2031-05-05T10:00:00Z'), new Date('2031-05-05T10:00:00Z'))
    }
    const second = await packageSolution({...options, out: join(root, 'b', 'copy.zip')}, solutionTestContext(root))
    expect(second.sha256).toBe(first.sha256)
    expect(readFileSync(join(root, 'b', 'copy.zip')).equals(zip)).toBe(true)

    // Info-ZIP agrees that the zip is sound, and no literal secret is inside.
    expect(execFileSync('unzip', ['-tq', join(root, first.file)], {encoding: 'utf8'})).toContain('No errors detected')
    expect(await allContent(zip)).not.toContain('s3cret-value')
    expect(await allContent(zip)).toContain('"clientId": "5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c"')
  })

  it('changes the bytes when the input changes', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'))
    const options = {connectors: ['payments'], publisherPrefix: 'contoso', project: null}
    const before = await packageSolution({...options, out: 'x.zip'}, solutionTestContext(root))
    const file = join(root, 'payments', 'apiDefinition.swagger.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace('List payments', 'List all payments'))
    const after = await packageSolution({...options, out: 'x.zip'}, solutionTestContext(root))
    expect(after.sha256).not.toBe(before.sha256)
  })

  it('writes a deployment settings file beside the zip when there are environment variables', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'))
    const result = await packageSolution(
      {connectors: ['payments'], publisherPrefix: 'contoso', managed: true, envVars: ['host', 'clientSecret'], project: null, out: 'dist'},
      solutionTestContext(root),
    )
    expect(result.file).toBe('dist/ContosoPaymentsAPI_1_0_0_0_managed.zip')
    expect(result.deploymentSettings).toBe('dist/ContosoPaymentsAPI_1_0_0_0_managed.deploymentsettings.json')
    expect(JSON.parse(readFileSync(join(root, result.deploymentSettings!), 'utf8'))).toEqual({
      EnvironmentVariables: [
        {SchemaName: 'contoso_ContosoPaymentsAPIClientSecret', Value: ''},
        {SchemaName: 'contoso_ContosoPaymentsAPIHost', Value: 'api.contoso.com'},
      ],
      ConnectionReferences: [],
    })
    const files = await readZip(join(root, result.file))
    expect(String(files.get('solution.xml'))).toContain('<Managed>1</Managed>')
    expect([...files.keys()].filter((n) => n.startsWith('environmentvariabledefinitions/'))).toHaveLength(2)
  })

  it('takes defaults from cc.yaml and writes the bumped version back after the zip is written', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'connectors', 'payments'))
    writeFileSync(
      join(root, 'cc.yaml'),
      '# Contoso connectors\nsolution:\n  name: ContosoConnectors\n  version: 1.4.0.9 # released\n  output: dist\n  publisher:\n    name: Contoso\n    prefix: contoso\n  environmentVariables:\n    - host\n',
    )
    const context = solutionTestContext(join(root, 'connectors'))
    const result = await packageSolution({connectors: ['payments'], bumpVersion: 'revision'}, context)
    // Paths outside the current folder are shown absolute.
    expect(result.file).toBe(join(root, 'dist', 'ContosoConnectors_1_4_0_10.zip'))
    expect(result.version).toEqual({value: '1.4.0.10', source: 'project', bumpedFrom: '1.4.0.9', savedTo: join(root, 'cc.yaml')})
    expect(result.environmentVariables.map((v) => v.schemaName)).toEqual(['contoso_ContosoPaymentsAPIHost'])
    expect(readFileSync(join(root, 'cc.yaml'), 'utf8')).toBe(
      '# Contoso connectors\nsolution:\n  name: ContosoConnectors\n  version: 1.4.0.10 # released\n  output: dist\n  publisher:\n    name: Contoso\n    prefix: contoso\n  environmentVariables:\n    - host\n',
    )
    const again = await packageSolution({connectors: ['payments'], bumpVersion: 'minor'}, context)
    expect(again.version.value).toBe('1.5.0.0')
  })

  it('refuses what it cannot package with the place and the fix', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'a'))
    writeSampleConnector(join(root, 'b'))
    const duplicate = await ccErrorOf(packageSolution({connectors: ['a', 'b'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root)))
    expect(duplicate.code).toBe('SOLUTION_DUPLICATE_CONNECTOR')
    expect(duplicate.file).toBe(join(root, 'b', 'apiDefinition.swagger.json'))
    const none = await ccErrorOf(packageSolution({connectors: ['missing'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root)))
    expect(none.code).toBe('CONNECTOR_NOT_FOUND')
  })
})

describe('secrets in solutions', () => {
  it('leaves out OAuth client secrets (any case) and securestring defaults, keeps parameter definitions and references', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'))
    const file = join(root, 'payments', 'apiProperties.json')
    const properties = JSON.parse(readFileSync(file, 'utf8'))
    const oauth = properties.properties.connectionParameters.token.oAuthSettings
    delete oauth.clientSecret
    oauth.ClientSecret = 'Upper-s3cret'
    properties.properties.connectionParameters.clientSecret = {type: 'securestring', uiDefinition: {displayName: 'Client secret', constraints: {required: 'true'}}}
    properties.properties.connectionParameters.api_key = {type: 'securestring', defaultValue: 'default-s3cret', uiDefinition: {displayName: 'API key'}}
    properties.properties.connectionParameterSets = {
      uiDefinition: {displayName: 'Authentication'},
      values: [{name: 'oauth', parameters: {token: {type: 'oauthSetting', oAuthSettings: {identityProvider: 'aad', clientId: 'x', clientSecret: 'set-s3cret'}}}}],
    }
    writeFileSync(file, JSON.stringify(properties, null, 2))
    const context = solutionTestContext(root)
    const result = await packageSolution({connectors: ['payments'], publisherPrefix: 'contoso', project: null, noValidate: true, out: 's.zip'}, context)
    expect(result.connectors[0]!.secretsRemoved).toEqual([
      'connectionParameters.token.oAuthSettings.ClientSecret',
      'connectionParameters.api_key.defaultValue',
      'connectionParameterSets.values[0].parameters.token.oAuthSettings.clientSecret',
    ])
    const content = await allContent(readFileSync(join(root, 's.zip')))
    expect(content).not.toMatch(/s3cret/)
    const name = 'contoso_contoso-20payments-20api'
    const files = await readZip(join(root, 's.zip'))
    const params = JSON.parse(String(files.get(`Connector/${name}_connectionparameters.json`)))
    expect(params.clientSecret).toEqual({type: 'securestring', uiDefinition: {displayName: 'Client secret', constraints: {required: 'true'}}})
    expect(params.api_key).toEqual({type: 'securestring', uiDefinition: {displayName: 'API key'}})
    expect(JSON.parse(String(files.get(`Connector/${name}_connectionparametersets.json`))).values[0].parameters.token.oAuthSettings).toEqual({identityProvider: 'aad', clientId: 'x'})
    expect(context.warnings.filter((w) => w.includes('was left out of the solution'))).toHaveLength(3)
    for (const warning of context.warnings) expect(warning).not.toMatch(/s3cret/)
    expect(JSON.stringify(result)).not.toMatch(/s3cret/)
  })
})

describe('packageCertification', () => {
  async function setup() {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'), {certifiable: true})
    const prepared = await prepareSolution({connectors: ['payments'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root))
    writeFileSync(join(root, 'ContosoFlows_1_0_0_0.zip'), await zipToBuffer(flowSolutionFiles(prepared.files)))
    return root
  }

  it('passes the structure checks of ConnectorPackageValidator with a flow solution', async () => {
    const root = await setup()
    writeFileSync(join(root, 'payments', 'readme.md'), '# Contoso Payments\n\nDocs.\n')
    const context = solutionTestContext(root)
    const result = await packageCertification(
      {connectors: ['payments'], publisherPrefix: 'contoso', solutionName: 'ContosoPayments', flowSolution: 'ContosoFlows_1_0_0_0.zip', project: null, out: 'cert'},
      context,
    )
    expect(result).toMatchObject({
      kind: 'certification',
      file: 'cert/ContosoPayments_1_0_0_0_certification.zip',
      intro: {source: 'payments/readme.md', generated: false},
      solutions: [
        {fileName: 'ContosoPayments_1_0_0_0.zip', role: 'connector', uniqueName: 'ContosoPayments', version: '1.0.0.0'},
        {fileName: 'ContosoFlows_1_0_0_0.zip', role: 'flow', uniqueName: 'ContosoFlows', version: '1.0.0.0'},
      ],
      complete: true,
      missing: [],
    })
    const validation = validateConnectorPackage(join(root, result.file))
    expect(validation.messages).toEqual(['Validation successful: The package structure is correct.'])
    expect(validation.ok).toBe(true)
    expect(validation.solutions).toHaveLength(2)
    expect(validation.solutions).toEqual(
      expect.arrayContaining([
        {name: 'ContosoFlows_1_0_0_0.zip', connector: true, workflows: true, plugin: false},
        {name: 'ContosoPayments_1_0_0_0.zip', connector: true, workflows: false, plugin: false},
      ]),
    )

    const outer = await readZip(join(root, result.file))
    expect([...outer.keys()]).toEqual(['intro.md', 'ContosoPayments_1_0_0_0_package.zip'])
    expect(String(outer.get('intro.md'))).toBe('# Contoso Payments\n\nDocs.\n')
    const pkg = await readZip(outer.get('ContosoPayments_1_0_0_0_package.zip')!)
    expect([...pkg.keys()]).toEqual(['[Content_Types].xml', 'PkgAssets/ImportConfig.xml', 'PkgAssets/ContosoPayments_1_0_0_0.zip', 'PkgAssets/ContosoFlows_1_0_0_0.zip'])
    const importConfig = String(pkg.get('PkgAssets/ImportConfig.xml'))
    expect(importConfig.indexOf('ContosoPayments_1_0_0_0.zip')).toBeLessThan(importConfig.indexOf('ContosoFlows_1_0_0_0.zip'))

    // The same input gives the same package, and cc unpack finds the connector solution inside it.
    const again = await packageCertification(
      {connectors: ['payments'], publisherPrefix: 'contoso', solutionName: 'ContosoPayments', flowSolution: 'ContosoFlows_1_0_0_0.zip', project: null, out: 'cert2'},
      solutionTestContext(root),
    )
    expect(again.sha256).toBe(result.sha256)
    const unpacked = await unpackSolution({zip: result.file, out: 'back'}, solutionTestContext(root))
    expect(unpacked.source).toBe('cert/ContosoPayments_1_0_0_0_certification.zip!/ContosoPayments_1_0_0_0_package.zip!/PkgAssets/ContosoPayments_1_0_0_0.zip')
    expect(unpacked.connectors.map((c) => c.name)).toEqual(['contoso_contoso-20payments'])
  })

  it('says what is missing without a flow solution, and the validator agrees', async () => {
    const root = await setup()
    const context = solutionTestContext(root)
    const result = await packageCertification({connectors: ['payments'], publisherPrefix: 'contoso', project: null}, context)
    expect(result.complete).toBe(false)
    expect(result.missing[0]).toContain('flow solution')
    expect(result.intro).toEqual({source: 'generated', generated: true})
    expect(context.warnings.some((w) => w.includes('not ready for submission'))).toBe(true)
    const validation = validateConnectorPackage(join(root, result.file))
    expect(validation.ok).toBe(false)
    expect(validation.messages[0]).toContain("should contain only connector and flow solution zip files (found 1)")
    const intro = String((await readZip(join(root, result.file))).get('intro.md'))
    expect(intro).toContain('# Contoso Payments\n')
    expect(intro).toContain('- **List payments** (`ListPayments`)')
    expect(intro).toContain('## Obtaining credentials')
  })

  it('runs the certification profile of cc validate first', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'))
    const refused = await ccErrorOf(packageCertification({connectors: ['payments'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root)))
    expect(refused.code).toBe('VALIDATION_FAILED')
    expect(refused.exitCode).toBe(3)
    expect(refused.message).toContain('(metadata/present)')
    expect(refused.message).toContain('(info/title-words)')
    expect(refused.message).toMatch(/… and \d+ more/)
    expect(refused.suggestions[0]).toContain('--profile certification')
    // The base profile lets the same connector through as a plain solution.
    expect((await packageSolution({connectors: ['payments'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root))).kind).toBe('solution')
    const skipped = await packageCertification({connectors: ['payments'], publisherPrefix: 'contoso', project: null, noValidate: true}, solutionTestContext(root))
    expect(skipped.complete).toBe(false)
  })

  it('refuses a flow solution that is not one, managed solutions, and a missing intro', async () => {
    const root = await setup()
    const options = {connectors: ['payments'], publisherPrefix: 'contoso', project: null}
    const prepared = await prepareSolution(options, solutionTestContext(root))
    writeFileSync(join(root, 'plain.zip'), await zipToBuffer(prepared.files))
    const notFlow = await ccErrorOf(packageCertification({...options, flowSolution: 'plain.zip'}, solutionTestContext(root)))
    expect(notFlow.code).toBe('CERTIFICATION_FLOW_SOLUTION_INVALID')
    expect(notFlow.message).toContain('Workflows in customizations.xml, the Workflows/ folder')
    const managed = await ccErrorOf(packageCertification({...options, managed: true}, solutionTestContext(root)))
    expect(managed.code).toBe('CERTIFICATION_MANAGED')
    expect(managed.exitCode).toBe(2)
    const intro = await ccErrorOf(packageCertification({...options, intro: 'nope.md'}, solutionTestContext(root)))
    expect(intro.code).toBe('CERTIFICATION_INTRO_NOT_FOUND')
  })
})

describe('the re-implemented ConnectorPackageValidator rejects what the script rejects', () => {
  it('fails packages with the wrong shape at each level', async () => {
    const root = tempDir()
    writeSampleConnector(join(root, 'payments'))
    const prepared = await prepareSolution({connectors: ['payments'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root))
    const connectorZip = await zipToBuffer(prepared.files)
    const flowZip = await zipToBuffer(flowSolutionFiles(prepared.files))
    const write = async (name: string, entries: Array<{path: string; data: string | Buffer}>) => {
      writeFileSync(join(root, name), await zipToBuffer(entries))
      return validateConnectorPackage(join(root, name))
    }
    const pkg = async (entries: Array<{path: string; data: string | Buffer}>) => zipToBuffer(entries)
    const good = [
      {path: 'PkgAssets/connector.zip', data: connectorZip},
      {path: 'PkgAssets/flow.zip', data: flowZip},
    ]
    expect((await write('ok.zip', [{path: 'intro.md', data: '#'}, {path: 'p.zip', data: await pkg(good)}])).ok).toBe(true)
    expect((await write('no-intro.zip', [{path: 'p.zip', data: await pkg(good)}])).messages[0]).toContain('intro.md and package zip')
    expect((await write('folder.zip', [{path: 'intro.md', data: '#'}, {path: 'x/p.zip', data: await pkg(good)}])).messages[0]).toContain('should not contain any folder')
    expect((await write('two-folders.zip', [{path: 'intro.md', data: '#'}, {path: 'p.zip', data: await pkg([...good, {path: 'Other/x.txt', data: 'x'}])}])).messages[0]).toContain("ideally named 'PkgAssets'")
    expect((await write('nested.zip', [{path: 'intro.md', data: '#'}, {path: 'p.zip', data: await pkg([...good, {path: 'PkgAssets/sub/x.txt', data: 'x'}])}])).messages[0]).toContain('should not contain any folder')
    const noContentTypes = await zipToBuffer(prepared.files.filter((f) => f.path !== '[Content_Types].xml'))
    expect(
      (await write('no-ct.zip', [{path: 'intro.md', data: '#'}, {path: 'p.zip', data: await pkg([{path: 'PkgAssets/c.zip', data: noContentTypes}, good[1]!])}])).messages[0],
    ).toContain("missing '[Content_Types].xml'")
    expect(
      (await write('two-connectors.zip', [{path: 'intro.md', data: '#'}, {path: 'p.zip', data: await pkg([good[0]!, {path: 'PkgAssets/c2.zip', data: connectorZip}])}])).messages[0],
    ).toContain('Flow solution')
    const noWorkflowsFolder = await zipToBuffer(flowSolutionFiles(prepared.files).filter((f) => !f.path.startsWith('Workflows/')))
    expect(
      (await write('no-wf-folder.zip', [{path: 'intro.md', data: '#'}, {path: 'p.zip', data: await pkg([good[0]!, {path: 'PkgAssets/f.zip', data: noWorkflowsFolder}])}])).messages[0],
    ).toContain("'Connector', 'Workflows'")
  })
})
