import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import Scaffold from '../../src/commands/scaffold.js'
import {runCommand} from '../helpers/run-command.js'
import {tempDir} from '../helpers/temp-dir.js'

const petstore = fileURLToPath(new URL('../core/openapi/fixtures/petstore-3.0.yaml', import.meta.url))

describe('cc scaffold', () => {
  it('creates the folder, prints what it wrote on stdout and the next steps on stderr', async () => {
    const out = join(tempDir(), 'orders')
    const run = await runCommand(Scaffold, ['orders', '--auth', 'basic', '--out', out])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Created .*orders \(Orders; auth basic; 4 operations\)\n/)
    expect(run.stdout).toContain('/apiProperties.json')
    expect(run.stderr).toMatch(/Next:\n {2}Describe your API in .*\n {2}cc validate /)
    expect(readdirSync(out).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md'])
  })

  it('prints the {status, result, warnings} envelope under --json and nothing on stderr', async () => {
    const out = join(tempDir(), 'orders')
    const run = await runCommand(Scaffold, ['orders', '--auth', 'aad', '--managed-identity', '--script', '--out', out, '--json'])
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.json.status).toBe(0)
    expect(run.json.warnings).toEqual([])
    expect(run.json.result).toMatchObject({name: 'orders', title: 'Orders', auth: 'aad', managedIdentity: true, script: true, replaced: false, removed: []})
    expect(run.json.result.files).toContain('script.csx')
  })

  it('reports the conversion of an OpenAPI 3 file on stderr and in the result', async () => {
    const out = join(tempDir(), 'petstore')
    const human = await runCommand(Scaffold, ['petstore', '--from', petstore, '--out', out])
    expect(human.exitCode).toBe(0)
    expect(human.stderr).toMatch(/From .*petstore-3\.0\.yaml \(OpenAPI 3\.0\.3, YAML\), converted to Swagger 2\.0\./)
    expect(human.stderr).toContain('Not converted (left out; the connector format cannot express them):\n')
    expect(human.stderr).toContain('  #/paths/~1pets/post/callbacks: callbacks have no Swagger 2.0 equivalent')
    expect(human.stderr).toContain('Converted with a change (check these):\n')
    expect(human.stderr).toMatch(/Warning: \d+ parts of .* could not be converted/)
    expect(human.stdout).not.toContain('callbacks')

    const json = await runCommand(Scaffold, ['petstore', '--from', petstore, '--out', join(tempDir(), 'p'), '--json'])
    expect(json.json.result.from.notConverted).toContainEqual({pointer: '#/paths/~1pets/post/callbacks', reason: expect.stringContaining('callbacks')})
    expect(json.json.warnings.some((w: string) => /could not be converted/.test(w))).toBe(true)
  })

  it('never overwrites a non-empty folder without --force when there is no terminal (exit 1, no prompt)', async () => {
    const out = join(tempDir(), 'orders')
    mkdirSync(out)
    writeFileSync(join(out, 'keep.txt'), 'x')
    const run = await runCommand(Scaffold, ['orders', '--out', out], {CI: '1'})
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(/^Error \(SCAFFOLD_TARGET_NOT_EMPTY\): .* already exists and is not empty; cc scaffold does not overwrite it without --force\./)
    expect(run.stderr).toContain('Try:\n  cc scaffold orders --force')
    expect(readdirSync(out)).toEqual(['keep.txt'])
    const json = await runCommand(Scaffold, ['orders', '--out', out, '--json'])
    expect(json.json).toMatchObject({status: 1, code: 'SCAFFOLD_TARGET_NOT_EMPTY'})
    const forced = await runCommand(Scaffold, ['orders', '--out', out, '--force', '--json'])
    expect(forced.exitCode).toBe(0)
    expect(forced.json.result.replaced).toBe(true)
    expect(existsSync(join(out, 'keep.txt'))).toBe(true)
  })

  it('exits 2 on usage errors: --managed-identity without aad, a bad --auth, a bad name, no name', async () => {
    const out = join(tempDir(), 'x')
    const mi = await runCommand(Scaffold, ['orders', '--auth', 'apikey', '--managed-identity', '--out', out, '--json'])
    expect(mi.exitCode).toBe(2)
    expect(mi.json).toMatchObject({status: 2, code: 'SCAFFOLD_MANAGED_IDENTITY_NEEDS_AAD'})
    const auth = await runCommand(Scaffold, ['orders', '--auth', 'saml', '--out', out])
    expect(auth.exitCode).toBe(2)
    expect(auth.stderr).toMatch(/Error \(USAGE\): .*saml/)
    const name = await runCommand(Scaffold, ['../escape', '--json'])
    expect(name.json).toMatchObject({status: 2, code: 'SCAFFOLD_INVALID_NAME'})
    const missing = await runCommand(Scaffold, ['--json'])
    expect(missing.exitCode).toBe(2)
    expect(existsSync(out)).toBe(false)
  })

  it('fails with the file and line when --from is not valid YAML', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'api.yaml'), 'openapi: 3.0.0\ninfo:\n  title: [oops\n')
    const run = await runCommand(Scaffold, ['x', '--from', join(dir, 'api.yaml'), '--out', join(dir, 'x'), '--json'])
    expect(run.exitCode).toBe(1)
    expect(run.json).toMatchObject({code: 'OPENAPI_SYNTAX', file: join(dir, 'api.yaml')})
    expect(run.json.line).toBeGreaterThanOrEqual(3)
  })
})
