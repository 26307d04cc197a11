import {cpSync, existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import Package from '../../src/commands/package.js'
import {readZip} from '../../src/core/zip/read.js'
import {runCommand} from '../helpers/run-command.js'
import {tempDir} from '../helpers/temp-dir.js'

const samples = fileURLToPath(new URL('../../connectors/', import.meta.url))

function copySample(name: string): string {
  const dir = join(tempDir(), name)
  cpSync(join(samples, name), dir, {recursive: true})
  return dir
}

describe('cc package', () => {
  it('writes the zip and prints one line for it on stdout', async () => {
    const out = join(tempDir(), 'weather.zip')
    const run = await runCommand(Package, [join(samples, 'open-meteo-weather'), '--out', out])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/weather\.zip {2}\d+\.\d KB {2}sha256 [0-9a-f]{16}… {2}\(.*open-meteo-weather: apiDefinition\.swagger\.json, apiProperties\.json, icon\.png, readme\.md\)\n$/)
    expect(run.stderr).toBe(`Validating…\nWriting ${out}…\n`) // progress, on stderr
    expect([...(await readZip(out)).keys()]).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md'])
  })

  it('prints the envelope under --json, with stripped secrets as warnings', async () => {
    const dir = copySample('azure-resource-manager')
    const properties = JSON.parse(readFileSync(join(dir, 'apiProperties.json'), 'utf8'))
    properties.properties.connectionParameters.token.oAuthSettings.clientSecret = 'do-not-ship-me'
    writeFileSync(join(dir, 'apiProperties.json'), JSON.stringify(properties, null, 2))
    const out = join(tempDir(), 'arm.zip')
    const run = await runCommand(Package, [dir, '--out', out, '--json'])
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.json.status).toBe(0)
    expect(run.json.result).toMatchObject({kind: 'connector', validated: true})
    expect(run.json.result.packages[0]).toMatchObject({name: 'azure-resource-manager', secretsRemoved: ['/properties/connectionParameters/token/oAuthSettings/clientSecret']})
    expect(run.json.warnings).toHaveLength(1)
    expect(run.json.warnings[0]).toContain('left the client secret')
    expect(run.stdout).not.toContain('do-not-ship-me')
  })

  it('exits 3 when validation finds errors and writes no zip; --no-validate skips the check', async () => {
    const dir = copySample('open-meteo-weather')
    const swagger = JSON.parse(readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8'))
    swagger.paths['/v1/forecast'].get.parameters.push({name: 'connectionId', in: 'query', type: 'string'})
    writeFileSync(join(dir, 'apiDefinition.swagger.json'), JSON.stringify(swagger, null, 2))
    const out = join(tempDir(), 'w.zip')
    const human = await runCommand(Package, [dir, '--out', out])
    expect(human.exitCode).toBe(3)
    expect(human.stderr).toMatch(/^Error \(VALIDATION_FAILED\): Validation found \d+ errors?:/m)
    expect(human.stderr).toContain('--no-validate')
    expect(existsSync(out)).toBe(false)
    const json = await runCommand(Package, [dir, '--out', out, '--json'])
    expect(json.json).toMatchObject({status: 3, code: 'VALIDATION_FAILED'})
    const skipped = await runCommand(Package, [dir, '--out', out, '--no-validate'])
    expect(skipped.exitCode).toBe(0)
    expect(skipped.stderr).toContain('Packaged without validation')
    expect(existsSync(out)).toBe(true)
  })

  it('rejects an unknown --kind as a usage error (exit 2)', async () => {
    const unknown = await runCommand(Package, [join(samples, 'open-meteo-weather'), '--kind', 'tarball'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toMatch(/^Error \(USAGE\):/)
  })

  it('refuses a path that does not exist (exit 2)', async () => {
    const run = await runCommand(Package, [join(tempDir(), 'missing'), '--json'])
    expect(run.exitCode).toBe(2)
    expect(run.json.code).toBe('PATH_NOT_FOUND')
  })
})
