import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {type Node, parseTree} from 'jsonc-parser'

import {silentReporter, type CoreContext} from '../../src/core/context.js'
import type {Finding, Profile} from '../../src/core/validate/types.js'
import {validateConnectors, type ValidationResult} from '../../src/core/validate/validate.js'
import {encodePng, hexColor} from './scaffold-icons.js'
import {tempDir} from './temp-dir.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A small connector that passes every rule of both profiles: the starting point of each rule test. */
export function cleanSwagger(): any {
  return {
    swagger: '2.0',
    info: {
      title: 'Contoso Items',
      description: 'Manage the items of a Contoso account from flows and apps.',
      version: '1.0',
      contact: {name: 'Contoso', url: 'https://contoso.com', email: 'support@contoso.com'},
    },
    host: 'api.itemcloud.io',
    basePath: '/v1',
    schemes: ['https'],
    consumes: ['application/json'],
    produces: ['application/json'],
    paths: {
      '/items/{itemId}': {
        get: {
          summary: 'Get an item',
          description: 'Gets one item by its id.',
          operationId: 'GetItem',
          parameters: [
            {name: 'itemId', in: 'path', required: true, type: 'string', 'x-ms-summary': 'Item ID', description: 'The id of the item.', 'x-ms-url-encoding': 'single'},
          ],
          responses: {'200': {description: 'OK', schema: {$ref: '#/definitions/Item'}}},
        },
      },
      '/items': {
        post: {
          summary: 'Create an item',
          description: 'Creates an item.',
          operationId: 'CreateItem',
          parameters: [{name: 'body', in: 'body', required: true, 'x-ms-summary': 'Item', description: 'The new item.', schema: {$ref: '#/definitions/Item'}}],
          responses: {'201': {description: 'Created', schema: {$ref: '#/definitions/Item'}}},
        },
      },
    },
    definitions: {
      Item: {
        type: 'object',
        required: ['name'],
        properties: {
          id: {type: 'string', readOnly: true, 'x-ms-summary': 'ID', description: 'The id of the item.'},
          name: {type: 'string', 'x-ms-summary': 'Name', description: 'The name of the item.'},
        },
      },
    },
    securityDefinitions: {api_key: {type: 'apiKey', in: 'header', name: 'X-API-Key'}},
    security: [{api_key: []}],
    'x-ms-connector-metadata': [
      {propertyName: 'Website', propertyValue: 'https://contoso.com'},
      {propertyName: 'Privacy policy', propertyValue: 'https://contoso.com/privacy'},
      {propertyName: 'Categories', propertyValue: 'Productivity'},
    ],
  }
}

export function cleanProperties(): any {
  return {
    properties: {
      connectionParameters: {
        api_key: {
          type: 'securestring',
          uiDefinition: {displayName: 'API Key', description: 'The API key of your Contoso account.', tooltip: 'Provide your API key', constraints: {tabIndex: 2, clearText: false, required: 'true'}},
        },
      },
      iconBrandColor: '#0f6cbd',
      capabilities: [],
      publisher: 'Contoso',
      stackOwner: 'Contoso',
    },
  }
}

export const cleanScript = `using System.Net;
using Newtonsoft.Json.Linq;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        if (this.Context.OperationId == "GetItem")
        {
            return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        }
        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
    }
}
`

/** A 230×230 opaque PNG of one colour. */
export function solidIcon(color = '#0f6cbd', size = 230): Buffer {
  const [r, g, b] = hexColor(color)
  const rgb = new Uint8Array(size * size * 3)
  for (let i = 0; i < rgb.length; i += 3) rgb.set([r, g, b], i)
  return encodePng(size, size, rgb)
}

export interface ConnectorFiles {
  /** Objects are written as JSON with 2-space indentation; strings are written as they are. */
  swagger?: unknown
  properties?: unknown
  script?: string
  icon?: Buffer
  readme?: string
  /** More files, by name. */
  extra?: Record<string, string | Buffer>
}

export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n'
}

/** Writes a connector folder (in a fresh temp folder) and returns its path. */
export function writeConnectorFolder(files: ConnectorFiles, name = 'contoso-items', parent = tempDir('validate-')): string {
  const dir = join(parent, name)
  mkdirSync(dir, {recursive: true})
  if (files.swagger !== undefined) writeFileSync(join(dir, 'apiDefinition.swagger.json'), jsonText(files.swagger))
  if (files.properties !== undefined) writeFileSync(join(dir, 'apiProperties.json'), jsonText(files.properties))
  if (files.script !== undefined) writeFileSync(join(dir, 'script.csx'), files.script)
  if (files.icon !== undefined) writeFileSync(join(dir, 'icon.png'), files.icon)
  if (files.readme !== undefined) writeFileSync(join(dir, 'readme.md'), files.readme)
  for (const [file, content] of Object.entries(files.extra ?? {})) writeFileSync(join(dir, file), content)
  return dir
}

/** The clean connector, with readme and icon, after a change to its swagger and properties objects. */
export function connectorWith(change: (swagger: any, properties: any) => void = () => {}, more: ConnectorFiles = {}): ConnectorFiles {
  const swagger = cleanSwagger()
  const properties = cleanProperties()
  change(swagger, properties)
  return {swagger, properties, readme: '# Contoso Items\n\nManage Contoso items.\n', icon: solidIcon(), ...more}
}

export function context(cwd: string): CoreContext {
  return {configDir: cwd, cwd, env: {}, reporter: silentReporter, interactive: false}
}

/** Validates one connector folder; finding paths are relative to its parent folder. */
export async function validateFolder(dir: string, profile: Profile = 'base', cwd = join(dir, '..')): Promise<ValidationResult> {
  return validateConnectors({paths: [dir], profile}, context(cwd))
}

export async function findingsOf(files: ConnectorFiles, profile: Profile = 'base'): Promise<{findings: Finding[]; dir: string}> {
  const dir = writeConnectorFolder(files)
  const result = await validateFolder(dir, profile)
  return {findings: result.connectors[0]!.findings, dir}
}

/**
 * Where a JSON pointer is in a text, computed independently of cc (jsonc-parser's syntax tree): the property name
 * with `key`, else the value. 1-based line and column.
 */
export function positionOf(text: string, pointer: string, target: 'key' | 'value' = 'value'): {line: number; column: number} {
  const root = parseTree(text.replace(/^\uFEFF/, ''))
  if (!root) throw new Error('text does not parse')
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
  let node: Node | undefined = root
  for (const segment of segments) {
    if (!node) break
    if (node.type === 'array') node = node.children?.[Number(segment)]
    else node = node.children?.findLast((p) => p.children?.[0]?.value === segment)?.children?.[1]
  }
  if (!node) throw new Error(`no node at ${pointer}`)
  const offset = target === 'key' && node.parent?.type === 'property' ? node.parent.children![0]!.offset : node.offset
  const before = text.replace(/^\uFEFF/, '').slice(0, offset)
  const lines = before.split('\n')
  return {line: lines.length, column: lines.at(-1)!.length + 1}
}
