import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {importOpenApi} from '../../../src/core/openapi/import.js'
import {operationIdFor} from '../../../src/core/openapi/normalize.js'
import type {ImportedDefinition} from '../../../src/core/openapi/types.js'
import {areaTestContext, ccErrorOf} from '../../helpers/scaffold-context.js'
import {tempDir} from '../../helpers/temp-dir.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

async function load(name: string): Promise<ImportedDefinition> {
  return importOpenApi(join(fixtures, name), areaTestContext(fixtures))
}

const reasons = (notes: ImportedDefinition['notConverted'], pointer: string) => notes.filter((n) => n.pointer === pointer).map((n) => n.reason)


describe('importOpenApi: OpenAPI 3.0 (YAML)', () => {
  it('turns servers into host, basePath and schemes, and reports the servers it cannot keep', async () => {
    const result = await load('petstore-3.0.yaml')
    expect(result).toMatchObject({syntax: 'yaml', version: '3.0.3'})
    expect(result.swagger).toMatchObject({swagger: '2.0', host: 'petstore.example.com', basePath: '/v1', schemes: ['https', 'http']})
    expect(reasons(result.notConverted, '#/servers/2')[0]).toMatch(/one host.*staging\.petstore\.example\.com/)
  })

  it('rewrites components into definitions, parameters and responses, with their references', async () => {
    const {swagger} = await load('petstore-3.0.yaml')
    expect(Object.keys(swagger.definitions!)).toEqual(['Pet', 'Pets', 'NewPet', 'Cat', 'Dog', 'Error'])
    expect(swagger.definitions!.Pets).toEqual({type: 'array', maxItems: 100, items: {$ref: '#/definitions/Pet'}})
    expect(swagger.parameters).toEqual({TraceId: {name: 'X-Trace-Id', in: 'header', type: 'string', format: 'uuid'}})
    expect(swagger.responses!.Error).toEqual({description: 'unexpected error', schema: {$ref: '#/definitions/Error'}})
    const list = swagger.paths!['/pets']!.get as any
    expect(list.parameters).toContainEqual({$ref: '#/parameters/TraceId'})
    expect(list.responses['200'].schema).toEqual({$ref: '#/definitions/Pets'})
    expect(list.responses['200'].headers).toEqual({'x-next': {description: 'A link to the next page of responses', type: 'string'}})
    expect(list.responses['200'].examples).toEqual({'application/json': [{id: 1, name: 'Rex'}]})
    expect(list.produces).toEqual(['application/json'])
    expect(JSON.stringify(swagger)).not.toContain('#/components/')
  })

  it('converts parameters: arrays get a collectionFormat, nullable is reported, cookies are left out', async () => {
    const result = await load('petstore-3.0.yaml')
    const list = result.swagger.paths!['/pets']!.get as any
    expect(list.parameters[0]).toEqual({name: 'limit', in: 'query', description: 'How many items to return at one time (max 100)', required: false, type: 'integer', format: 'int32', maximum: 100})
    expect(list.parameters[1]).toEqual({name: 'tags', in: 'query', type: 'array', items: {type: 'string'}, collectionFormat: 'csv'})
    expect(list.parameters.some((p: any) => p.in === 'cookie')).toBe(false)
    expect(reasons(result.notConverted, '#/paths/~1pets/get/parameters/2')[0]).toMatch(/cookie parameter "session"/)
    expect(reasons(result.notConverted, '#/paths/~1pets/get/parameters/0/schema')[0]).toMatch(/cannot be null/)
  })

  it('turns request bodies into a body parameter or formData parameters', async () => {
    const result = await load('petstore-3.0.yaml')
    const create = result.swagger.paths!['/pets']!.post as any
    expect(create.parameters).toEqual([{name: 'body', in: 'body', required: true, schema: {$ref: '#/definitions/NewPet'}}])
    expect(create.consumes).toEqual(['application/json'])
    expect(reasons(result.notConverted, '#/paths/~1pets/post/requestBody/content/application~1x-www-form-urlencoded')[0]).toMatch(/one kind of body/)
    const upload = result.swagger.paths!['/pets/{petId}/photo']!.put as any
    expect(upload.consumes).toEqual(['multipart/form-data'])
    expect(upload.parameters.slice(1)).toEqual([
      {name: 'file', in: 'formData', type: 'file', required: true},
      {name: 'caption', in: 'formData', type: 'string', required: false, description: 'What the photo shows'},
    ])
  })

  it('reports callbacks, links, extra media types and discriminator mappings it leaves out', async () => {
    const result = await load('petstore-3.0.yaml')
    const pointers = result.notConverted.map((n) => n.pointer)
    expect(pointers).toEqual(
      expect.arrayContaining([
        '#/paths/~1pets/post/callbacks',
        '#/paths/~1pets/get/responses/200/links',
        '#/paths/~1pets/get/responses/200/content/application~1xml',
        '#/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/discriminator/mapping',
        '#/components/schemas/Pet/properties/secret/writeOnly',
        '#/paths/~1pets/summary',
      ]),
    )
    const swagger = JSON.stringify(result.swagger)
    expect(swagger).not.toContain('callbacks')
    expect(swagger).not.toContain('links')
    expect(swagger).not.toContain('writeOnly')
  })

  it('merges a oneOf of objects into one object, keeps nullable as x-nullable, maps 4XX to 400', async () => {
    const result = await load('petstore-3.0.yaml')
    const show = result.swagger.paths!['/pets/{petId}']!.get as any
    expect(show.responses['200'].schema).toEqual({
      discriminator: 'petType',
      type: 'object',
      properties: {petType: {type: 'string'}, name: {type: 'string'}, indoor: {type: 'boolean'}, barks: {type: 'boolean'}},
      required: ['petType', 'name'],
    })
    expect(reasons(result.approximated, '#/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/oneOf')[0]).toMatch(/merged into one object/)
    expect((result.swagger.definitions!.Pet as any).properties.tag).toEqual({type: 'string', 'x-nullable': true})
    expect((result.swagger.paths!['/pets']!.get as any).responses['400']).toEqual({$ref: '#/responses/Error'})
    expect(reasons(result.approximated, '#/paths/~1pets/get/responses/4XX')[0]).toMatch(/described as 400/)
  })

  it('names operations without an operationId and encodes path parameters', async () => {
    const result = await load('petstore-3.0.yaml')
    const show = result.swagger.paths!['/pets/{petId}']!.get as any
    expect(show.operationId).toBe('GetPetsByPetId')
    expect(show.parameters[0]['x-ms-url-encoding']).toBe('single')
    expect(reasons(result.approximated, '#/paths/~1pets~1{petId}/get/operationId')[0]).toMatch(/named GetPetsByPetId/)
  })

  it('keeps one security scheme and one OAuth flow, and detects the auth kind', async () => {
    const result = await load('petstore-3.0.yaml')
    expect(result.swagger.securityDefinitions).toEqual({
      petstore_auth: {
        type: 'oauth2',
        flow: 'accessCode',
        authorizationUrl: 'https://auth.petstore.example.com/authorize',
        tokenUrl: 'https://auth.petstore.example.com/token',
        scopes: {'read:pets': 'read your pets', 'write:pets': 'modify pets in your account'},
      },
    })
    expect(result.swagger.security).toEqual([{petstore_auth: ['read:pets', 'write:pets']}])
    expect(result.auth?.kind).toBe('oauth2')
    expect(reasons(result.notConverted, '#/components/securitySchemes/api_key')[0]).toMatch(/one security scheme/)
    expect(reasons(result.notConverted, '#/components/securitySchemes/petstore_auth/flows/clientCredentials')[0]).toMatch(/one flow/)
  })
})

describe('importOpenApi: OpenAPI 3.1 (JSON)', () => {
  it('fixes server variables to their defaults and reports the other values', async () => {
    const result = await load('features-3.1.json')
    expect(result.swagger).toMatchObject({host: 'eu.tickets.contoso.com', basePath: '/api', schemes: ['https']})
    expect(reasons(result.approximated, '#/servers/0/variables/region')[0]).toMatch(/"eu" \(other values: us\)/)
  })

  it('converts the JSON Schema 2020-12 keywords Swagger 2.0 can express, and reports the rest', async () => {
    const result = await load('features-3.1.json')
    const ticket = result.swagger.definitions!.Ticket as any
    expect(ticket.properties.id).toEqual({type: 'integer', minimum: 0, exclusiveMinimum: true})
    expect(ticket.properties.title).toEqual({type: 'string', 'x-nullable': true})
    expect(ticket.properties.kind).toEqual({enum: ['ticket']})
    expect(ticket.properties.priority).toEqual({type: 'integer', enum: [1, 2, 3]})
    expect(ticket.properties.owner).toEqual({'x-nullable': true, allOf: [{$ref: '#/definitions/Person'}]})
    expect(ticket.properties.value).toEqual({})
    expect(ticket.properties.labels).toEqual({type: 'array', items: {type: 'string'}, example: ['a']})
    expect(ticket.properties.extra).toEqual({})
    expect(result.swagger.definitions!.NewTicket).toEqual({type: 'object', properties: {title: {type: 'string'}}})
    expect(reasons(result.notConverted, '#/components/schemas/Ticket/properties/coords/prefixItems')).toHaveLength(1)
    expect(reasons(result.approximated, '#/components/schemas/Ticket/properties/value/oneOf')[0]).toMatch(/different types \(string, number\)/)
    for (const pointer of ['#/webhooks', '#/info/summary', '#/info/license/identifier', '#/jsonSchemaDialect']) {
      expect(reasons(result.notConverted, pointer), pointer).toHaveLength(1)
    }
  })

  it('converts parameter styles, drops what has no equivalent, and names the body from x-codegen-request-body-name', async () => {
    const result = await load('features-3.1.json')
    const list = result.swagger.paths!['/tickets']!.get as any
    expect(list.parameters.find((p: any) => p.name === 'ids')).toEqual({name: 'ids', in: 'query', type: 'array', items: {type: 'integer'}, collectionFormat: 'pipes'})
    expect(list.parameters.find((p: any) => p.name === 'filter')).toMatchObject({type: 'string'})
    expect(reasons(result.approximated, '#/paths/~1tickets/get/parameters/2/style')[0]).toMatch(/deepObject/)
    expect(reasons(result.notConverted, '#/paths/~1tickets/get/parameters/4/example')).toHaveLength(1)
    expect(reasons(result.notConverted, '#/paths/~1tickets/get/responses/2XX')[0]).toMatch(/200 is already described/)
    const create = result.swagger.paths!['/tickets']!.post as any
    expect(create.parameters).toEqual([{name: 'ticket', in: 'body', required: true, schema: {$ref: '#/definitions/NewTicket'}}])
  })

  it('recognises Microsoft Entra ID sign-in and leaves OpenID Connect out', async () => {
    const result = await load('features-3.1.json')
    expect(result.auth).toMatchObject({kind: 'aad', name: 'entra'})
    expect(Object.keys(result.swagger.securityDefinitions!)).toEqual(['entra'])
    expect(result.swagger.security).toEqual([{entra: ['api://5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c/Tickets.Read']}])
    expect(reasons(result.notConverted, '#/components/securitySchemes/oidc')[0]).toMatch(/OpenID Connect/)
    expect(reasons(result.notConverted, '#/security/1')[0]).toMatch(/oidc/)
  })
})

describe('importOpenApi: Swagger 2.0 and files', () => {
  it('passes Swagger 2.0 through, fixing what a connector needs', async () => {
    const result = await load('swagger-2.0.json')
    expect(result.version).toBe('2.0')
    const item = result.swagger.paths!['/orders/{orderId}'] as any
    expect(item.get.operationId).toBe('GetOrdersByOrderId2') // the delete already took GetOrdersByOrderId
    expect(item.delete.responses).toEqual({'200': {description: 'Success'}})
    expect(Object.keys(result.swagger.securityDefinitions!)).toEqual(['key'])
    expect(result.auth).toMatchObject({kind: 'apikey', name: 'key'})
    expect(reasons(result.notConverted, '#/securityDefinitions/basic')[0]).toMatch(/one security definition/)
  })

  it('bundles the files a definition refers to', async () => {
    const result = await load('split/openapi.yaml')
    expect((result.swagger.paths!['/stock']!.get as any).responses['200'].schema).toEqual({type: 'object', properties: {sku: {type: 'string'}, count: {type: 'integer'}}})
  })

  it('lists what @readme/openapi-parser finds wrong with the input, without stopping', async () => {
    const dir = tempDir()
    const file = join(dir, 'broken.json')
    writeFileSync(file, JSON.stringify({openapi: '3.0.0', info: {title: 'x', version: '1'}, servers: [{url: 'https://x.contoso.com'}], paths: {'/a/{id}': {get: {operationId: 'A', responses: {'200': {description: 'ok'}}}}}}))
    const result = await importOpenApi(file, areaTestContext(dir))
    expect(result.inputProblems.join('\n')).toMatch(/id/)
    expect(result.swagger.paths!['/a/{id}']).toBeDefined()
  })

  it('refuses broken syntax with the line and column', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.json'), '{\n  "openapi": "3.0.0",\n  "info": {,}\n}\n')
    const json = await ccErrorOf(importOpenApi(join(dir, 'bad.json'), areaTestContext(dir)))
    expect(json).toMatchObject({code: 'OPENAPI_SYNTAX', line: 3})
    writeFileSync(join(dir, 'bad.yaml'), 'openapi: 3.0.0\ninfo:\n  title: [unclosed\n')
    const yaml = await ccErrorOf(importOpenApi(join(dir, 'bad.yaml'), areaTestContext(dir)))
    expect(yaml.code).toBe('OPENAPI_SYNTAX')
    expect(yaml.line).toBeGreaterThanOrEqual(3)
  })

  it('refuses missing files and documents that are not OpenAPI', async () => {
    const dir = tempDir()
    expect((await ccErrorOf(importOpenApi(join(dir, 'none.yaml'), areaTestContext(dir)))).code).toBe('OPENAPI_NOT_FOUND')
    writeFileSync(join(dir, 'asyncapi.yaml'), 'asyncapi: 2.6.0\ninfo: {title: x, version: "1"}\n')
    expect((await ccErrorOf(importOpenApi(join(dir, 'asyncapi.yaml'), areaTestContext(dir)))).code).toBe('OPENAPI_UNSUPPORTED_VERSION')
    writeFileSync(join(dir, 'old.json'), '{"swagger": "1.2"}')
    expect((await ccErrorOf(importOpenApi(join(dir, 'old.json'), areaTestContext(dir)))).message).toContain('swagger: 1.2')
  })

  it('derives operationIds from method and path', () => {
    expect(operationIdFor('get', '/pets/{petId}/toys')).toBe('GetPetsToysByPetId')
    expect(operationIdFor('post', '/v1/order-items')).toBe('PostV1OrderItems')
    expect(operationIdFor('delete', '/{a}/{b}')).toBe('DeleteByAAndB')
  })
})
