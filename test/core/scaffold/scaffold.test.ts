import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {loadConnector} from '../../../src/core/connector/load.js'
import {ExitCode} from '../../../src/core/exit-codes.js'
import {checkConnectorName, titleFromName} from '../../../src/core/scaffold/names.js'
import {scaffoldConnector} from '../../../src/core/scaffold/scaffold.js'
import {authKinds} from '../../../src/core/scaffold/templates.js'
import {preflightValidate} from '../../../src/core/validate/preflight.js'
import {validateConnectors} from '../../../src/core/validate/validate.js'
import {areaTestContext, ccErrorOf} from '../../helpers/scaffold-context.js'
import {tempDir} from '../../helpers/temp-dir.js'

const variants = [...authKinds.map((auth) => ({auth, managedIdentity: false})), {auth: 'aad' as const, managedIdentity: true}]


describe('scaffoldConnector: templates', () => {
  for (const {auth, managedIdentity} of variants) {
    for (const script of [false, true]) {
      it(`--auth ${auth}${managedIdentity ? ' --managed-identity' : ''}${script ? ' --script' : ''}: a complete connector that loads and passes the pre-flight check`, async () => {
        const cwd = tempDir()
        const ctx = areaTestContext(cwd)
        const result = await scaffoldConnector({name: 'contoso-orders', auth, managedIdentity, script}, ctx)
        const dir = join(cwd, 'contoso-orders')
        expect(result.dir).toBe('contoso-orders')
        expect(result.auth).toBe(auth)
        expect(result.files.sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md', ...(script ? ['script.csx'] : [])].sort())
        expect(readdirSync(dir).sort()).toEqual(result.files.sort())
        for (const file of result.files.filter((f) => f !== 'icon.png')) {
          expect(readFileSync(join(dir, file), 'utf8'), `${file} still has a placeholder`).not.toMatch(/\{\{\w+\}\}/)
        }

        const connector = await loadConnector(dir)
        expect(connector.problems.filter((p) => p.severity === 'error')).toEqual([])
        await expect(preflightValidate([connector], {cwd})).resolves.toBeUndefined()

        const swagger = connector.apiDefinition!.value!
        const properties = connector.apiProperties!.value!.properties!
        expect(swagger.info?.title).toBe('Contoso Orders')
        expect(String(swagger.info?.description).length).toBeGreaterThanOrEqual(30)
        expect(properties.iconBrandColor).toBe('#5c2d91')
        expect(JSON.stringify(connector.apiProperties!.value)).not.toMatch(/clientSecret/i)
        const definitions = Object.values(swagger.securityDefinitions ?? {})
        if (auth === 'none') {
          expect(definitions).toEqual([])
          expect(properties.connectionParameters).toEqual({})
        } else {
          expect(definitions).toHaveLength(1)
          expect(definitions[0]!.type).toBe({basic: 'basic', apikey: 'apiKey', oauth2: 'oauth2', aad: 'oauth2'}[auth])
        }
        if (script) {
          const id = properties.scriptOperations![0]!
          expect(result.operations).toContain(id)
          expect(connector.script!.text).toMatch(/public class Script : ScriptBase/)
          expect(connector.script!.text).toMatch(/public override async Task<HttpResponseMessage> ExecuteAsync\(\)/)
          expect(connector.script!.text).toContain(`Context.OperationId == "${id}"`)
        } else {
          expect(properties.scriptOperations).toBeUndefined()
        }
      })
    }
  }

  it('every template, and both sample connectors, pass cc validate --profile certification with zero errors', async () => {
    const cwd = tempDir()
    const ctx = areaTestContext(cwd)
    const paths: string[] = []
    for (const {auth, managedIdentity} of variants) {
      const name = `cert-${auth}${managedIdentity ? '-mi' : ''}`
      await scaffoldConnector({name, auth, managedIdentity, script: true}, ctx)
      paths.push(name)
    }
    const repo = fileURLToPath(new URL('../../../', import.meta.url))
    paths.push(join(repo, 'connectors', 'azure-resource-manager'), join(repo, 'connectors', 'open-meteo-weather'))
    const result = await validateConnectors({paths, profile: 'certification'}, ctx)
    expect(result.connectors).toHaveLength(paths.length)
    expect(result.connectors.flatMap((c) => c.findings.filter((f) => f.severity === 'error').map((f) => `${c.path}: ${f.ruleId} ${f.message}`))).toEqual([])
    // The one warning a template keeps on purpose: its sample host, which the author replaces.
    const warnings = result.connectors.flatMap((c) => c.findings.filter((f) => f.severity === 'warning').map((f) => `${c.name}: ${f.ruleId}`))
    expect(warnings).toEqual(variants.map(({auth, managedIdentity}) => `cert-${auth}${managedIdentity ? '-mi' : ''}: host/production`))
  })

  it('writes the managed-identity form of the shared contract exactly, without a client secret', async () => {
    const cwd = tempDir()
    await scaffoldConnector({name: 'orders', auth: 'aad', managedIdentity: true}, areaTestContext(cwd))
    const token = JSON.parse(readFileSync(join(cwd, 'orders', 'apiProperties.json'), 'utf8')).properties.connectionParameters.token
    const settings = token.oAuthSettings
    expect(token.type).toBe('oauthSetting')
    expect(Object.keys(settings)).toEqual(['identityProvider', 'clientId', 'scopes', 'redirectMode', 'redirectUrl', 'properties', 'customParameters'])
    expect(settings).toMatchObject({identityProvider: 'aad', scopes: [], redirectMode: 'GlobalPerConnector', redirectUrl: 'https://global.consent.azure-apim.net/redirect'})
    expect(settings.properties).toEqual({IsFirstParty: 'False', AzureActiveDirectoryResourceId: 'https://api.contoso.com', IsOnbehalfofLoginSupported: false, UseManagedIdentity: 'True'})
    expect(Object.keys(settings.customParameters)).toEqual(['loginUri', 'tenantId', 'resourceUri', 'enableOnbehalfOfLogin'])
    expect(settings.customParameters.tenantId.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(settings.customParameters.resourceUri.value).toBe(settings.properties.AzureActiveDirectoryResourceId)
    expect(settings.clientSecret).toBeUndefined()
  })

  it('refuses --managed-identity with another auth kind as a usage error', async () => {
    const cwd = tempDir()
    const error = await ccErrorOf(scaffoldConnector({name: 'orders', auth: 'basic', managedIdentity: true}, areaTestContext(cwd)))
    expect(error.code).toBe('SCAFFOLD_MANAGED_IDENTITY_NEEDS_AAD')
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(existsSync(join(cwd, 'orders'))).toBe(false)
  })

  it('takes --managed-identity alone to mean Entra ID', async () => {
    const cwd = tempDir()
    const result = await scaffoldConnector({name: 'orders', managedIdentity: true}, areaTestContext(cwd))
    expect(result.auth).toBe('aad')
    expect(result.managedIdentity).toBe(true)
  })

  it('writes the readme with the operations and the credentials section of the auth kind', async () => {
    const cwd = tempDir()
    await scaffoldConnector({name: 'orders', auth: 'apikey'}, areaTestContext(cwd))
    const readme = readFileSync(join(cwd, 'orders', 'readme.md'), 'utf8')
    expect(readme).toMatch(/^# Orders\n/)
    expect(readme).toContain('- **List items** (`ListItems`)')
    expect(readme).toContain('sent in the `X-API-Key` header')
  })
})

describe('scaffoldConnector: target folder', () => {
  it('refuses a folder that is not empty without --force, and never asks without a terminal', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'orders'))
    writeFileSync(join(cwd, 'orders', 'notes.txt'), 'mine')
    let asked = false
    const error = await ccErrorOf(scaffoldConnector({name: 'orders', confirmOverwrite: async () => (asked = true)}, areaTestContext(cwd)))
    expect(error.code).toBe('SCAFFOLD_TARGET_NOT_EMPTY')
    expect(error.exitCode).toBe(ExitCode.failed)
    expect(error.suggestions.join(' ')).toContain('--force')
    expect(asked).toBe(false)
    expect(readdirSync(join(cwd, 'orders'))).toEqual(['notes.txt'])
  })

  it('asks on a terminal, and stops when the answer is no', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'orders'))
    writeFileSync(join(cwd, 'orders', 'notes.txt'), 'mine')
    const questions: string[] = []
    const ctx = areaTestContext(cwd, {interactive: true})
    const no = await ccErrorOf(scaffoldConnector({name: 'orders', confirmOverwrite: async (dir) => (questions.push(dir), false)}, ctx))
    expect(no.code).toBe('SCAFFOLD_TARGET_NOT_EMPTY')
    expect(questions).toEqual([join(cwd, 'orders')])
    const yes = await scaffoldConnector({name: 'orders', confirmOverwrite: async () => true}, ctx)
    expect(yes.replaced).toBe(true)
  })

  it('with --force replaces the connector files, removes stale ones and keeps the rest', async () => {
    const cwd = tempDir()
    const ctx = areaTestContext(cwd)
    await scaffoldConnector({name: 'orders', auth: 'oauth2', script: true}, ctx)
    writeFileSync(join(cwd, 'orders', 'notes.txt'), 'mine')
    writeFileSync(join(cwd, 'orders', 'apiDefinition.swagger.yaml'), 'swagger: "2.0"\n')
    const result = await scaffoldConnector({name: 'orders', auth: 'none', force: true}, ctx)
    expect(result.replaced).toBe(true)
    expect(result.removed).toEqual(['apiDefinition.swagger.yaml', 'script.csx'])
    expect(readdirSync(join(cwd, 'orders')).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'notes.txt', 'readme.md'])
    const connector = await loadConnector(join(cwd, 'orders'))
    expect(connector.apiDefinition!.value!.securityDefinitions).toBeUndefined()
  })

  it('goes under the connectors folder that cc.yaml names, unless --out says otherwise', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'cc.yaml'), 'connectors: src/connectors\n')
    mkdirSync(join(root, 'sub'))
    const ctx = areaTestContext(join(root, 'sub'))
    const result = await scaffoldConnector({name: 'orders'}, ctx)
    expect(existsSync(join(root, 'src', 'connectors', 'orders', 'apiDefinition.swagger.json'))).toBe(true)
    expect(result.dir).toBe(join(root, 'src', 'connectors', 'orders')) // outside the current folder: shown absolute
    const out = await scaffoldConnector({name: 'orders', out: 'here'}, ctx)
    expect(out.dir).toBe('here')
    expect(existsSync(join(root, 'sub', 'here', 'apiProperties.json'))).toBe(true)
  })

  it('refuses a file as the target and names that are not one folder name', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'orders'), 'x')
    expect((await ccErrorOf(scaffoldConnector({name: 'orders'}, areaTestContext(cwd)))).code).toBe('SCAFFOLD_TARGET_IS_FILE')
    for (const bad of ['../up', 'a/b', '', ' lead', 'trail.', 'x'.repeat(81)]) {
      const error = await ccErrorOf(scaffoldConnector({name: bad}, areaTestContext(cwd)))
      expect(error.code, bad).toBe('SCAFFOLD_INVALID_NAME')
      expect(error.exitCode).toBe(ExitCode.usage)
    }
  })
})

describe('connector names and titles', () => {
  it('makes certification-friendly titles', () => {
    expect(titleFromName('contoso-orders').title).toBe('Contoso Orders')
    expect(titleFromName('contosoOrders_v2').title).toBe('Contoso Orders V2')
    const restricted = titleFromName('contoso-api-connector')
    expect(restricted.title).toBe('Contoso')
    expect(restricted.notes[0]).toMatch(/API/)
    const long = titleFromName('the-very-long-name-of-a-contoso-service-for-orders')
    expect(long.title.length).toBeLessThanOrEqual(30)
    expect(long.title).toMatch(/[A-Za-z0-9]$/)
    expect(titleFromName('api').title).toBe('Api')
  })

  it('accepts the folder names the corpus uses', () => {
    for (const ok of ['AgilePoint NX', 'U.K. Government Bank Holidays', 'azure-resource-manager', 'x']) expect(() => checkConnectorName(ok)).not.toThrow()
  })
})

describe('scaffoldConnector --from', () => {
  const fixtures = join(import.meta.dirname, '..', 'openapi', 'fixtures')

  it('starts from an OpenAPI 3 file: title, description and OAuth settings come from it', async () => {
    const cwd = tempDir()
    const ctx = areaTestContext(cwd)
    const result = await scaffoldConnector({name: 'petstore', from: join(fixtures, 'petstore-3.0.yaml'), script: true}, ctx)
    expect(result).toMatchObject({title: 'Swagger Petstore', auth: 'oauth2', operations: ['listPets', 'createPets', 'GetPetsByPetId', 'uploadPhoto']})
    expect(result.from).toMatchObject({syntax: 'yaml', version: '3.0.3', converted: true})
    expect(result.from!.notConverted.length).toBeGreaterThan(5)
    expect(ctx.warnings.some((w) => /could not be converted/.test(w))).toBe(true)
    const connector = await loadConnector(join(cwd, 'petstore'))
    expect(connector.problems.filter((p) => p.severity === 'error')).toEqual([])
    await expect(preflightValidate([connector], {cwd})).resolves.toBeUndefined()
    const settings = connector.apiProperties!.value!.properties!.connectionParameters!.token!.oAuthSettings!
    expect(settings.scopes).toEqual(['read:pets', 'write:pets'])
    expect(settings.customParameters).toEqual({
      authorizationUrl: {value: 'https://auth.petstore.example.com/authorize'},
      tokenUrl: {value: 'https://auth.petstore.example.com/token'},
      refreshUrl: {value: 'https://auth.petstore.example.com/token'},
    })
    expect(connector.apiProperties!.value!.properties!.scriptOperations).toEqual(['GetPetsByPetId'])
    expect(connector.readme!.text).toContain('- **Info for a specific pet** (`GetPetsByPetId`)')
  })

  it('takes the Entra ID resource from the scopes of an OpenAPI 3.1 file', async () => {
    const cwd = tempDir()
    const result = await scaffoldConnector({name: 'tickets', from: join(fixtures, 'features-3.1.json'), managedIdentity: true}, areaTestContext(cwd))
    expect(result).toMatchObject({auth: 'aad', managedIdentity: true})
    const settings = JSON.parse(readFileSync(join(cwd, 'tickets', 'apiProperties.json'), 'utf8')).properties.connectionParameters.token.oAuthSettings
    expect(settings.customParameters.resourceUri).toEqual({value: 'api://5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'})
    expect(settings.properties.AzureActiveDirectoryResourceId).toBe('api://5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c')
    expect(settings.properties.UseManagedIdentity).toBe('True')
  })

  it('lets --auth replace the security scheme of the file, and refuses --managed-identity for a non-Entra file', async () => {
    const cwd = tempDir()
    const result = await scaffoldConnector({name: 'petstore', from: join(fixtures, 'petstore-3.0.yaml'), auth: 'none'}, areaTestContext(cwd))
    expect(result.notes.join('\n')).toMatch(/left out the security scheme "petstore_auth"/)
    const swagger = JSON.parse(readFileSync(join(cwd, 'petstore', 'apiDefinition.swagger.json'), 'utf8'))
    expect(swagger.securityDefinitions).toBeUndefined()
    expect(swagger.security).toBeUndefined()
    const apikey = await scaffoldConnector({name: 'keyed', from: join(fixtures, 'petstore-3.0.yaml'), auth: 'apikey'}, areaTestContext(cwd))
    expect(apikey.auth).toBe('apikey')
    expect(JSON.parse(readFileSync(join(cwd, 'keyed', 'apiDefinition.swagger.json'), 'utf8')).securityDefinitions).toEqual({api_key: {type: 'apiKey', in: 'header', name: 'X-API-Key'}})
    const error = await ccErrorOf(scaffoldConnector({name: 'mi', from: join(fixtures, 'petstore-3.0.yaml'), managedIdentity: true}, areaTestContext(cwd)))
    expect(error).toMatchObject({code: 'SCAFFOLD_MANAGED_IDENTITY_NEEDS_AAD', exitCode: ExitCode.usage})
  })
})
