import {XMLParser} from 'fast-xml-parser'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {deterministicConnectorId} from '../../../src/core/naming/connector-names.js'
import {prepareSolution} from '../../../src/core/solution/prepare.js'
import type {SolutionFile} from '../../../src/core/solution/types.js'
import {solutionTestContext, tinyPng, writeSampleConnector} from '../../helpers/solution-zip-fixtures.js'

// Element order of real exports (dataverse-and-solutions.md 3.3 and 3.4): what we write must follow it.
const exportOrder = {
  solutionManifest: ['UniqueName', 'LocalizedNames', 'Descriptions', 'Version', 'Managed', 'Publisher', 'RootComponents', 'MissingDependencies'],
  publisher: ['UniqueName', 'LocalizedNames', 'Descriptions', 'EMailAddress', 'SupportingWebsiteUrl', 'CustomizationPrefix', 'CustomizationOptionValuePrefix', 'Addresses'],
  customizations: [
    'Entities', 'Roles', 'Workflows', 'FieldSecurityProfiles', 'Templates', 'EntityImageConfigs', 'AttributeImageConfigs', 'EntityMaps',
    'EntityRelationships', 'OrganizationSettings', 'optionsets', 'Dashboards', 'WebResources', 'CustomControls', 'SolutionPluginAssemblies',
    'SdkMessageProcessingSteps', 'AppModuleSiteMaps', 'AppModules', 'EntityDataProviders', 'EntityDataSources', 'CanvasApps', 'Connectors',
    'connectionreferences', 'managedidentities', 'Languages',
  ],
  connector: [
    'connectorid', 'description', 'displayname', 'iconbrandcolor', 'name', 'connectortype', 'scriptoperations', 'openapidefinition',
    'connectionparameters', 'connectionparametersets', 'policytemplateinstances', 'customcodeblobcontent', 'iconblob',
  ],
  envVar: ['defaultvalue', 'description', 'displayname', 'introducedversion', 'iscustomizable', 'isrequired', 'secretstore', 'type'],
}

type Ordered = Array<Record<string, unknown>>
const ordered = new XMLParser({preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false})

function parseOrdered(data: string | Buffer): Ordered {
  return ordered.parse(String(data)) as Ordered
}
function tagsOf(nodes: Ordered): string[] {
  return nodes.flatMap((n) => Object.keys(n).filter((k) => k !== ':@' && k !== '#text' && k !== '?xml'))
}
function child(nodes: Ordered, tag: string): Ordered {
  const node = nodes.find((n) => tag in n)
  if (!node) throw new Error(`no <${tag}>`)
  return node[tag] as Ordered
}
function childNode(nodes: Ordered, tag: string): Record<string, unknown> {
  const node = nodes.find((n) => tag in n)
  if (!node) throw new Error(`no <${tag}>`)
  return node
}
function text(nodes: Ordered, tag: string): string {
  return String((child(nodes, tag)[0] as {'#text'?: unknown} | undefined)?.['#text'] ?? '')
}
/** True when `actual` lists names of `order` in the same relative order (a subsequence). */
function followsOrder(actual: string[], order: string[]): boolean {
  let at = -1
  for (const name of actual) {
    const i = order.indexOf(name)
    if (i <= at) return false
    at = i
  }
  return true
}
function file(files: SolutionFile[], path: string): SolutionFile {
  const found = files.find((f) => f.path === path)
  if (!found) throw new Error(`no ${path} in ${files.map((f) => f.path).join(', ')}`)
  return found
}

describe('solution XML against the structure of real exports', async () => {
  const root = mkdtempSync(join(process.env.CC_TEST_ROOT ?? tmpdir(), 'cc-sol-'))
  afterAll(() => rmSync(root, {recursive: true, force: true}))
  writeSampleConnector(join(root, 'payments'))
  const context = solutionTestContext(root)
  const prepared = await prepareSolution(
    {connectors: ['payments'], publisherPrefix: 'contoso', publisherName: 'Contoso', solutionName: 'ContosoPayments', solutionVersion: '1.2.3.4', envVars: ['host'], project: null},
    context,
  )
  const name = 'contoso_contoso-20payments-20api'
  const id = deterministicConnectorId(name)

  it('lays the zip out as exports do: root files, Connector/ (singular), env var folders', () => {
    expect(prepared.files.map((f) => f.path)).toEqual([
      '[Content_Types].xml',
      'solution.xml',
      'customizations.xml',
      `Connector/${name}_openapidefinition.json`,
      `Connector/${name}_connectionparameters.json`,
      `Connector/${name}_policytemplateinstances.json`,
      `Connector/${name}_customcodeblobcontent.csx`,
      `Connector/${name}_iconblob.Png`,
      'environmentvariabledefinitions/contoso_ContosoPaymentsAPIHost/environmentvariabledefinition.xml',
    ])
  })

  it('writes solution.xml with the manifest elements in export order and a type-372 root component', () => {
    const data = String(file(prepared.files, 'solution.xml').data)
    expect(data.startsWith('\uFEFF<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
    const doc = parseOrdered(data.slice(1))
    const rootNode = childNode(doc, 'ImportExportXml')
    expect(rootNode[':@']).toMatchObject({SolutionPackageVersion: '9.2', languagecode: '1033', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance'})
    const manifest = child(child(doc, 'ImportExportXml'), 'SolutionManifest')
    expect(tagsOf(manifest)).toEqual(exportOrder.solutionManifest)
    expect(text(manifest, 'UniqueName')).toBe('ContosoPayments')
    expect(text(manifest, 'Version')).toBe('1.2.3.4')
    expect(text(manifest, 'Managed')).toBe('0')
    const publisher = child(manifest, 'Publisher')
    expect(tagsOf(publisher)).toEqual(exportOrder.publisher)
    expect(text(publisher, 'CustomizationPrefix')).toBe('contoso')
    expect(text(publisher, 'CustomizationOptionValuePrefix')).toMatch(/^[1-9]\d{4}$/)
    expect(childNode(publisher, 'EMailAddress')[':@']).toEqual({'xsi:nil': 'true'})
    const addresses = child(publisher, 'Addresses')
    expect(tagsOf(addresses)).toEqual(['Address', 'Address'])
    const roots = child(manifest, 'RootComponents').map((n) => n[':@'])
    expect(roots).toEqual([
      {type: '372', id: `{${id}}`, schemaName: name, behavior: '0'},
      {type: '380', schemaName: 'contoso_ContosoPaymentsAPIHost', behavior: '0'},
    ])
  })

  it('writes customizations.xml with the connector-only sibling nodes and the Connector children in export order', () => {
    const data = String(file(prepared.files, 'customizations.xml').data)
    expect(data.charCodeAt(0)).toBe(0xfeff)
    const doc = child(parseOrdered(data.slice(1)), 'ImportExportXml')
    const tags = tagsOf(doc)
    expect(followsOrder(tags, exportOrder.customizations)).toBe(true)
    expect(tags).toEqual(['Entities', 'Roles', 'Workflows', 'FieldSecurityProfiles', 'Templates', 'EntityMaps', 'EntityRelationships', 'OrganizationSettings', 'optionsets', 'CustomControls', 'EntityDataProviders', 'Connectors', 'Languages'])
    expect(child(doc, 'Workflows')).toEqual([])
    const connectors = child(doc, 'Connectors')
    expect(tagsOf(connectors)).toEqual(['Connector'])
    const connector = child(connectors, 'Connector')
    expect(tagsOf(connector)).toEqual([
      'connectorid', 'description', 'displayname', 'iconbrandcolor', 'name', 'connectortype', 'scriptoperations', 'openapidefinition',
      'connectionparameters', 'policytemplateinstances', 'customcodeblobcontent', 'iconblob',
    ])
    expect(followsOrder(tagsOf(connector), exportOrder.connector)).toBe(true)
    expect(text(connector, 'connectorid')).toBe(id)
    expect(text(connector, 'name')).toBe(name)
    expect(text(connector, 'displayname')).toBe('Contoso Payments API')
    expect(text(connector, 'description')).toBe('Payments & refunds <for> "Contoso".')
    expect(String(file(prepared.files, 'customizations.xml').data)).toContain('<description>Payments &amp; refunds &lt;for&gt; &quot;Contoso&quot;.</description>')
    expect(text(connector, 'connectortype')).toBe('1')
    expect(text(connector, 'scriptoperations')).toBe('["CreateRefund"]')
    expect(text(connector, 'openapidefinition')).toBe(`/Connector/${name}_openapidefinition.json`)
    expect(text(connector, 'iconblob')).toBe(`/Connector/${name}_iconblob.Png`)
    expect(tagsOf(child(doc, 'Languages'))).toEqual(['Language'])
  })

  it('writes [Content_Types].xml on one line with a BOM and a Default per extension, case kept', () => {
    const data = String(file(prepared.files, '[Content_Types].xml').data)
    expect(data).toBe(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="xml" ContentType="application/octet-stream"/><Default Extension="json" ContentType="application/octet-stream"/>' +
        '<Default Extension="csx" ContentType="application/octet-stream"/><Default Extension="Png" ContentType="application/octet-stream"/></Types>',
    )
  })

  it('writes the Connector/ files: the bare connectionParameters without the secret, JSON without BOM, bytes of icon and script', () => {
    const params = JSON.parse(String(file(prepared.files, `Connector/${name}_connectionparameters.json`).data))
    expect(Object.keys(params)).toEqual(['token'])
    expect(params.token.oAuthSettings.clientId).toBe('5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c')
    expect(params.token.oAuthSettings).not.toHaveProperty('clientSecret')
    for (const f of prepared.files) {
      if (typeof f.data === 'string') expect(f.data).not.toContain('s3cret-value')
      else expect(f.data.includes('s3cret-value')).toBe(false)
      if (f.path.endsWith('.json')) expect(String(f.data).charCodeAt(0)).not.toBe(0xfeff)
    }
    const swagger = JSON.parse(String(file(prepared.files, `Connector/${name}_openapidefinition.json`).data))
    expect(swagger.host).toBe('@environmentVariables("contoso_ContosoPaymentsAPIHost")')
    expect(swagger.paths['/payments'].get.responses['200'].schema.properties.count.example).toBe(9007199254740991)
    expect(JSON.parse(String(file(prepared.files, `Connector/${name}_policytemplateinstances.json`).data))[0].templateId).toBe('setheader')
    expect(file(prepared.files, `Connector/${name}_iconblob.Png`).data).toEqual(tinyPng)
    expect(String(file(prepared.files, `Connector/${name}_customcodeblobcontent.csx`).data)).toContain('class Script : ScriptBase')
    expect(context.warnings.some((w) => w.includes('clientSecret was left out'))).toBe(true)
  })

  it('writes environment variable definitions with their children in export order', () => {
    const data = String(file(prepared.files, 'environmentvariabledefinitions/contoso_ContosoPaymentsAPIHost/environmentvariabledefinition.xml').data)
    const definition = parseOrdered(data.slice(1))
    const node = childNode(definition, 'environmentvariabledefinition')
    expect(node[':@']).toEqual({schemaname: 'contoso_ContosoPaymentsAPIHost'})
    const children = node.environmentvariabledefinition as Ordered
    expect(tagsOf(children)).toEqual(exportOrder.envVar)
    expect(text(children, 'defaultvalue')).toBe('api.contoso.com')
    expect(text(children, 'type')).toBe('100000000')
    expect(text(children, 'introducedversion')).toBe('1.2.3.4')
    expect(childNode(children, 'displayname')[':@']).toEqual({default: 'Contoso Payments API: host'})
  })

  it('gives the same files for the same input', async () => {
    const again = await prepareSolution(
      {connectors: ['payments'], publisherPrefix: 'contoso', publisherName: 'Contoso', solutionName: 'ContosoPayments', solutionVersion: '1.2.3.4', envVars: ['host'], project: null},
      solutionTestContext(root),
    )
    expect(again.files).toEqual(prepared.files)
  })
})
