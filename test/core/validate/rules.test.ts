import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {defaultLevel} from '../../../src/core/validate/rule.js'
import {ruleTable, rulesById} from '../../../src/core/validate/rules/index.js'
import type {Profile, Severity} from '../../../src/core/validate/types.js'
import {validateConnectors} from '../../../src/core/validate/validate.js'
import {tempDir} from '../../helpers/temp-dir.js'
import {
  cleanScript,
  connectorWith,
  context,
  type ConnectorFiles,
  positionOf,
  solidIcon,
  writeConnectorFolder,
} from '../../helpers/validate-fixtures.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

interface Case {
  rule: string
  /** What this case breaks (test title). */
  title: string
  files: ConnectorFiles
  profile?: Profile
  /** The file of the finding, relative to the connector folder. */
  file?: string
  /** Expected JSON pointer; the expected line:column is computed from it by an independent parser. */
  pointer?: string
  at?: 'key' | 'value'
  /** Expected position when there is no pointer (non-JSON files). */
  line?: number
  column?: number
  /** Expected severity when it differs from the rule's level in the profile (lenient cases). */
  severity?: Severity
  /** Parent folder name (e.g. independent-publisher-connectors). */
  folder?: string
}

const get = (s: any) => s.paths['/items/{itemId}'].get
const post = (s: any) => s.paths['/items'].post
const GET = '/paths/~1items~1{itemId}/get'
const POST = '/paths/~1items/post'
const item = (s: any) => s.definitions.Item

/** A list operation for dynamic-values tests: GET /kinds?category=… returning {value: [{id, name}]}. */
function addListOperation(s: any): void {
  s.paths['/kinds'] = {
    get: {
      summary: 'List kinds',
      description: 'Lists the kinds of items.',
      operationId: 'ListKinds',
      'x-ms-visibility': 'internal',
      parameters: [{name: 'category', in: 'query', required: true, type: 'string', 'x-ms-summary': 'Category', description: 'The category.'}],
      responses: {
        '200': {
          description: 'OK',
          schema: {type: 'object', properties: {value: {type: 'array', items: {type: 'object', properties: {id: {type: 'string'}, name: {type: 'string'}}}}}},
        },
      },
    },
  }
}

/** A webhook trigger (POST /hooks) with its DELETE, optionally without some parts. */
function addWebhook(s: any, options: {internal?: boolean; content?: boolean; remove?: boolean} = {}): void {
  s.paths['/hooks'] = {
    post: {
      summary: 'When an item is created',
      description: 'Triggers when an item is created.',
      operationId: 'OnItemCreated',
      'x-ms-trigger': 'single',
      parameters: [
        {
          name: 'body',
          in: 'body',
          required: true,
          'x-ms-summary': 'Subscription',
          description: 'The subscription.',
          schema: {
            type: 'object',
            required: ['callbackUrl'],
            properties: {callbackUrl: {type: 'string', 'x-ms-notification-url': true, ...(options.internal === false ? {} : {'x-ms-visibility': 'internal'}), description: 'Callback.'}},
          },
        },
      ],
      responses: {'201': {description: 'Created'}},
    },
    ...(options.content === false ? {} : {'x-ms-notification-content': {description: 'The item', schema: {$ref: '#/definitions/Item'}}}),
  }
  if (options.remove !== false) {
    s.paths['/hooks/{hookId}'] = {
      delete: {
        summary: 'Delete a subscription',
        description: 'Deletes a subscription.',
        operationId: 'DeleteHook',
        'x-ms-visibility': 'internal',
        parameters: [{name: 'hookId', in: 'path', required: true, type: 'string', 'x-ms-url-encoding': 'single', 'x-ms-summary': 'Hook ID', description: 'The id.'}],
        responses: {'200': {description: 'OK'}},
      },
    }
  }
}

function oauth(p: any, settings: any, name = 'token'): void {
  p.properties.connectionParameters = {
    [name]: {
      type: 'oauthSetting',
      oAuthSettings: {
        identityProvider: 'aad',
        clientId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c',
        scopes: [],
        redirectMode: 'Global',
        redirectUrl: 'https://global.consent.azure-apim.net/redirect',
        properties: {IsFirstParty: 'False'},
        customParameters: {resourceUri: {value: 'https://api.contoso.com'}, loginUri: {value: 'https://login.microsoftonline.com'}, tenantId: {value: 'common'}},
        ...settings,
      },
    },
  }
}

function withOAuthSecurity(s: any): void {
  s.securityDefinitions = {oauth2_auth: {type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/authorize', tokenUrl: 'https://login.windows.net/common/oauth2/authorize', scopes: {}}}
  s.security = [{oauth2_auth: []}]
}

const big = 'x'.repeat(1_100_000)

const cases: Case[] = [
  // files and JSON
  {rule: 'files/api-definition-present', title: 'no API definition', files: {...connectorWith(), swagger: undefined}, file: 'apiDefinition.swagger.json', line: 1, column: 1},
  {rule: 'files/api-properties-present', title: 'no apiProperties.json', files: {...connectorWith(), properties: undefined}, file: 'apiProperties.json', line: 1, column: 1},
  {rule: 'files/single-script', title: 'two .csx files', files: connectorWith(undefined, {script: cleanScript, extra: {'other.csx': cleanScript}}), file: 'other.csx', line: 1, column: 1},
  {rule: 'files/script-name', title: 'script not named script.csx', files: connectorWith(undefined, {extra: {'Code.csx': cleanScript}}), file: 'Code.csx', line: 1, column: 1},
  {rule: 'files/readme-present', title: 'no readme', profile: 'certification', files: {...connectorWith(), readme: undefined}, file: 'readme.md', line: 1, column: 1},
  {rule: 'files/ambiguous', title: 'JSON and YAML definitions', files: connectorWith(undefined, {extra: {'apiDefinition.swagger.yaml': 'swagger: "2.0"\n'}}), file: 'apiDefinition.swagger.json', line: 1, column: 1},
  {rule: 'files/encoding', title: 'script not UTF-8', files: connectorWith(undefined, {script: undefined, extra: {'script.csx': Buffer.from([0x2f, 0x2f, 0x0a, 0x61, 0xe9, 0x62])}}), file: 'script.csx', line: 2, column: 2},
  {rule: 'json/syntax', title: 'a trailing comma', files: {...connectorWith(), swagger: '{\n  "swagger": "2.0",\n  "info": {"title": "T", "version": "1",},\n  "paths": {}\n}\n'}, file: 'apiDefinition.swagger.json', line: 3, column: 40},
  {rule: 'json/depth', title: 'arrays nested 70 levels deep', files: {...connectorWith(), swagger: `{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "host": "a.com", "paths": {}, "x-data": ${'['.repeat(70)}${']'.repeat(70)}}`}, file: 'apiDefinition.swagger.json', pointer: `/x-data${'/0'.repeat(63)}`},
  {rule: 'json/depth', title: 'nesting beyond what cc packages (1001 levels)', files: {...connectorWith(), swagger: `{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "host": "a.com", "paths": {}, "x-data": ${'['.repeat(1001)}${']'.repeat(1001)}}`}, file: 'apiDefinition.swagger.json', pointer: `/x-data${'/0'.repeat(63)}`, severity: 'error'},
  {rule: 'json/duplicate-key', title: 'a key twice', files: {...connectorWith(), properties: '{\n  "properties": {\n    "iconBrandColor": "#0f6cbd",\n    "iconBrandColor": "#0f6cbd"\n  }\n}\n'}, file: 'apiProperties.json', pointer: '/properties/iconBrandColor', at: 'key', line: 4, column: 5},
  {rule: 'json/bom', title: 'a byte order mark', files: connectorWith(undefined, {properties: '\uFEFF' + JSON.stringify(connectorWith().properties)}), file: 'apiProperties.json', line: 1, column: 1},
  {rule: 'json/encoding', title: 'apiProperties not UTF-8', files: {...connectorWith(), properties: undefined, extra: {'apiProperties.json': Buffer.concat([Buffer.from('{"properties": {"publisher": "Caf'), Buffer.from([0xe9]), Buffer.from('"}}')])}}, file: 'apiProperties.json', line: 1, column: 34},
  {rule: 'yaml/syntax', title: 'broken YAML definition', files: {...connectorWith(), swagger: undefined, extra: {'apiDefinition.swagger.yaml': 'swagger: "2.0"\ninfo: [1,\npaths: {}\n'}}, file: 'apiDefinition.swagger.yaml', line: 3, column: 1},

  // structure
  {rule: 'swagger/file-size', title: 'over 1 MB', files: connectorWith((s) => (s.info['x-description-notes'] = big)), pointer: ''},
  {rule: 'swagger/version', title: 'OpenAPI 3', files: connectorWith((s) => (s.swagger = '3.0')), pointer: '/swagger'},
  {rule: 'swagger/schema', title: 'title not a string', files: connectorWith((s) => (s.info.title = 5)), pointer: '/info/title'},
  {rule: 'swagger/schema', title: 'unknown key (lenient in base)', files: connectorWith((s) => (s.basepath = '/v1')), pointer: '/basepath', at: 'key', severity: 'warning'},
  {rule: 'swagger/schema', title: 'bad parameter "in"', files: connectorWith((s) => (get(s).parameters[0].in = 'paht')), pointer: `${GET}/parameters/0/in`},
  {rule: 'swagger/unknown-extension', title: 'a typo in an extension', files: connectorWith((s) => (post(s)['x-ms-visibilty'] = 'internal')), pointer: `${POST}/x-ms-visibilty`, at: 'key'},
  {rule: 'info/required', title: 'no version', files: connectorWith((s) => delete s.info.version), pointer: '/info', at: 'key'},
  {rule: 'host/valid', title: 'a scheme in host', files: connectorWith((s) => (s.host = 'https://api.contoso.com')), pointer: '/host'},
  {rule: 'host/production', title: 'a staging host', profile: 'certification', files: connectorWith((s) => (s.host = 'api.staging.contoso.com')), pointer: '/host'},
  {rule: 'basepath/valid', title: 'basePath without slash', files: connectorWith((s) => (s.basePath = 'v1')), pointer: '/basePath'},
  {rule: 'schemes/valid', title: 'ws scheme', files: connectorWith((s) => (s.schemes = ['ws'])), pointer: '/schemes/0'},
  {rule: 'schemes/https', title: 'http only', profile: 'certification', files: connectorWith((s) => (s.schemes = ['http'])), pointer: '/schemes'},

  // paths and limits
  {rule: 'paths/start-slash', title: 'no leading slash', files: connectorWith((s) => rename(s.paths, '/items', 'items')), pointer: '/paths/items', at: 'key'},
  {rule: 'paths/no-query-fragment', title: 'a query string in a path', files: connectorWith((s) => rename(s.paths, '/items', '/items?all=true')), pointer: '/paths/~1items?all=true', at: 'key'},
  {rule: 'paths/no-wildcard', title: 'a wildcard', files: connectorWith((s) => rename(s.paths, '/items', '/items*')), pointer: '/paths/~1items*', at: 'key'},
  {rule: 'paths/template-syntax', title: 'an unclosed variable', files: connectorWith((s) => rename(s.paths, '/items', '/items/{x')), pointer: '/paths/~1items~1{x', at: 'key'},
  {rule: 'paths/case-duplicate', title: 'paths differing in case', files: connectorWith((s) => (s.paths['/Items'] = {get: {...clone(post(s)), operationId: 'ListItems', parameters: []}})), pointer: '/paths/~1Items', at: 'key'},
  {rule: 'paths/duplicate-template', title: 'same template, other variable name', files: connectorWith((s) => (s.paths['/items/{id}'] = {get: {...clone(get(s)), operationId: 'GetItem2', parameters: [{...get(s).parameters[0], name: 'id'}]}})), pointer: '/paths/~1items~1{id}', at: 'key'},
  {rule: 'paths/partial-duplicate', title: 'a fixed segment where a variable is', files: connectorWith((s) => (s.paths['/items/latest'] = {get: {...clone(get(s)), operationId: 'GetLatest', parameters: []}})), pointer: '/paths/~1items~1latest', at: 'key'},
  {rule: 'paths/no-ref', title: '$ref on a path item', files: connectorWith((s) => (s.paths['/items'].$ref = '#/x')), pointer: '/paths/~1items/$ref', at: 'key'},
  {
    rule: 'limits/operations',
    title: '257 operations',
    files: connectorWith((s) => {
      for (let i = 0; i < 256; i++) s.paths[`/p${i}`] = {get: {...clone(post(s)), operationId: `Op${i}`, parameters: []}}
    }),
    pointer: '/paths',
    at: 'key',
  },
  {
    rule: 'limits/schemas',
    title: 'a body of 600 schemas',
    files: connectorWith((s) => {
      item(s).properties = Object.fromEntries(Array.from({length: 600}, (_, i) => [`p${i}`, {type: 'string'}]))
      item(s).required = ['p1']
    }),
    pointer: `${POST}/parameters/0/schema`,
  },
  {
    rule: 'limits/schema-depth',
    title: 'schemas 40 levels deep',
    files: connectorWith((s) => {
      let node: any = {type: 'string'}
      for (let i = 0; i < 40; i++) node = {type: 'object', properties: {next: node}}
      get(s).responses['200'].schema = node
    }),
    pointer: `${GET}/responses/200/schema`,
  },

  // operations
  {rule: 'operation/id-required', title: 'no operationId', files: connectorWith((s) => delete get(s).operationId), pointer: GET, at: 'key'},
  {rule: 'operation/id-unique', title: 'an operationId twice', files: connectorWith((s) => (post(s).operationId = 'GetItem')), pointer: `${POST}/operationId`},
  {rule: 'operation/id-chars', title: 'an underscore', files: connectorWith((s) => (get(s).operationId = 'Get_Item')), pointer: `${GET}/operationId`},
  {rule: 'operation/id-length', title: '81 characters', files: connectorWith((s) => (get(s).operationId = `Get${'A'.repeat(78)}`)), pointer: `${GET}/operationId`},
  {rule: 'operation/id-pascal-case', title: 'camelCase', files: connectorWith((s) => (get(s).operationId = 'getItem')), pointer: `${GET}/operationId`},
  {rule: 'operation/summary-required', title: 'no summary', profile: 'certification', files: connectorWith((s) => delete get(s).summary), pointer: GET, at: 'key'},
  {rule: 'operation/summary-chars', title: 'a slash in the summary', profile: 'certification', files: connectorWith((s) => (get(s).summary = 'Get an item/one')), pointer: `${GET}/summary`},
  {rule: 'operation/summary-length', title: 'a long summary', profile: 'certification', files: connectorWith((s) => (get(s).summary = `Get ${'x'.repeat(80)}`)), pointer: `${GET}/summary`},
  {rule: 'operation/summary-ending', title: 'a period at the end', profile: 'certification', files: connectorWith((s) => (get(s).summary = 'Get an item.')), pointer: `${GET}/summary`},
  {rule: 'operation/description-required', title: 'no description', profile: 'certification', files: connectorWith((s) => delete get(s).description), pointer: GET, at: 'key'},
  {rule: 'operation/description-punctuation', title: 'no final period', profile: 'certification', files: connectorWith((s) => (get(s).description = 'Gets one item by its id')), pointer: `${GET}/description`},
  {rule: 'operation/summary-equals-description', title: 'description = summary', profile: 'certification', files: connectorWith((s) => (get(s).description = 'Get an item')), pointer: `${GET}/description`},
  {rule: 'operation/visibility-enum', title: 'Internal with a capital', files: connectorWith((s) => (get(s)['x-ms-visibility'] = 'Internal')), pointer: `${GET}/x-ms-visibility`},
  {rule: 'operation/responses-required', title: 'no responses', files: connectorWith((s) => (get(s).responses = {})), pointer: `${GET}/responses`},
  {rule: 'operation/success-response', title: 'no 2xx', files: connectorWith((s) => (get(s).responses = {'404': {description: 'Not found'}})), pointer: `${GET}/responses`, at: 'key'},
  {rule: 'operation/response-code-format', title: '2XX', files: connectorWith((s) => (get(s).responses['2XX'] = {description: 'OK'})), pointer: `${GET}/responses/2XX`, at: 'key'},
  {rule: 'operation/single-response-schema', title: 'two schemas', files: connectorWith((s) => (get(s).responses['400'] = {description: 'Bad', schema: {type: 'object'}})), pointer: `${GET}/responses/400/schema`, at: 'key'},
  {rule: 'operation/default-response-schema', title: 'schema on default', files: connectorWith((s) => (get(s).responses.default = {description: 'Error', schema: {type: 'object'}})), pointer: `${GET}/responses/default/schema`, at: 'key'},
  {rule: 'operation/output-schema', title: 'no output schema', files: connectorWith((s) => delete get(s).responses['200'].schema), pointer: `${GET}/responses/200`, at: 'key'},
  {rule: 'operation/empty-response-schema', title: 'an empty object schema', profile: 'certification', files: connectorWith((s) => (get(s).responses['200'].schema = {type: 'object'})), pointer: `${GET}/responses/200/schema`},
  {rule: 'operation/fetch-no-body', title: 'GET with a body', files: connectorWith((s) => get(s).parameters.push(clone(post(s).parameters[0]))), pointer: `${GET}/parameters/1`},
  {rule: 'operation/consumes', title: 'no consumes', files: connectorWith((s) => delete s.consumes), pointer: POST, at: 'key'},
  {rule: 'operation/mime-types', title: 'not a media type', files: connectorWith((s) => (s.produces = ['json'])), pointer: '/produces/0'},
  {
    rule: 'operation/form-urlencoded-binary',
    title: 'binary in a urlencoded form',
    files: connectorWith((s) => {
      post(s).consumes = ['application/x-www-form-urlencoded']
      post(s).parameters = [{name: 'file', in: 'formData', type: 'string', format: 'binary', 'x-ms-summary': 'File', description: 'The file.'}]
    }),
    pointer: `${POST}/parameters/0/format`,
  },
  {rule: 'operation/file-consumes', title: 'a file without multipart', files: connectorWith((s) => (post(s).parameters = [{name: 'f', in: 'formData', type: 'file', 'x-ms-summary': 'File', description: 'The file.'}])), pointer: `${POST}/parameters/0/type`},

  // parameters
  {rule: 'params/unique', title: 'a parameter twice', files: connectorWith((s) => get(s).parameters.push(clone(get(s).parameters[0]))), pointer: `${GET}/parameters/1`},
  {rule: 'params/single-body', title: 'two bodies', files: connectorWith((s) => post(s).parameters.push({...clone(post(s).parameters[0]), name: 'other'})), pointer: `${POST}/parameters/1`},
  {rule: 'params/body-xor-formdata', title: 'body and formData', files: connectorWith((s) => post(s).parameters.push({name: 'f', in: 'formData', type: 'string', 'x-ms-summary': 'F', description: 'F.'})), pointer: `${POST}/parameters/1`},
  {rule: 'params/connection-id', title: 'connectionId', files: connectorWith((s) => get(s).parameters.push({name: 'connectionId', in: 'query', type: 'string', 'x-ms-summary': 'C', description: 'C.'})), pointer: `${GET}/parameters/1/name`},
  {rule: 'params/path-required', title: 'optional path parameter', files: connectorWith((s) => (get(s).parameters[0].required = false)), pointer: `${GET}/parameters/0/required`},
  {rule: 'params/path-in-template', title: 'path parameter not in the template', files: connectorWith((s) => (get(s).parameters[0].name = 'id')), pointer: `${GET}/parameters/0/name`},
  {rule: 'params/template-declared', title: 'template variable without parameter', files: connectorWith((s) => (get(s).parameters[0].name = 'id')), pointer: GET, at: 'key'},
  {rule: 'params/path-encoding', title: 'no x-ms-url-encoding', files: connectorWith((s) => delete get(s).parameters[0]['x-ms-url-encoding']), pointer: `${GET}/parameters/0`},
  {rule: 'params/query-encoding', title: 'x-ms-url-encoding on a query parameter', files: connectorWith((s) => get(s).parameters.push({name: 'q', in: 'query', type: 'string', 'x-ms-url-encoding': 'single', 'x-ms-summary': 'Q', description: 'Q.'})), pointer: `${GET}/parameters/1/x-ms-url-encoding`, at: 'key'},
  {rule: 'params/encoding-placement', title: 'x-ms-url-encoding on a header', files: connectorWith((s) => get(s).parameters.push({name: 'h', in: 'header', type: 'string', 'x-ms-url-encoding': 'single', 'x-ms-summary': 'H', description: 'H.'})), pointer: `${GET}/parameters/1/x-ms-url-encoding`, at: 'key'},
  {rule: 'params/file-in-formdata', title: 'a file in the query', files: connectorWith((s) => get(s).parameters.push({name: 'f', in: 'query', type: 'file', 'x-ms-summary': 'F', description: 'F.'})), pointer: `${GET}/parameters/1/type`},
  {
    rule: 'params/formdata-ascii',
    title: 'a non-ASCII form field',
    files: connectorWith((s) => {
      post(s).consumes = ['multipart/form-data']
      post(s).parameters = [{name: 'näme', in: 'formData', type: 'string', 'x-ms-summary': 'Name', description: 'The name.'}]
    }),
    pointer: `${POST}/parameters/0/name`,
  },
  {rule: 'params/body-schema', title: 'a body without schema', files: connectorWith((s) => delete post(s).parameters[0].schema), pointer: `${POST}/parameters/0`},
  {rule: 'params/allow-empty-value', title: 'allowEmptyValue on a path parameter', files: connectorWith((s) => (get(s).parameters[0].allowEmptyValue = true)), pointer: `${GET}/parameters/0/allowEmptyValue`, at: 'key'},
  {rule: 'params/x-ms-summary', title: 'no x-ms-summary', profile: 'certification', files: connectorWith((s) => delete get(s).parameters[0]['x-ms-summary']), pointer: `${GET}/parameters/0`},
  {rule: 'params/description', title: 'no description', profile: 'certification', files: connectorWith((s) => delete get(s).parameters[0].description), pointer: `${GET}/parameters/0`},
  {
    rule: 'params/body-summary',
    title: 'a body without summary or description',
    profile: 'certification',
    files: connectorWith((s) => {
      delete post(s).parameters[0]['x-ms-summary']
      delete post(s).parameters[0].description
    }),
    pointer: `${POST}/parameters/0`,
  },
  {rule: 'params/internal-required-default', title: 'internal, required, no default', files: connectorWith((s) => get(s).parameters.push({name: 'v', in: 'query', required: true, type: 'string', 'x-ms-visibility': 'internal'})), pointer: `${GET}/parameters/1`},
  {rule: 'params/internal-default-optional', title: 'internal default, optional', files: connectorWith((s) => get(s).parameters.push({name: 'v', in: 'query', type: 'string', default: '1', 'x-ms-visibility': 'internal'})), pointer: `${GET}/parameters/1`},
  {
    rule: 'params/same-name-consistent',
    title: 'a trigger and its webhook disagree on a parameter type',
    files: connectorWith((s) => {
      addWebhook(s)
      s.paths['/hooks'].post.parameters.push({name: 'folder', in: 'query', type: 'integer', 'x-ms-summary': 'Folder', description: 'The folder.'})
      s.paths['/events'] = {
        get: {
          ...clone(get(s)),
          operationId: 'OnEvent',
          'x-ms-trigger': 'single',
          'x-ms-notification': {operationId: 'OnItemCreated'},
          parameters: [{name: 'folder', in: 'query', type: 'string', 'x-ms-summary': 'Folder', description: 'The folder.'}],
        },
      }
    }),
    pointer: '/paths/~1events/get/parameters/0',
  },

  // refs
  {rule: 'refs/local-only', title: 'a $ref to another file', files: connectorWith((s) => (get(s).responses['200'].schema.$ref = 'item.json#/Item')), pointer: `${GET}/responses/200/schema/$ref`},
  {rule: 'refs/resolve', title: 'a dangling $ref', files: connectorWith((s) => (get(s).responses['200'].schema.$ref = '#/definitions/Itme')), pointer: `${GET}/responses/200/schema/$ref`},
  {rule: 'refs/no-ref-to-ref', title: 'an alias definition', files: connectorWith((s) => (s.definitions.Alias = {$ref: '#/definitions/Item'})), pointer: '/definitions/Alias/$ref'},
  {rule: 'refs/no-siblings', title: 'a description beside $ref', files: connectorWith((s) => (get(s).responses['200'].schema.description = 'The item')), pointer: `${GET}/responses/200/schema/description`, at: 'key'},

  // schemas
  {rule: 'schema/array-items', title: 'an array without items', files: connectorWith((s) => (item(s).properties.tags = {type: 'array'})), pointer: '/definitions/Item/properties/tags/type'},
  {rule: 'schema/required-defined', title: 'an undefined required property', files: connectorWith((s) => item(s).required.push('nope')), pointer: '/definitions/Item/required/1'},
  {
    rule: 'schema/required-loop',
    title: 'an item that requires its parent item',
    files: connectorWith((s) => {
      item(s).properties.parent = {$ref: '#/definitions/Item'}
      item(s).required.push('parent')
    }),
    pointer: '/definitions/Item/properties/parent',
  },
  {rule: 'schema/readonly-required-input', title: 'a read-only required input', files: connectorWith((s) => item(s).required.push('id')), pointer: '/definitions/Item/properties/id/readOnly'},
  {rule: 'schema/file-type', title: 'type file in a definition', files: connectorWith((s) => (item(s).properties.doc = {type: 'file'})), pointer: '/definitions/Item/properties/doc/type'},
  {
    rule: 'schema/string-binary',
    title: 'binary inside a JSON body',
    files: connectorWith((s) => (post(s).parameters[0].schema = {type: 'object', properties: {content: {type: 'string', format: 'binary'}}})),
    pointer: `${POST}/parameters/0/schema/properties/content/format`,
  },
  {rule: 'schema/format', title: 'format guid', files: connectorWith((s) => (item(s).properties.id.format = 'guid')), pointer: '/definitions/Item/properties/id/format'},
  {rule: 'schema/default-type', title: 'a string default for an integer', files: connectorWith((s) => (item(s).properties.count = {type: 'integer', default: '5'})), pointer: '/definitions/Item/properties/count/default'},
  {rule: 'schema/enum', title: 'a duplicate enum value', files: connectorWith((s) => (item(s).properties.kind = {type: 'string', enum: ['a', 'a']})), pointer: '/definitions/Item/properties/kind/enum/1'},
  {rule: 'schema/numeric-constraints', title: 'minimum above maximum', files: connectorWith((s) => (item(s).properties.count = {type: 'integer', minimum: 5, maximum: 1})), pointer: '/definitions/Item/properties/count/minimum'},
  {rule: 'schema/discriminator', title: 'a discriminator that is not a property', files: connectorWith((s) => (item(s).discriminator = 'kind')), pointer: '/definitions/Item/discriminator'},
  {rule: 'schema/keyword-context', title: 'minimum on a string', files: connectorWith((s) => (item(s).properties.name.minimum = 1)), pointer: '/definitions/Item/properties/name/minimum', at: 'key'},
  {rule: 'schema/definition-name', title: 'brackets in a definition name', files: connectorWith((s) => (s.definitions['Item[]'] = {type: 'object'})), pointer: '/definitions/Item[]', at: 'key'},
  {rule: 'schema/example-matches', title: 'a number example for a string', files: connectorWith((s) => (item(s).properties.name.example = 5)), pointer: '/definitions/Item/properties/name/example'},
  {rule: 'tags/unique', title: 'a tag twice', files: connectorWith((s) => (s.tags = [{name: 'Items'}, {name: 'Items'}])), pointer: '/tags/1/name'},
  {
    rule: 'enum-values/valid',
    title: 'an x-ms-enum-values value outside enum',
    files: connectorWith((s) => (item(s).properties.kind = {type: 'string', enum: ['a'], 'x-ms-enum-values': [{value: 'b', displayName: 'B'}]})),
    pointer: '/definitions/Item/properties/kind/x-ms-enum-values/0/value',
  },
  {rule: 'editor/dictionary', title: 'dictionary editor without additionalProperties', files: connectorWith((s) => (item(s).properties.extra = {type: 'object', 'x-ms-editor': 'dictionary'})), pointer: '/definitions/Item/properties/extra/x-ms-editor'},

  // security
  {rule: 'security/definitions-valid', title: 'an apiKey without name', files: connectorWith((s) => delete s.securityDefinitions.api_key.name), pointer: '/securityDefinitions/api_key', at: 'key'},
  {rule: 'security/requirement-defined', title: 'an undefined requirement', files: connectorWith((s) => (s.security = [{apikey: []}])), pointer: '/security/0/apikey', at: 'key'},
  {rule: 'security/requirement-value', title: 'scopes on an apiKey requirement', files: connectorWith((s) => (s.security = [{api_key: ['read']}])), pointer: '/security/0/api_key'},
  {rule: 'security/single-definition', title: 'two definitions', files: connectorWith((s) => (s.securityDefinitions.basic_auth = {type: 'basic'})), pointer: '/securityDefinitions/basic_auth', at: 'key'},
  {rule: 'security/props-consistency', title: 'apiKey without a securestring parameter', files: connectorWith((_s, p) => (p.properties.connectionParameters = {})), pointer: '/securityDefinitions/api_key', at: 'key'},

  // dynamic
  {
    rule: 'dynamic/target-exists',
    title: 'a dynamic list calling a missing operation',
    files: connectorWith((s) => (get(s).parameters[0]['x-ms-dynamic-values'] = {operationId: 'ListKindz', 'value-collection': 'value', 'value-path': 'id'})),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/operationId`,
  },
  {
    rule: 'dynamic/parameters-match',
    title: 'a parameter the called operation does not have',
    files: connectorWith((s) => {
      addListOperation(s)
      get(s).parameters[0]['x-ms-dynamic-values'] = {operationId: 'ListKinds', parameters: {category: 'a', nope: 'b'}, 'value-collection': 'value', 'value-path': 'id'}
    }),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/parameters/nope`,
    at: 'key',
  },
  {
    rule: 'dynamic/ambiguous-reference',
    title: 'a reference to a body property without x-ms-dynamic-list',
    files: connectorWith((s) => {
      addListOperation(s)
      get(s).parameters[0]['x-ms-dynamic-values'] = {operationId: 'ListKinds', parameters: {category: {parameter: 'item/kind'}}, 'value-collection': 'value', 'value-path': 'id'}
    }),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/parameters/category/parameter`,
  },
  {
    rule: 'dynamic/item-value-path',
    title: 'itemValuePath not matching value-path',
    files: connectorWith((s) => {
      addListOperation(s)
      post(s).parameters[0].schema = {
        type: 'object',
        'x-ms-dynamic-schema': {operationId: 'ListKinds', parameters: {category: 'a'}, 'value-path': 'schema'},
        'x-ms-dynamic-properties': {operationId: 'ListKinds', parameters: {category: {value: 'a'}}, itemValuePath: 'other'},
      }
    }),
    pointer: `${POST}/parameters/0/schema/x-ms-dynamic-properties/itemValuePath`,
  },
  {
    rule: 'dynamic/placement',
    title: 'x-ms-dynamic-schema on the body parameter',
    files: connectorWith((s) => {
      addListOperation(s)
      post(s).parameters[0]['x-ms-dynamic-schema'] = {operationId: 'ListKinds', parameters: {category: 'a'}}
    }),
    pointer: `${POST}/parameters/0/x-ms-dynamic-schema`,
    at: 'key',
  },
  {
    rule: 'dynamic/response-paths',
    title: 'value-collection not in the response',
    files: connectorWith((s) => {
      addListOperation(s)
      get(s).parameters[0]['x-ms-dynamic-values'] = {operationId: 'ListKinds', parameters: {category: 'a'}, 'value-collection': 'values', 'value-path': 'id'}
    }),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/value-collection`,
  },
  {
    rule: 'dynamic/internal-source',
    title: 'an internal parameter passed by reference',
    files: connectorWith((s) => {
      addListOperation(s)
      get(s).parameters.push({name: 'mode', in: 'query', required: true, type: 'string', default: 'all', 'x-ms-visibility': 'internal'})
      get(s).parameters[0]['x-ms-dynamic-values'] = {operationId: 'ListKinds', parameters: {category: {parameter: 'mode'}}, 'value-collection': 'value', 'value-path': 'id'}
    }),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/parameters/category/parameter`,
  },
  {
    rule: 'dynamic/tree',
    title: 'a file picker without x-ms-dynamic-tree',
    files: connectorWith((s) => (get(s).parameters[0]['x-ms-dynamic-values'] = {capability: 'file-picker', parameters: {}, 'value-path': 'id'})),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/capability`,
  },
  {
    rule: 'dynamic/shape',
    title: 'operationId and builtInOperation together',
    files: connectorWith((s) => {
      addListOperation(s)
      get(s).parameters[0]['x-ms-dynamic-values'] = {operationId: 'ListKinds', builtInOperation: 'AadGraph.GetUsers', parameters: {category: 'a'}}
    }),
    pointer: `${GET}/parameters/0/x-ms-dynamic-values/builtInOperation`,
  },

  // triggers, webhooks, annotations
  {rule: 'trigger/enum', title: 'x-ms-trigger Single', files: connectorWith((s) => (post(s)['x-ms-trigger'] = 'Single')), pointer: `${POST}/x-ms-trigger`},
  {rule: 'webhook/notification-url', title: 'a visible callback URL', files: connectorWith((s) => addWebhook(s, {internal: false})), pointer: '/paths/~1hooks/post/parameters/0/schema/properties/callbackUrl'},
  {rule: 'webhook/notification-content', title: 'no x-ms-notification-content', files: connectorWith((s) => addWebhook(s, {content: false})), pointer: '/paths/~1hooks', at: 'key'},
  {rule: 'webhook/delete-operation', title: 'no DELETE operation', files: connectorWith((s) => addWebhook(s, {remove: false})), pointer: '/paths/~1hooks/post', at: 'key'},
  {rule: 'webhook/x-ms-notification', title: 'x-ms-notification on an action', files: connectorWith((s) => (get(s)['x-ms-notification'] = {operationId: 'CreateItem'})), pointer: `${GET}/x-ms-notification`, at: 'key'},
  {rule: 'pageable/next-link', title: 'nextLinkName next', files: connectorWith((s) => (get(s)['x-ms-pageable'] = {nextLinkName: 'next'})), pointer: `${GET}/x-ms-pageable/nextLinkName`},
  {rule: 'annotation/replacement', title: 'a replacement on a live operation', files: connectorWith((s) => (get(s)['x-ms-api-annotation'] = {family: 'GetItem', revision: 1, replacement: {api: 'contoso', operationId: 'GetItemV2'}})), pointer: `${GET}/x-ms-api-annotation/replacement`, at: 'key'},
  {
    rule: 'annotation/family',
    title: 'a revision twice in a family',
    files: connectorWith((s) => {
      get(s)['x-ms-api-annotation'] = {family: 'Item', revision: 1}
      post(s)['x-ms-api-annotation'] = {family: 'Item', revision: 1}
    }),
    pointer: `${POST}/x-ms-api-annotation/revision`,
  },
  {
    rule: 'annotation/status',
    title: 'a Production operation in a Preview connector',
    files: connectorWith((s) => {
      s.info['x-ms-api-annotation'] = {status: 'Preview'}
      get(s)['x-ms-api-annotation'] = {status: 'Production'}
    }),
    pointer: `${GET}/x-ms-api-annotation/status`,
  },

  // certification content
  {rule: 'info/title-length', title: 'a 31-character title', profile: 'certification', files: connectorWith((s) => (s.info.title = 'Contoso Items And Other Things1')), pointer: '/info/title'},
  {rule: 'info/title-words', title: 'API in the title', profile: 'certification', files: connectorWith((s) => (s.info.title = 'Contoso API')), pointer: '/info/title'},
  {rule: 'info/title-ending', title: 'a period at the end of the title', profile: 'certification', files: connectorWith((s) => (s.info.title = 'Contoso Items.')), pointer: '/info/title'},
  {rule: 'info/description', title: 'a short description', profile: 'certification', files: connectorWith((s) => (s.info.description = 'Short.')), pointer: '/info/description'},
  {rule: 'info/english', title: 'a description in Russian', profile: 'certification', files: connectorWith((s) => (s.info.description = 'Управление элементами учетной записи Contoso из потоков и приложений.')), pointer: '/info/description'},
  {rule: 'info/contact', title: 'no contact email', profile: 'certification', files: connectorWith((s) => delete s.info.contact.email), pointer: '/info/contact', at: 'key'},
  {rule: 'metadata/present', title: 'no Categories', profile: 'certification', files: connectorWith((s) => s['x-ms-connector-metadata'].pop()), pointer: '/x-ms-connector-metadata', at: 'key'},
  {rule: 'metadata/urls', title: 'a Website without scheme', profile: 'certification', files: connectorWith((s) => (s['x-ms-connector-metadata'][0].propertyValue = 'contoso.com')), pointer: '/x-ms-connector-metadata/0/propertyValue'},
  {rule: 'metadata/categories', title: 'three categories', profile: 'certification', files: connectorWith((s) => (s['x-ms-connector-metadata'][2].propertyValue = 'Productivity;Data;AI')), pointer: '/x-ms-connector-metadata/2/propertyValue'},
  {rule: 'openai/manifest', title: 'an incomplete Copilot manifest', files: connectorWith((s) => (s['x-ms-openai-manifest'] = {humanName: 'Contoso'})), pointer: '/x-ms-openai-manifest', at: 'key'},
  {rule: 'openai/data', title: 'openai-data naming a missing operation', files: connectorWith((s) => (get(s)['x-ms-openai-data'] = {'openai-enabled': true, operations: [{operationId: 'Nope'}]})), pointer: `${GET}/x-ms-openai-data/operations/0/operationId`},

  // apiProperties
  {rule: 'props/schema', title: 'a key the service writes', files: connectorWith((_s, p) => (p.properties.displayName = 'Contoso')), file: 'apiProperties.json', pointer: '/properties/displayName', at: 'key'},
  {rule: 'props/connection-param-name', title: 'a dash in a parameter name', files: connectorWith((_s, p) => rename(p.properties.connectionParameters, 'api_key', 'api-key')), file: 'apiProperties.json', pointer: '/properties/connectionParameters/api-key', at: 'key'},
  {rule: 'props/connection-param-type', title: 'type password', files: connectorWith((_s, p) => (p.properties.connectionParameters.api_key.type = 'password')), file: 'apiProperties.json', pointer: '/properties/connectionParameters/api_key/type'},
  {rule: 'props/oauth-token-name', title: 'oauthSetting not named token', files: connectorWith((s, p) => (withOAuthSecurity(s), oauth(p, {}, 'oauth'))), file: 'apiProperties.json', pointer: '/properties/connectionParameters/oauth', at: 'key'},
  {
    rule: 'props/identity-provider',
    title: 'an unknown identity provider',
    files: connectorWith((s, p) => (withOAuthSecurity(s), oauth(p, {identityProvider: 'okta'}))),
    file: 'apiProperties.json',
    pointer: '/properties/connectionParameters/token/oAuthSettings/identityProvider',
    severity: 'warning',
  },
  {
    rule: 'props/identity-provider',
    title: 'aad without resourceUri (lenient in base)',
    files: connectorWith((s, p) => (withOAuthSecurity(s), oauth(p, {customParameters: {}}))),
    file: 'apiProperties.json',
    pointer: '/properties/connectionParameters/token/oAuthSettings/customParameters',
    at: 'key',
    severity: 'warning',
  },
  {
    rule: 'props/aadcertificate-first-party',
    title: 'aadcertificate without IsFirstParty',
    files: connectorWith((s, p) => (withOAuthSecurity(s), oauth(p, {identityProvider: 'aadcertificate'}))),
    file: 'apiProperties.json',
    pointer: '/properties/connectionParameters/token/oAuthSettings/properties',
  },
  {rule: 'props/redirect', title: 'an unknown redirectMode', files: connectorWith((s, p) => (withOAuthSecurity(s), oauth(p, {redirectMode: 'Globals'}))), file: 'apiProperties.json', pointer: '/properties/connectionParameters/token/oAuthSettings/redirectMode'},
  {rule: 'props/no-secrets', title: 'a real client secret', files: connectorWith((s, p) => (withOAuthSecurity(s), oauth(p, {clientSecret: 'q8Z~h2kPr0Zx7a'}))), file: 'apiProperties.json', pointer: '/properties/connectionParameters/token/oAuthSettings/clientSecret'},
  {rule: 'props/constraint-strings', title: 'a JSON boolean constraint', files: connectorWith((_s, p) => (p.properties.connectionParameters.api_key.uiDefinition.constraints.required = true)), file: 'apiProperties.json', pointer: '/properties/connectionParameters/api_key/uiDefinition/constraints/required'},
  {rule: 'props/tenant-claim', title: 'token:TenantId without metadata', files: connectorWith((_s, p) => (p.properties.connectionParameters['token:TenantId'] = {type: 'string'})), file: 'apiProperties.json', pointer: '/properties/connectionParameters/token:TenantId'},
  {rule: 'props/param-sets', title: 'empty parameter sets', files: connectorWith((_s, p) => (p.properties.connectionParameterSets = {uiDefinition: {displayName: 'Auth', description: 'Pick one.'}, values: []})), file: 'apiProperties.json', pointer: '/properties/connectionParameterSets/values', at: 'key'},
  {rule: 'props/brand-color-format', title: 'a 3-digit colour', files: connectorWith((_s, p) => (p.properties.iconBrandColor = '#fff')), file: 'apiProperties.json', pointer: '/properties/iconBrandColor'},
  {rule: 'props/brand-color-verified', title: 'a reserved colour', profile: 'certification', files: connectorWith((_s, p) => (p.properties.iconBrandColor = '#007ee5')), file: 'apiProperties.json', pointer: '/properties/iconBrandColor'},
  {rule: 'props/brand-color-ip', title: 'an independent publisher without #da3b01', profile: 'certification', folder: 'independent-publisher-connectors', files: connectorWith(undefined, {icon: undefined}), file: 'apiProperties.json', pointer: '/properties/iconBrandColor'},
  {rule: 'props/publisher-stackowner', title: 'no publisher', profile: 'certification', files: connectorWith((_s, p) => delete p.properties.publisher), file: 'apiProperties.json', pointer: '/properties', at: 'key'},
  {rule: 'props/capabilities', title: 'a capability with a capital', files: connectorWith((_s, p) => (p.properties.capabilities = ['Actions'])), file: 'apiProperties.json', pointer: '/properties/capabilities/0'},
  {rule: 'props/policy-template-known', title: 'a misspelt template', files: connectorWith((_s, p) => (p.properties.policyTemplateInstances = [{templateId: 'sethedaer', title: 'X', parameters: {}}])), file: 'apiProperties.json', pointer: '/properties/policyTemplateInstances/0/templateId'},
  {
    rule: 'props/policy-template-params',
    title: 'setheader without value',
    files: connectorWith((_s, p) => (p.properties.policyTemplateInstances = [{templateId: 'setheader', title: 'X', parameters: {'x-ms-apimTemplateParameter.name': 'X-Tenant'}}])),
    file: 'apiProperties.json',
    pointer: '/properties/policyTemplateInstances/0/parameters',
    at: 'key',
  },
  {
    rule: 'props/policy-operations',
    title: 'a policy naming a missing operation',
    files: connectorWith(
      (_s, p) =>
        (p.properties.policyTemplateInstances = [
          {templateId: 'setheader', title: 'X', parameters: {'x-ms-apimTemplateParameter.name': 'X-Tenant', 'x-ms-apimTemplateParameter.value': 'a', 'x-ms-apimTemplate-operationName': ['Nope']}},
        ]),
    ),
    file: 'apiProperties.json',
    pointer: '/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplate-operationName/0',
  },

  // script
  {rule: 'script/class', title: 'no class Script', files: connectorWith(undefined, {script: 'public class Foo : ScriptBase\n{\n    public override async Task<HttpResponseMessage> ExecuteAsync() { return null; }\n}\n'}), file: 'script.csx', line: 1, column: 1},
  {rule: 'script/size', title: 'a script over 1 MB', files: connectorWith(undefined, {script: cleanScript + `// ${big}\n`}), file: 'script.csx', line: 1, column: 1},
  {rule: 'script/namespaces', title: 'an unsupported namespace', files: connectorWith(undefined, {script: `using System.Runtime.Remoting;\n${cleanScript}`}), file: 'script.csx', line: 1, column: 7},
  {rule: 'script/http-client', title: 'its own HttpClient', files: connectorWith(undefined, {script: cleanScript.replace('if (this.Context', 'var client = new HttpClient();\n        if (this.Context')}), file: 'script.csx', line: 8, column: 22},
  {rule: 'script/operations-exist', title: 'scriptOperations naming a missing operation', files: connectorWith((_s, p) => (p.properties.scriptOperations = ['Nope']), {script: cleanScript}), file: 'apiProperties.json', pointer: '/properties/scriptOperations/0'},
  {rule: 'script/operations-without-script', title: 'scriptOperations without a script', files: connectorWith((_s, p) => (p.properties.scriptOperations = ['GetItem'])), file: 'apiProperties.json', pointer: '/properties/scriptOperations', at: 'key'},
  {rule: 'script/operation-literals', title: 'comparing with a missing operationId', files: connectorWith(undefined, {script: cleanScript.replace('"GetItem"', '"GetItems"')}), file: 'script.csx', line: 8, column: 42},

  // icon
  {rule: 'icon/format', title: 'a JPEG named icon.png', files: connectorWith(undefined, {icon: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])}), file: 'icon.png', line: 1, column: 1},
  {rule: 'icon/size', title: 'a 100×100 icon', profile: 'certification', files: connectorWith(undefined, {icon: solidIcon('#0f6cbd', 100)}), file: 'icon.png', line: 1, column: 1},
  {rule: 'icon/background', title: 'a background other than the brand colour', profile: 'certification', files: connectorWith(undefined, {icon: solidIcon('#aa0000')}), file: 'icon.png', line: 1, column: 1},
  {rule: 'icon/ip-none', title: 'an independent publisher with an icon', profile: 'certification', folder: 'independent-publisher-connectors', files: connectorWith((_s, p) => (p.properties.iconBrandColor = '#da3b01'), {icon: solidIcon('#da3b01')}), file: 'icon.png', line: 1, column: 1},
]

function rename(object: any, from: string, to: string): void {
  const entries = Object.entries(object)
  for (const key of Object.keys(object)) delete object[key]
  for (const [key, value] of entries) object[key === from ? to : key] = value
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

describe('the clean fixture', () => {
  for (const profile of ['base', 'certification'] as const) {
    it(`has no findings in the ${profile} profile`, async () => {
      const dir = writeConnectorFolder(connectorWith(undefined, {script: cleanScript}))
      const result = await validateConnectors({paths: [dir], profile}, context(join(dir, '..')))
      expect(result.connectors[0]!.findings).toEqual([])
      expect(result.summary).toMatchObject({connectors: 1, errors: 0, warnings: 0, infos: 0, passed: true})
    })
  }
})

describe('environment variable references', () => {
  it('accepts @environmentVariables references in host and basePath (solution-aware connectors)', async () => {
    const files = connectorWith((s) => {
      s.host = '@environmentVariables("contoso_ContosoHost")'
      s.basePath = '@environmentVariables("contoso_ContosoBasePath")'
    })
    const dir = writeConnectorFolder(files)
    const result = await validateConnectors({paths: [dir]}, context(join(dir, '..')))
    expect(result.connectors[0]!.findings.filter((f) => f.ruleId === 'host/valid' || f.ruleId === 'basepath/valid')).toEqual([])
  })

  it('still refuses a reference with a path around it', async () => {
    const dir = writeConnectorFolder(connectorWith((s) => (s.host = 'api/@environmentVariables("x")')))
    const result = await validateConnectors({paths: [dir]}, context(join(dir, '..')))
    expect(result.connectors[0]!.findings.map((f) => f.ruleId)).toContain('host/valid')
  })
})

describe('every rule', () => {
  it('has a test case below', () => {
    const tested = new Set(cases.map((c) => c.rule))
    expect(ruleTable.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([])
    for (const c of cases) expect(rulesById.has(c.rule), c.rule).toBe(true)
  })

  for (const c of cases) {
    it(`${c.rule}: ${c.title}`, async () => {
      const parent = c.folder ? join(tempDir('validate-'), c.folder) : tempDir('validate-')
      const dir = writeConnectorFolder(c.files, 'contoso-items', parent)
      const profile = c.profile ?? 'base'
      const result = await validateConnectors({paths: [dir], profile}, context(parent))
      const findings = result.connectors[0]!.findings.filter((f) => f.ruleId === c.rule)
      const file = `contoso-items/${c.file ?? 'apiDefinition.swagger.json'}`
      const pointer = c.pointer ?? ''
      const hit = findings.find((f) => f.file === file && f.pointer === pointer)
      expect(hit, `${c.rule} at ${file}#${pointer}; found ${JSON.stringify(result.connectors[0]!.findings.map((f) => [f.ruleId, f.file, f.pointer]))}`).toBeDefined()
      const expected =
        c.line !== undefined ? {line: c.line, column: c.column ?? 1} : positionOf(readFileSync(join(parent, file), 'utf8'), pointer, c.at ?? 'value')
      expect({line: hit!.line, column: hit!.column}).toEqual(expected)
      const rule = rulesById.get(c.rule)!
      expect(hit!.severity).toBe(c.severity ?? defaultLevel(rule, profile))
      expect(hit!.message.length).toBeGreaterThan(10)
      if (rule.msCode && !hit!.msCode) throw new Error(`${c.rule}: finding without Microsoft code`)
    })
  }
})

describe('extensions a document rarely uses', () => {
  // Rules skip their walk over every schema when the source text cannot hold the extension's name; a name
  // spelled with \u escapes must still be seen.
  const escaped = (text: string, name: string): string => text.replaceAll(`"${name}"`, `"${name.replace('-', '\\u002d')}"`)

  it('finds x-ms-dynamic-values on a schema property when its name is written with \\u escapes', async () => {
    const files = connectorWith((s) => (item(s).properties.kind = {type: 'string', 'x-ms-dynamic-values': {operationId: 'ListKindz', 'value-collection': 'value', 'value-path': 'id'}}))
    for (const spell of [(t: string) => t, (t: string) => escaped(t, 'x-ms-dynamic-values')]) {
      const dir = writeConnectorFolder({...files, swagger: undefined, extra: {'apiDefinition.swagger.json': spell(JSON.stringify(files.swagger, null, 2))}})
      const result = await validateConnectors({paths: [dir]}, context(join(dir, '..')))
      expect(result.connectors[0]!.findings.filter((f) => f.ruleId === 'dynamic/target-exists').map((f) => f.pointer)).toEqual(['/definitions/Item/properties/kind/x-ms-dynamic-values/operationId'])
    }
  })

  it('finds x-ms-notification-url in a response schema when its name is written with \\u escapes', async () => {
    const files = connectorWith((s) => (get(s).responses['200'].schema = {type: 'object', properties: {hook: {type: 'string', 'x-ms-notification-url': true}}}))
    for (const spell of [(t: string) => t, (t: string) => escaped(t, 'x-ms-notification-url')]) {
      const dir = writeConnectorFolder({...files, swagger: undefined, extra: {'apiDefinition.swagger.json': spell(JSON.stringify(files.swagger, null, 2))}})
      const result = await validateConnectors({paths: [dir]}, context(join(dir, '..')))
      expect(result.connectors[0]!.findings.filter((f) => f.ruleId === 'webhook/notification-url').map((f) => f.pointer)).toEqual([`${GET}/responses/200/schema/properties/hook/x-ms-notification-url`])
    }
  })
})
