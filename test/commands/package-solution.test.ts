import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Package from '../../src/commands/package.js'
import Unpack from '../../src/commands/unpack.js'
import {prepareSolution} from '../../src/core/solution/prepare.js'
import {zipToBuffer} from '../../src/core/zip/write.js'
import {runCli} from '../helpers/cli.js'
import {runCommand} from '../helpers/run-command.js'
import {flowSolutionFiles, solutionTestContext, writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {tempDir} from '../helpers/temp-dir.js'

let root: string
const cwd = process.cwd()
beforeEach(() => {
  root = tempDir()
  writeSampleConnector(join(root, 'connectors', 'payments'))
  process.chdir(root)
})
afterEach(() => process.chdir(cwd))

describe('cc package --kind solution', () => {
  it('writes the solution zip and says what is in it', async () => {
    // Paths may follow --env-var: each --env-var takes one value.
    const out = await runCommand(Package, ['--kind', 'solution', '--publisher-prefix', 'contoso', '--env-var', 'host', '--env-var', 'clientId', 'connectors/payments'])
    expect(out.exitCode).toBe(0)
    expect(out.stdout).toMatch(/^dist\/ContosoPaymentsAPI_1_0_0_0\.zip {2}[\d.]+ KiB {2}sha256 [0-9a-f]{16}… {2}\(solution ContosoPaymentsAPI 1\.0\.0\.0, unmanaged, publisher contoso, prefix contoso\)$/m)
    expect(out.stdout).toContain('  connectors/payments → contoso_contoso-20payments-20api  connectorid ')
    expect(out.stdout).toContain('  environment variables: contoso_ContosoPaymentsAPIClientId (String), contoso_ContosoPaymentsAPIHost (String)')
    expect(out.stdout).toContain('  deployment settings: dist/ContosoPaymentsAPI_1_0_0_0.deploymentsettings.json')
    expect(out.stderr).toContain('a solution has no place for capabilities, publisher, stackOwner')
    expect(out.stderr).toContain('Warning: payments: connectionParameters.token.oAuthSettings.clientSecret was left out of the solution')
    expect(out.stderr).not.toContain('s3cret-value')
  })

  it('prints the result under --json and round-trips through cc unpack', async () => {
    const out = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--publisher-prefix', 'contoso', '--solution-name', 'Payments', '--solution-version', '2.1', '--out', 'build/', '--json'])
    expect(out.exitCode).toBe(0)
    expect(out.json.result).toMatchObject({
      kind: 'solution',
      file: 'build/Payments_2_1_0_0.zip',
      solution: {uniqueName: 'Payments', version: '2.1.0.0', managed: false, publisher: {uniqueName: 'contoso', prefix: 'contoso'}},
      version: {value: '2.1.0.0', source: 'flag'},
      connectors: [{folder: 'connectors/payments', name: 'contoso_contoso-20payments-20api'}],
    })
    expect(out.json.warnings).toEqual([expect.stringContaining('clientSecret was left out of the solution')])
    expect(JSON.stringify(out.json)).not.toContain('s3cret-value')

    const back = await runCommand(Unpack, ['build/Payments_2_1_0_0.zip', '--out', 'back', '--json'])
    expect(back.exitCode).toBe(0)
    const original = JSON.parse(readFileSync(join(root, 'connectors', 'payments', 'apiDefinition.swagger.json'), 'utf8'))
    expect(JSON.parse(readFileSync(join(root, 'back', 'Contoso Payments API', 'apiDefinition.swagger.json'), 'utf8'))).toEqual(original)
  })

  it('explains wrong or misplaced flags with exit 2', async () => {
    const noPrefix = await runCommand(Package, ['connectors/payments', '--kind', 'solution'])
    expect(noPrefix.exitCode).toBe(2)
    expect(noPrefix.stderr).toContain('Error (PUBLISHER_PREFIX_REQUIRED)')
    expect(noPrefix.stderr).toContain('Try:\n  --publisher-prefix contoso')

    const badPrefix = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--publisher-prefix', 'x', '--json'])
    expect(badPrefix.json).toMatchObject({status: 2, code: 'PUBLISHER_PREFIX_INVALID'})

    const flowForSolution = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--publisher-prefix', 'contoso', '--flow-solution', 'f.zip', '--json'])
    expect(flowForSolution.json).toMatchObject({status: 2, code: 'PACKAGE_FLAG_NOT_FOR_KIND'})

    const prefixForConnector = await runCommand(Package, ['connectors/payments', '--publisher-prefix', 'contoso', '--json'])
    expect(prefixForConnector.json).toMatchObject({status: 2, code: 'PACKAGE_FLAG_NOT_FOR_KIND'})
    expect(prefixForConnector.json.message).toContain('--publisher-prefix applies to --kind solution and --kind certification')

    const badBump = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--publisher-prefix', 'contoso', '--bump-version', 'patch', '--json'])
    expect(badBump.json).toMatchObject({status: 2, code: 'USAGE'})

    const badEnvVar = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--publisher-prefix', 'contoso', '--env-var', 'password', '--json'])
    expect(badEnvVar.json).toMatchObject({status: 2, code: 'ENV_VAR_INVALID'})
  })

  it('takes the defaults from cc.yaml and bumps the version there', async () => {
    writeFileSync(join(root, 'cc.yaml'), 'solution:\n  name: Contoso\n  version: 1.0.0.0\n  publisher:\n    prefix: contoso\n')
    const out = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--bump-version', 'build', '--json'])
    expect(out.exitCode).toBe(0)
    expect(out.json.result.version).toEqual({value: '1.0.1.0', source: 'project', bumpedFrom: '1.0.0.0', savedTo: 'cc.yaml'})
    expect(readFileSync(join(root, 'cc.yaml'), 'utf8')).toContain('version: 1.0.1.0')
    const human = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--bump-version', 'revision'])
    expect(human.stderr).toContain('Version 1.0.1.0 → 1.0.1.1 (saved to cc.yaml).')
  })
})

describe('cc package --kind certification', () => {
  it('writes the package, and says when it is not complete', async () => {
    writeSampleConnector(join(root, 'connectors', 'payments'), {certifiable: true})
    const alone = await runCommand(Package, ['connectors/payments', '--kind', 'certification', '--publisher-prefix', 'contoso'])
    expect(alone.exitCode).toBe(0)
    expect(alone.stdout).toContain('dist/ContosoPayments_1_0_0_0_certification.zip')
    expect(alone.stdout).toContain('  intro.md: generated outline (fill it in)')
    expect(alone.stdout).toContain('  PkgAssets: ContosoPayments_1_0_0_0.zip (connector)')
    expect(alone.stderr).toContain('Not ready for submission: missing a flow solution')

    const prepared = await prepareSolution({connectors: ['connectors/payments'], publisherPrefix: 'contoso', project: null}, solutionTestContext(root))
    writeFileSync(join(root, 'Flows.zip'), await zipToBuffer(flowSolutionFiles(prepared.files)))
    const full = await runCommand(Package, ['connectors/payments', '--kind', 'certification', '--publisher-prefix', 'contoso', '--flow-solution', 'Flows.zip', '--json'])
    expect(full.exitCode).toBe(0)
    expect(full.json.result).toMatchObject({kind: 'certification', complete: true, missing: [], solutions: [{role: 'connector'}, {role: 'flow', fileName: 'Flows.zip'}]})
  })
})

describe('the built CLI', () => {
  it('writes the same bytes in separate processes, and cc unpack reads them back', async () => {
    const args = ['package', 'connectors/payments', '--kind', 'solution', '--publisher-prefix', 'contoso', '--env-var', 'host', '--json']
    const first = await runCli([...args, '--out', 'one.zip'], {cwd: root, env: {TZ: 'America/Los_Angeles'}})
    const second = await runCli([...args, '--out', 'two.zip'], {cwd: root, env: {TZ: 'Asia/Tokyo'}})
    expect(first.exitCode, first.stderr).toBe(0)
    expect(second.exitCode, second.stderr).toBe(0)
    expect(first.json.result.sha256).toBe(second.json.result.sha256)
    expect(readFileSync(join(root, 'one.zip')).equals(readFileSync(join(root, 'two.zip')))).toBe(true)
    const unpack = await runCli(['unpack', 'one.zip', '--out', 'back', '--resolve-env-vars'], {cwd: root})
    expect(unpack.exitCode, unpack.stderr).toBe(0)
    expect(unpack.stdout).toContain('back/Contoso Payments API  contoso_contoso-20payments-20api')
    const swagger = JSON.parse(readFileSync(join(root, 'back', 'Contoso Payments API', 'apiDefinition.swagger.json'), 'utf8'))
    expect(swagger.host).toBe('api.contoso.com')
  })
})
