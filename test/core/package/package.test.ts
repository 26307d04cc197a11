import {execFileSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {inflateRawSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/core/exit-codes.js'
import {packageConnectors} from '../../../src/core/package/index.js'
import {stripSecrets} from '../../../src/core/package/secrets.js'
import {scaffoldConnector} from '../../../src/core/scaffold/scaffold.js'
import {readZip} from '../../../src/core/zip/read.js'
import {areaTestContext, ccErrorOf} from '../../helpers/scaffold-context.js'
import {tempDir} from '../../helpers/temp-dir.js'

const repo = fileURLToPath(new URL('../../../', import.meta.url))


/** Every byte a zip stores for its entries, inflated, as text: to show a string is nowhere inside. */
function allEntryText(zip: Buffer): string {
  let text = ''
  let offset = 0
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const method = zip.readUInt16LE(offset + 8)
    const flags = zip.readUInt16LE(offset + 6)
    let size = zip.readUInt32LE(offset + 18)
    const nameLength = zip.readUInt16LE(offset + 26)
    const extraLength = zip.readUInt16LE(offset + 28)
    const start = offset + 30 + nameLength + extraLength
    if (flags & 0x08) {
      // Sizes follow in a data descriptor; find the next local header.
      const next = zip.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), start)
      size = next - start
      text += (method === 8 ? inflateRawSync(zip.subarray(start, start + size)) : zip.subarray(start, start + size)).toString('latin1')
      offset = next + 16
    } else {
      text += (method === 8 ? inflateRawSync(zip.subarray(start, start + size)) : zip.subarray(start, start + size)).toString('latin1')
      offset = start + size
    }
  }
  return text
}

function copySample(name: string): string {
  const dir = join(tempDir(), name)
  cpSync(join(repo, 'connectors', name), dir, {recursive: true})
  return dir
}

describe('packageConnectors --kind connector', () => {
  it('zips the sample connectors in the repository layout, at the zip root, in canonical order', async () => {
    const cwd = tempDir()
    const dir = copySample('azure-resource-manager')
    const result = await packageConnectors({paths: [dir]}, areaTestContext(cwd))
    expect(result).toMatchObject({kind: 'connector', validated: true})
    const [pkg] = result.packages
    expect(pkg).toMatchObject({name: 'azure-resource-manager', title: 'Azure Resource Manager', output: 'dist/azure-resource-manager.zip', secretsRemoved: [], leftOut: []})
    expect(pkg!.files.map((f) => f.path)).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md'])
    const files = await readZip(join(cwd, 'dist', 'azure-resource-manager.zip'))
    expect([...files.keys()]).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md'])
    for (const name of files.keys()) expect(files.get(name)!.equals(readFileSync(join(dir, name))), name).toBe(true)
    expect(pkg!.bytes).toBe(readFileSync(join(cwd, 'dist', 'azure-resource-manager.zip')).length)
    execFileSync('unzip', ['-tq', join(cwd, 'dist', 'azure-resource-manager.zip')])
  })

  it('gives byte-identical zips for the same folder: other times, other modes, another place', async () => {
    const cwd = tempDir()
    const first = copySample('open-meteo-weather')
    const a = await packageConnectors({paths: [first], out: 'a.zip'}, areaTestContext(cwd))
    const second = copySample('open-meteo-weather')
    utimesSync(join(second, 'apiDefinition.swagger.json'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'))
    chmodSync(join(second, 'icon.png'), 0o600)
    chmodSync(join(second, 'readme.md'), 0o755)
    const b = await packageConnectors({paths: [second], out: 'b.zip'}, areaTestContext(cwd))
    expect(readFileSync(join(cwd, 'b.zip')).equals(readFileSync(join(cwd, 'a.zip')))).toBe(true)
    expect(b.packages[0]!.sha256).toBe(a.packages[0]!.sha256)
  })

  it('strips every clientSecret, in connection parameters and parameter sets, and reports it without the value', async () => {
    const cwd = tempDir()
    const dir = join(cwd, 'secretive')
    await scaffoldConnector({name: 'secretive', auth: 'oauth2'}, areaTestContext(cwd))
    const properties = JSON.parse(readFileSync(join(dir, 'apiProperties.json'), 'utf8'))
    const token = properties.properties.connectionParameters.token
    token.oAuthSettings.clientSecret = 'hunter2-top-secret'
    properties.properties.connectionParameterSets = {values: [{name: 'oauth', parameters: {token: {type: 'oauthSetting', oAuthSettings: {...token.oAuthSettings, ClientSecret: 'second-secret-value'}}}}]}
    delete properties.properties.connectionParameters
    properties.properties.connectionParameters = {}
    properties.properties.connectionParameterSets.values.push({name: 'other', parameters: {token: {type: 'oauthSetting', oAuthSettings: {identityProvider: 'oauth2', clientSecret: 'third-secret-value'}}}})
    writeFileSync(join(dir, 'apiProperties.json'), JSON.stringify(properties, null, 2))
    const ctx = areaTestContext(cwd)
    // Parameter sets without uiDefinition are a validation error; the secrets are what this test is about.
    const result = await packageConnectors({paths: [dir], validate: false}, ctx)
    const pkg = result.packages[0]!
    expect(pkg.secretsRemoved).toEqual([
      '/properties/connectionParameterSets/values/0/parameters/token/oAuthSettings/clientSecret',
      '/properties/connectionParameterSets/values/0/parameters/token/oAuthSettings/ClientSecret',
      '/properties/connectionParameterSets/values/1/parameters/token/oAuthSettings/clientSecret',
    ])
    expect(ctx.warnings).toHaveLength(3)
    expect(ctx.warnings[0]).toMatch(/secretive: left the client secret at apiProperties\.json#\/properties\/connectionParameterSets\/values\/0\/.*out of the zip/)
    const zip = readFileSync(join(cwd, 'dist', 'secretive.zip'))
    const text = allEntryText(zip)
    for (const secret of ['hunter2-top-secret', 'second-secret-value', 'third-secret-value']) {
      expect(text).not.toContain(secret)
      expect(JSON.stringify(result)).not.toContain(secret)
      expect(ctx.warnings.join('\n')).not.toContain(secret)
    }
    const packaged = JSON.parse((await readZip(zip)).get('apiProperties.json')!.toString('utf8'))
    expect(packaged.properties.connectionParameterSets.values[0].parameters.token.oAuthSettings.clientId).toBe('replace-with-your-client-id')
    expect(JSON.stringify(packaged)).not.toMatch(/clientsecret/i)
  })

  it('strips the client secret paconn users keep in connectionParameters, with validation on', async () => {
    const cwd = tempDir()
    await scaffoldConnector({name: 'entra', auth: 'aad'}, areaTestContext(cwd))
    const path = join(cwd, 'entra', 'apiProperties.json')
    const properties = JSON.parse(readFileSync(path, 'utf8'))
    properties.properties.connectionParameters.token.oAuthSettings.clientSecret = 'paconn-secret-value'
    writeFileSync(path, JSON.stringify(properties, null, 2))
    const ctx = areaTestContext(cwd)
    const result = await packageConnectors({paths: [join(cwd, 'entra')]}, ctx)
    expect(result.packages[0]!.secretsRemoved).toEqual(['/properties/connectionParameters/token/oAuthSettings/clientSecret'])
    expect(allEntryText(readFileSync(join(cwd, 'dist', 'entra.zip')))).not.toContain('paconn-secret-value')
    expect(ctx.warnings).toHaveLength(1)
  })

  it('writes a YAML definition as JSON and leaves out files that are not part of a connector', async () => {
    const cwd = tempDir()
    const dir = copySample('open-meteo-weather')
    const swagger = JSON.parse(readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8'))
    const {dump} = await import('js-yaml')
    writeFileSync(join(dir, 'apiDefinition.swagger.yaml'), dump(swagger))
    execFileSync('rm', [join(dir, 'apiDefinition.swagger.json')])
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({environment: 'abc', apiDefinition: 'apiDefinition.swagger.yaml'}))
    writeFileSync(join(dir, 'notes.txt'), 'private')
    const result = await packageConnectors({paths: [dir]}, areaTestContext(cwd))
    const pkg = result.packages[0]!
    expect(pkg.files[0]).toEqual({path: 'apiDefinition.swagger.json', from: 'apiDefinition.swagger.yaml'})
    expect(pkg.leftOut).toEqual(['notes.txt', 'settings.json'])
    expect(pkg.notes).toEqual(['apiDefinition.swagger.yaml written as apiDefinition.swagger.json'])
    const files = await readZip(join(cwd, 'dist', 'open-meteo-weather.zip'))
    expect(JSON.parse(files.get('apiDefinition.swagger.json')!.toString('utf8'))).toEqual(swagger)
    expect([...files.keys()]).not.toContain('settings.json')
  })

  it('refuses links and settings.json entries that lead outside the connector folder', async () => {
    const cwd = tempDir()
    const outside = join(cwd, 'outside.png')
    writeFileSync(outside, 'not the connector')
    const linked = copySample('open-meteo-weather')
    execFileSync('rm', [join(linked, 'icon.png')])
    symlinkSync(outside, join(linked, 'icon.png'))
    const link = await ccErrorOf(packageConnectors({paths: [linked]}, areaTestContext(cwd)))
    expect(link.code).toBe('PACKAGE_PATH_ESCAPES')
    expect(link.message).toMatch(/icon\.png is a link to .*outside\.png, outside the connector folder/)
    expect(existsSync(join(cwd, 'dist'))).toBe(false)

    const named = copySample('azure-resource-manager')
    writeFileSync(join(named, 'settings.json'), JSON.stringify({apiDefinition: '../../secrets/apiDefinition.swagger.json'}))
    const dotdot = await ccErrorOf(packageConnectors({paths: [named]}, areaTestContext(cwd)))
    expect(dotdot.code).toBe('PACKAGE_PATH_ESCAPES')
    expect(dotdot.file).toBe(join(named, 'settings.json'))

    const inside = copySample('open-meteo-weather')
    execFileSync('mv', [join(inside, 'readme.md'), join(inside, 'README.source.md')])
    symlinkSync('README.source.md', join(inside, 'readme.md'))
    const ok = await packageConnectors({paths: [inside], out: 'inside.zip'}, areaTestContext(cwd))
    expect(ok.packages[0]!.files.map((f) => f.path)).not.toContain('readme.md') // links are not followed
    expect(ok.packages[0]!.leftOut).toEqual(['README.source.md', 'readme.md'])
  })

  it('validates first: an error stops packaging with exit code 3 and writes nothing', async () => {
    const cwd = tempDir()
    const dir = copySample('open-meteo-weather')
    writeFileSync(join(dir, 'apiProperties.json'), '{"properties": {"iconBrandColor": "#e8590c",}}')
    const error = await ccErrorOf(packageConnectors({paths: [dir]}, areaTestContext(cwd)))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.exitCode).toBe(ExitCode.findings)
    expect(existsSync(join(cwd, 'dist'))).toBe(false)
    const unreadable = await ccErrorOf(packageConnectors({paths: [dir], validate: false}, areaTestContext(cwd)))
    expect(unreadable.code).toBe('CONNECTOR_UNREADABLE')
    expect(existsSync(join(cwd, 'dist'))).toBe(false)
  })

  it('finds the connectors itself: the current folder, else the project connectors folder', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'cc.yaml'), 'connectors: src\n')
    mkdirSync(join(root, 'src'))
    cpSync(join(repo, 'connectors'), join(root, 'src'), {recursive: true})
    mkdirSync(join(root, 'src', 'not-a-connector'))
    const all = await packageConnectors({}, areaTestContext(root))
    expect(all.packages.map((p) => p.output)).toEqual(['dist/azure-resource-manager.zip', 'dist/open-meteo-weather.zip'])
    const one = await packageConnectors({}, areaTestContext(join(root, 'src', 'open-meteo-weather')))
    expect(one.packages.map((p) => p.output)).toEqual(['dist/open-meteo-weather.zip'])
    const folder = await packageConnectors({out: 'zips'}, areaTestContext(root))
    expect(folder.packages.map((p) => p.output)).toEqual(['zips/azure-resource-manager.zip', 'zips/open-meteo-weather.zip'])
    const tooMany = await ccErrorOf(packageConnectors({out: 'one.zip'}, areaTestContext(root)))
    expect(tooMany).toMatchObject({code: 'PACKAGE_OUT_IS_FILE', exitCode: ExitCode.usage})
    const empty = await ccErrorOf(packageConnectors({}, areaTestContext(tempDir())))
    expect(empty).toMatchObject({code: 'PACKAGE_NOTHING_TO_PACKAGE', exitCode: ExitCode.usage})
    const missing = await ccErrorOf(packageConnectors({paths: ['nope']}, areaTestContext(root)))
    expect(missing).toMatchObject({code: 'PATH_NOT_FOUND', exitCode: ExitCode.usage})
  })

  it('packages every scaffolded template cleanly', async () => {
    const cwd = tempDir()
    const ctx = areaTestContext(cwd)
    const names: string[] = []
    for (const auth of ['none', 'basic', 'apikey', 'oauth2', 'aad'] as const) {
      await scaffoldConnector({name: `t-${auth}`, auth, script: true}, ctx)
      names.push(`t-${auth}`)
    }
    await scaffoldConnector({name: 't-mi', auth: 'aad', managedIdentity: true}, ctx)
    names.push('t-mi')
    const result = await packageConnectors({paths: names}, ctx)
    expect(result.packages.map((p) => p.output)).toEqual(names.map((n) => `dist/${n}.zip`))
    expect(result.packages.every((p) => p.secretsRemoved.length === 0 && p.leftOut.length === 0)).toBe(true)
    expect(ctx.warnings).toEqual([])
  })
})

describe('stripSecrets', () => {
  it('removes the clientSecret of every OAuth setting, in any case, and keeps everything else in order', () => {
    const clientSecretParameter = {type: 'securestring', uiDefinition: {displayName: 'Client secret'}}
    const input = {
      properties: {
        a: 1,
        connectionParameters: {token: {oAuthSettings: {clientId: 'x', clientSecret: 's', scopes: []}}, clientSecret: clientSecretParameter},
        connectionParameterSets: {values: [{parameters: {token: {oAuthSettings: {CLIENTSECRET: 'y'}}}}]},
      },
    }
    const {value, removed} = stripSecrets(input)
    expect(value).toEqual({
      properties: {a: 1, connectionParameters: {token: {oAuthSettings: {clientId: 'x', scopes: []}}, clientSecret: clientSecretParameter}, connectionParameterSets: {values: [{parameters: {token: {oAuthSettings: {}}}}]}},
    })
    expect(Object.keys(value.properties.connectionParameters.token.oAuthSettings)).toEqual(['clientId', 'scopes'])
    expect(removed).toEqual(['/properties/connectionParameters/token/oAuthSettings/clientSecret', '/properties/connectionParameterSets/values/0/parameters/token/oAuthSettings/CLIENTSECRET'])
    expect(input.properties.connectionParameters.token.oAuthSettings.clientSecret).toBe('s') // the input is not changed
  })
})
