import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {CcError} from '../../../src/core/errors.js'
import {deploymentSettings, mergeEnvVarDefinitions} from '../../../src/core/solution/env-vars.js'
import {prepareSolution, type PrepareSolutionOptions} from '../../../src/core/solution/prepare.js'
import {ccErrorOf, solutionTestContext, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(process.env.CC_TEST_ROOT ?? tmpdir(), 'cc-env-'))
  writeSampleConnector(join(root, 'payments'))
})
afterEach(() => rmSync(root, {recursive: true, force: true}))

async function prepare(options: Partial<PrepareSolutionOptions>) {
  const context = solutionTestContext(root)
  // These tests are about environment variables, not about the validator: pre-flight validation is off.
  const prepared = await prepareSolution({connectors: ['payments'], publisherPrefix: 'contoso', project: null, noValidate: true, ...options}, context)
  const text = (suffix: string) => String(prepared.files.find((f) => f.path.endsWith(suffix))!.data)
  return {prepared, context, text}
}

function failure(options: Partial<PrepareSolutionOptions>): Promise<CcError> {
  return ccErrorOf(prepare(options))
}

describe('environment variables in solutions', () => {
  it('turns host, base path and OAuth values into references, with the current values as defaults', async () => {
    const {prepared, text} = await prepare({envVars: ['host', 'basePath', 'clientId', 'resourceUri', 'tenantId=contoso_TenantId']})
    const swaggerText = text('_openapidefinition.json')
    expect(JSON.parse(swaggerText)).toMatchObject({host: '@environmentVariables("contoso_ContosoPaymentsAPIHost")', basePath: '@environmentVariables("contoso_ContosoPaymentsAPIBasePath")'})
    // The rest of the author's text is kept as written.
    const original = readFileSync(join(root, 'payments', 'apiDefinition.swagger.json'), 'utf8')
    const withoutTargets = (t: string) => t.replace(/"host": "(?:[^"\\]|\\.)*"/, '').replace(/"basePath": "(?:[^"\\]|\\.)*"/, '')
    expect(withoutTargets(swaggerText)).toBe(withoutTargets(original))
    expect(withoutTargets(swaggerText)).not.toContain('api.contoso.com"')

    const oauth = JSON.parse(text('_connectionparameters.json')).token.oAuthSettings
    expect(oauth.clientId).toBe('@environmentVariables("contoso_ContosoPaymentsAPIClientId")')
    expect(oauth.customParameters.resourceUri.value).toBe('@environmentVariables("contoso_ContosoPaymentsAPIResourceUri")')
    expect(oauth.properties.AzureActiveDirectoryResourceId).toBe('@environmentVariables("contoso_ContosoPaymentsAPIResourceUri")')
    expect(oauth.customParameters.tenantId.value).toBe('@environmentVariables("contoso_TenantId")')
    expect(oauth.customParameters.loginUri.value).toBe('https://login.windows.net')

    expect(prepared.environmentVariables.map((v) => [v.schemaName, v.type, v.defaultValue])).toEqual([
      ['contoso_ContosoPaymentsAPIBasePath', 'String', '/v1'],
      ['contoso_ContosoPaymentsAPIClientId', 'String', '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'],
      ['contoso_ContosoPaymentsAPIHost', 'String', 'api.contoso.com'],
      ['contoso_ContosoPaymentsAPIResourceUri', 'String', 'https://api.contoso.com'],
      ['contoso_TenantId', 'String', 'common'],
    ])
    expect(prepared.deploymentSettings).toEqual({
      EnvironmentVariables: [
        {SchemaName: 'contoso_ContosoPaymentsAPIBasePath', Value: '/v1'},
        {SchemaName: 'contoso_ContosoPaymentsAPIClientId', Value: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c'},
        {SchemaName: 'contoso_ContosoPaymentsAPIHost', Value: 'api.contoso.com'},
        {SchemaName: 'contoso_ContosoPaymentsAPIResourceUri', Value: 'https://api.contoso.com'},
        {SchemaName: 'contoso_TenantId', Value: 'common'},
      ],
      ConnectionReferences: [],
    })
    const roots = text('solution.xml').match(/<RootComponent type="380"[^>]*>/g)
    expect(roots).toHaveLength(5)
  })

  it('makes the client secret a Secret-typed variable whose value is never written anywhere', async () => {
    const {prepared, context, text} = await prepare({envVars: ['clientSecret']})
    const oauth = JSON.parse(text('_connectionparameters.json')).token.oAuthSettings
    expect(oauth.clientSecret).toBe('@environmentVariables("contoso_ContosoPaymentsAPIClientSecret")')
    const [secret] = prepared.environmentVariables
    expect(secret).toMatchObject({schemaName: 'contoso_ContosoPaymentsAPIClientSecret', type: 'Secret'})
    expect(secret).not.toHaveProperty('defaultValue')
    const xml = text('contoso_ContosoPaymentsAPIClientSecret/environmentvariabledefinition.xml')
    expect(xml).toContain('<type>100000005</type>')
    expect(xml).toContain('<secretstore>0</secretstore>')
    expect(xml).not.toContain('defaultvalue')
    expect(prepared.deploymentSettings!.EnvironmentVariables).toEqual([{SchemaName: 'contoso_ContosoPaymentsAPIClientSecret', Value: ''}])
    for (const f of prepared.files) expect(String(f.data)).not.toContain('s3cret-value')
    expect(JSON.stringify(prepared.deploymentSettings)).not.toContain('s3cret-value')
    expect(context.warnings.some((w) => w.includes('contoso_ContosoPaymentsAPIClientSecret') && w.includes('Key Vault'))).toBe(true)
    expect(context.warnings.some((w) => w.includes('was left out'))).toBe(false)
  })

  it('keeps an existing reference, and warns about references the solution does not define', async () => {
    const file = join(root, 'payments', 'apiDefinition.swagger.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace('"api.contoso.com"', '"@environmentVariables(\\"contoso_Host\\")"'))
    const kept = await prepare({envVars: ['host']})
    expect(kept.prepared.environmentVariables).toEqual([expect.objectContaining({schemaName: 'contoso_Host', type: 'String'})])
    expect(kept.prepared.environmentVariables[0]).not.toHaveProperty('defaultValue')
    const bare = await prepare({})
    expect(bare.context.warnings.some((w) => w.includes('contoso_Host') && w.includes('does not define'))).toBe(true)
  })

  it('explains values the connector does not have, and bad schema names', async () => {
    writeSampleConnector(join(root, 'payments'), {})
    const file = join(root, 'payments', 'apiProperties.json')
    writeFileSync(file, JSON.stringify({properties: {connectionParameters: {api_key: {type: 'securestring'}}}}))
    const missing = await failure({envVars: ['clientId']})
    expect(missing.code).toBe('ENV_VAR_TARGET_MISSING')
    expect(missing.file).toBe(join(root, 'payments', 'apiProperties.json'))
    expect(missing.suggestions[0]).toContain('--env-var')

    const prefix = await failure({envVars: ['host=other_Host']})
    expect(prefix.code).toBe('ENV_VAR_SCHEMA_NAME_INVALID')
    expect(prefix.message).toContain('"contoso_"')

    const unknown = await failure({envVars: ['nosuch:host']})
    expect(unknown.code).toBe('ENV_VAR_UNKNOWN_CONNECTOR')
  })

  it('merges one schema name used by several connectors only when the values agree', async () => {
    writeSampleConnector(join(root, 'refunds'), {title: 'Contoso Refunds API'})
    const shared = await prepare({connectors: ['payments', 'refunds'], envVars: ['host=contoso_ApiHost']})
    expect(shared.prepared.environmentVariables).toHaveLength(1)
    expect(shared.prepared.environmentVariables[0]!.usedBy.map((u) => u.connector)).toEqual(['contoso_contoso-20payments-20api', 'contoso_contoso-20refunds-20api'])

    const file = join(root, 'refunds', 'apiDefinition.swagger.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace('"api.contoso.com"', '"refunds.contoso.com"'))
    const conflict = await failure({connectors: ['payments', 'refunds'], envVars: ['host=contoso_ApiHost']})
    expect(conflict.code).toBe('ENV_VAR_CONFLICT')
    expect(conflict.message).toContain('refunds.contoso.com')

    const perConnector = await prepare({connectors: ['payments', 'refunds'], envVars: ['host']})
    expect(perConnector.prepared.environmentVariables.map((v) => v.defaultValue)).toEqual(['api.contoso.com', 'refunds.contoso.com'])
  })

  it('builds deployment settings with empty values only where no value may be written', () => {
    const merged = mergeEnvVarDefinitions([
      {schemaName: 'b_Two', displayName: 'x', description: 'x', type: 'Secret', usedBy: [{connector: 'c', target: 'clientSecret'}]},
      {schemaName: 'b_One', displayName: 'x', description: 'x', type: 'String', defaultValue: 'v', usedBy: [{connector: 'c', target: 'host'}]},
    ])
    expect(deploymentSettings(merged).EnvironmentVariables).toEqual([
      {SchemaName: 'b_One', Value: 'v'},
      {SchemaName: 'b_Two', Value: ''},
    ])
  })
})
