import {describe, expect, it} from 'vitest'

import type {ApiProperties, Swagger} from '../../../src/core/connector/types.js'
import {CcError} from '../../../src/core/errors.js'
import {injectSecret, settingsNeedingSecret, stripSecrets} from '../../../src/core/push/oauth.js'
import {applyParameters} from '../../../src/core/push/parameters.js'
import {backendServiceUrl, upsertBody} from '../../../src/core/push/rp-surface.js'

const swagger: Swagger = {
  swagger: '2.0',
  info: {title: 'Contoso', description: 'd', version: '1'},
  host: 'api.contoso.com',
  basePath: '/v1',
  schemes: ['https'],
  paths: {},
  securityDefinitions: {oauth2: {type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://login/authorize', tokenUrl: 'https://login/token', scopes: {}}},
}

const aad = (): ApiProperties => ({
  properties: {
    connectionParameters: {
      token: {
        type: 'oauthSetting',
        oAuthSettings: {identityProvider: 'aad', clientId: 'dev-client', scopes: [], properties: {AzureActiveDirectoryResourceId: 'https://api.contoso.com'}, customParameters: {resourceUri: {value: 'https://api.contoso.com'}, tenantId: {value: 'common'}}},
      },
    },
    connectionParameterSets: {values: [{name: 'other', parameters: {token: {type: 'oauthSetting', oAuthSettings: {identityProvider: 'aad', clientId: 'set-client'}}}}]},
    iconBrandColor: '#da3b01',
  },
})

describe('environment parameters', () => {
  it('sets host, base path, the OAuth app of every OAuth setting, and values by pointer, on copies', () => {
    const props = aad()
    const result = applyParameters(swagger, props, {host: 'api-test.contoso.com', basePath: 'v2', clientId: 'test-client', resourceUri: 'api://contoso-test', tenantId: 'tid', tokenUrl: 'https://login-test/token', definition: {'/info/x-ms-api-annotation/status': 'Preview'}, properties: {'/properties/iconBrandColor': '#107c10'}}, 'cc.yaml')
    expect(result.applied).toEqual(['host', 'basePath', 'clientId', 'resourceUri', 'tenantId', 'tokenUrl', 'definition:/info/x-ms-api-annotation/status', 'properties:/properties/iconBrandColor'])
    expect(result.apiDefinition).toMatchObject({host: 'api-test.contoso.com', basePath: '/v2', info: {'x-ms-api-annotation': {status: 'Preview'}}, securityDefinitions: {oauth2: {tokenUrl: 'https://login-test/token'}}})
    const token = result.apiProperties.properties!.connectionParameters!.token!.oAuthSettings!
    expect(token).toMatchObject({clientId: 'test-client', properties: {AzureActiveDirectoryResourceId: 'api://contoso-test'}, customParameters: {resourceUri: {value: 'api://contoso-test'}, tenantId: {value: 'tid'}, tokenUrl: {value: 'https://login-test/token'}}})
    expect(result.apiProperties.properties!.connectionParameterSets!.values![0]!.parameters!.token!.oAuthSettings!.clientId).toBe('test-client')
    expect(result.apiProperties.properties!.iconBrandColor).toBe('#107c10')
    // The inputs are untouched.
    expect(swagger.host).toBe('api.contoso.com')
    expect(props.properties!.connectionParameters!.token!.oAuthSettings!.clientId).toBe('dev-client')
  })

  it('reports nothing applied when values are already right, and refuses OAuth values for a connector without OAuth', () => {
    expect(applyParameters(swagger, aad(), {host: 'api.contoso.com', clientId: 'dev-client'}, 'cc.yaml').applied).toEqual(['clientId'])
    expect(() => applyParameters(swagger, {properties: {connectionParameters: {}}}, {clientId: 'x'}, 'environments.dev in cc.yaml')).toThrow(CcError)
  })

  it('injects the client secret only where one is taken, and strips literal ones', () => {
    const props = aad()
    const mi = props.properties!.connectionParameterSets!.values![0]!.parameters!.token!.oAuthSettings!
    mi.properties = {UseManagedIdentity: 'True'}
    expect(settingsNeedingSecret(props)).toHaveLength(1)
    expect(injectSecret(props, 's3')).toBe(1)
    expect(props.properties!.connectionParameters!.token!.oAuthSettings!.clientSecret).toBe('s3')
    expect(mi.clientSecret).toBeUndefined()
    stripSecrets(props)
    expect(props.properties!.connectionParameters!.token!.oAuthSettings!.clientSecret).toBeUndefined()
  })

  it('builds the paconn body: backend service URL, environment, display name on create only, script kept unless removed', () => {
    expect(backendServiceUrl({...swagger, schemes: undefined as never, basePath: 'v1'})).toBe('//api.contoso.com/v1')
    const prepared = {apiDefinition: swagger, apiProperties: aad(), title: 'Contoso', description: 'd'} as never
    const create = upsertBody(prepared, 'Default-1', {create: true, iconUri: 'https://blob/icon.png?sig=x'})
    expect(Object.keys(create.properties)).toEqual(['connectionParameters', 'connectionParameterSets', 'iconBrandColor', 'openApiDefinition', 'backendService', 'environment', 'displayName', 'description', 'iconUri'])
    expect(create.properties).toMatchObject({backendService: {serviceUrl: 'https://api.contoso.com/v1'}, environment: {name: 'Default-1'}, displayName: 'Contoso'})
    const update = upsertBody(prepared, 'Default-1', {create: false})
    expect(update.properties).not.toHaveProperty('displayName')
    expect(update.properties).not.toHaveProperty('scriptDefinitionUrl')
    expect(upsertBody(prepared, 'Default-1', {create: false, removeScript: true}).properties.scriptDefinitionUrl).toBe('')
  })
})
