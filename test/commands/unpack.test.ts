import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Unpack from '../../src/commands/unpack.js'
import {prepareSolution} from '../../src/core/solution/prepare.js'
import {rawZip, solutionTestContext, writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {runCommand} from '../helpers/run-command.js'
import {tempDir} from '../helpers/temp-dir.js'

let root: string
const cwd = process.cwd()
beforeEach(async () => {
  root = tempDir()
  writeSampleConnector(join(root, 'src', 'payments'))
  const prepared = await prepareSolution(
    {connectors: ['src/payments'], publisherPrefix: 'contoso', solutionName: 'ContosoPayments', envVars: ['host'], project: null},
    solutionTestContext(root),
  )
  writeFileSync(join(root, 'solution.zip'), rawZip(prepared.files.map((f) => ({name: f.path, data: f.data}))))
  process.chdir(root)
})
afterEach(() => process.chdir(cwd))

describe('cc unpack', () => {
  it('writes the connector folders and says what it did', async () => {
    const out = await runCommand(Unpack, ['solution.zip', '--out', 'connectors'])
    expect(out.exitCode).toBe(0)
    expect(out.stdout).toContain('Unpacked ContosoPayments 1.0.0.0 from solution.zip (publisher contoso, prefix contoso, unmanaged):')
    expect(out.stdout).toContain('connectors/Contoso Payments API  contoso_contoso-20payments-20api  (apiDefinition.swagger.json, apiProperties.json, icon.png, script.csx)')
    expect(out.stdout).toContain('contoso_ContosoPaymentsAPIHost  String  default api.contoso.com')
    expect(out.stdout).toContain('--resolve-env-vars')
    expect(existsSync(join(root, 'connectors', 'Contoso Payments API', 'apiProperties.json'))).toBe(true)
  })

  it('prints the result object under --json', async () => {
    const out = await runCommand(Unpack, ['solution.zip', '--out', 'connectors', '--resolve-env-vars', '--json'])
    expect(out.exitCode).toBe(0)
    expect(out.json.status).toBe(0)
    expect(out.json.result).toMatchObject({
      zip: 'solution.zip',
      out: 'connectors',
      solution: {uniqueName: 'ContosoPayments', version: '1.0.0.0', managed: false, publisher: 'contoso', prefix: 'contoso'},
      connectors: [{folder: 'connectors/Contoso Payments API', name: 'contoso_contoso-20payments-20api', envVarReferences: []}],
      environmentVariables: [{schemaName: 'contoso_ContosoPaymentsAPIHost', type: 'String', defaultValue: 'api.contoso.com'}],
      otherComponents: [],
    })
    const swagger = JSON.parse(readFileSync(join(root, 'connectors', 'Contoso Payments API', 'apiDefinition.swagger.json'), 'utf8'))
    expect(swagger.host).toBe('api.contoso.com')
  })

  it('refuses a hostile zip with the code, the entry and a hint, exit 1', async () => {
    writeFileSync(join(root, 'evil.zip'), rawZip([{name: 'Connector/x.json', data: '{}'}, {name: 'link', data: '/etc', unixMode: 0o120777, method: 0}]))
    const out = await runCommand(Unpack, ['evil.zip'])
    expect(out.exitCode).toBe(1)
    expect(out.stderr).toContain('Error (ZIP_LINK): evil.zip: entry "link" is a symbolic link; refusing to read the zip.')
    expect(out.stderr).toContain('Try:')
    const json = await runCommand(Unpack, ['evil.zip', '--json'])
    expect(json.json).toMatchObject({status: 1, code: 'ZIP_LINK', file: 'evil.zip'})
  })

  it('refuses to overwrite without --force (exit 1) and needs the zip argument (exit 2)', async () => {
    expect((await runCommand(Unpack, ['solution.zip'])).exitCode).toBe(0)
    const again = await runCommand(Unpack, ['solution.zip', '--json'])
    expect(again.exitCode).toBe(1)
    expect(again.json.code).toBe('UNPACK_TARGET_EXISTS')
    expect((await runCommand(Unpack, ['solution.zip', '--force'])).exitCode).toBe(0)
    const usage = await runCommand(Unpack, ['--json'])
    expect(usage.exitCode).toBe(2)
    expect(usage.json.code).toBe('USAGE')
  })
})
