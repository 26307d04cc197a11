import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadConnector} from '../../../src/core/connector/load.js'
import {contentOf, writeConnector} from '../../../src/core/connector/write.js'
import {CcError} from '../../../src/core/errors.js'
import {corpusConnectors} from '../../helpers/corpus.js'
import {tempDir} from '../../helpers/temp-dir.js'

const swagger = {swagger: '2.0', info: {title: 'Demo', description: 'A demo connector for tests.', version: '1.0'}, host: 'api.example.com', paths: {}}

function folder(files: Record<string, string | Buffer>): string {
  const dir = tempDir()
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return dir
}

describe('loadConnector', () => {
  it('loads the canonical files', async () => {
    const dir = folder({
      'apiDefinition.swagger.json': JSON.stringify(swagger),
      'apiProperties.json': '{"properties": {"iconBrandColor": "#da3b01"}}',
      'icon.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      'script.csx': 'public class Script : ScriptBase {}',
      'readme.md': '# Demo',
      'notes.txt': 'x',
    })
    const connector = await loadConnector(dir)
    expect(connector.problems).toEqual([])
    expect(connector.apiDefinition?.value).toEqual(swagger)
    expect(connector.apiProperties?.value?.properties?.iconBrandColor).toBe('#da3b01')
    expect(connector.icon?.bytes.length).toBe(4)
    expect(connector.script?.text).toContain('ScriptBase')
    expect(connector.readme?.name).toBe('readme.md')
    expect(connector.otherFiles).toEqual(['notes.txt'])
  })

  it('accepts other file-name cases, a BOM, and reports the BOM as info', async () => {
    const dir = folder({
      'apidefinition.swagger.json': '\uFEFF' + JSON.stringify(swagger),
      'ApiProperties.json': '{"properties": {}}',
      'Script.csx': '\uFEFFclass Script {}',
      'README.MD': 'x',
    })
    const connector = await loadConnector(dir)
    expect(connector.apiDefinition?.name).toBe('apidefinition.swagger.json')
    expect(connector.apiDefinition?.value).toEqual(swagger)
    expect(connector.script?.text).toBe('class Script {}')
    expect(connector.readme?.name).toBe('README.MD')
    expect(connector.problems).toEqual([expect.objectContaining({ruleId: 'file-bom', severity: 'info', file: 'apidefinition.swagger.json', line: 1, column: 1})])
  })

  it('reports broken JSON, duplicate keys and bad UTF-8 with file and line:column', async () => {
    const dir = folder({
      'apiDefinition.swagger.json': '{\n  "swagger": "2.0",\n  "info": {"title": "x",},\n  "paths": {}\n}',
      'apiProperties.json': '{\n  "properties": {\n    "iconBrandColor": "#fff",\n    "iconBrandColor": "#000"\n  }\n}',
      'script.csx': Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x63]),
    })
    const connector = await loadConnector(dir)
    const summary = connector.problems.map((p) => `${p.ruleId} ${p.file}:${p.line}:${p.column}`)
    expect(summary).toEqual([
      'json-syntax apiDefinition.swagger.json:3:24',
      'json-duplicate-key apiProperties.json:4:5',
      'file-encoding script.csx:2:2',
    ])
    expect(connector.apiDefinition?.value).toMatchObject({info: {title: 'x'}})
    expect(connector.apiProperties?.value?.properties?.iconBrandColor).toBe('#000')
  })

  it('reads a YAML API definition', async () => {
    const dir = folder({'apiDefinition.swagger.yaml': 'swagger: "2.0"\ninfo:\n  title: Demo\n  version: "1.0"\npaths: {}\n', 'apiProperties.json': '{"properties":{}}'})
    const connector = await loadConnector(dir)
    expect(connector.apiDefinition?.format).toBe('yaml')
    expect(connector.apiDefinition?.value).toEqual({swagger: '2.0', info: {title: 'Demo', version: '1.0'}, paths: {}})
    const broken = await loadConnector(folder({'apiDefinition.swagger.yaml': 'a: [1,\nb: 2\n', 'apiProperties.json': '{}'}))
    expect(broken.problems[0]).toMatchObject({ruleId: 'yaml-syntax', file: 'apiDefinition.swagger.yaml'})
  })

  it('follows paconn settings.json file names', async () => {
    const dir = folder({
      'settings.json': JSON.stringify({apiDefinition: 'def.swagger.json', apiProperties: 'props.json', icon: null}),
      'def.swagger.json': JSON.stringify(swagger),
      'props.json': '{"properties":{}}',
    })
    const connector = await loadConnector(dir)
    expect(connector.apiDefinition?.name).toBe('def.swagger.json')
    expect(connector.apiProperties?.name).toBe('props.json')
  })

  it('reports missing files as problems and a missing folder as CONNECTOR_NOT_FOUND', async () => {
    const connector = await loadConnector(folder({}))
    expect(connector.problems.map((p) => p.ruleId)).toEqual(['file-missing', 'file-missing'])
    await expect(loadConnector(join(tempDir(), 'nope'))).rejects.toMatchObject({code: 'CONNECTOR_NOT_FOUND'})
    await expect(loadConnector(join(folder({'a.txt': 'x'}), 'a.txt'))).rejects.toBeInstanceOf(CcError)
  })

  it('takes the file names it is given instead of listing the folder, and names a listed file it cannot read', async () => {
    const dir = folder({'apiDefinition.swagger.json': JSON.stringify(swagger), 'apiProperties.json': '{"properties": {}}', 'icon.png': 'not a png'})
    const listed = await loadConnector(dir)
    // Only the names given are used: the icon is not there for this load.
    const given = await loadConnector(dir, {files: ['apiDefinition.swagger.json', 'apiProperties.json']})
    expect(given.apiDefinition?.value).toEqual(listed.apiDefinition?.value)
    expect(given.apiProperties?.value).toEqual(listed.apiProperties?.value)
    expect(listed.icon?.name).toBe('icon.png')
    expect(given.icon).toBeUndefined()
    // A name that was listed but is gone by the time it is read.
    const error = await loadConnector(dir, {files: ['apiDefinition.swagger.json', 'readme.md']}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CcError)
    expect(error).toMatchObject({code: 'FILE_UNREADABLE', file: join(dir, 'readme.md')})
    expect((error as CcError).message).toBe(`Cannot read ${join(dir, 'readme.md')} (ENOENT).`)
  })
})

describe('writeConnector', () => {
  it('writes canonical names with key order kept and refuses unreadable content', async () => {
    const out = join(tempDir(), 'nested', 'demo')
    mkdirSync(out, {recursive: true})
    await writeConnector(out, {apiDefinition: {info: {title: 'T'}, swagger: '2.0'}, apiProperties: {properties: {z: 1, a: 2}}, icon: Buffer.from('png')})
    expect(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8')).toBe('{\n  "info": {\n    "title": "T"\n  },\n  "swagger": "2.0"\n}\n')
    expect(readFileSync(join(out, 'apiProperties.json'), 'utf8')).toBe('{\n  "properties": {\n    "z": 1,\n    "a": 2\n  }\n}\n')
    const broken = await loadConnector(folder({'apiDefinition.swagger.json': '{', 'apiProperties.json': '{}'}))
    expect(() => contentOf(broken)).toThrow(/is not valid JSON/)
    expect(contentOf(broken, {tolerant: true}).apiDefinition).toEqual({})
  })
})

describe('the connector corpus', () => {
  const dirs = corpusConnectors()

  it('has the expected size', () => {
    expect(dirs.length).toBeGreaterThan(700)
  })

  it('loads every connector without a crash and round-trips it without changing its meaning', async () => {
    const out = tempDir('roundtrip-')
    let unreadable = 0
    for (const [index, dir] of dirs.entries()) {
      const first = await loadConnector(dir)
      for (const p of first.problems) {
        expect(p.file, dir).toBeTruthy()
        if (p.ruleId.startsWith('json') || p.ruleId === 'file-encoding') expect(p.line, `${dir} ${p.message}`).toBeGreaterThan(0)
      }
      if (!first.apiDefinition?.doc.strict || !first.apiProperties?.doc.strict) {
        unreadable++
        continue
      }
      const target = join(out, String(index))
      await writeConnector(target, contentOf(first))
      const second = await loadConnector(target)
      expect(second.problems.filter((p) => p.severity === 'error'), dir).toEqual([])
      expect(second.apiDefinition?.value, dir).toEqual(first.apiDefinition.value)
      expect(second.apiProperties?.value, dir).toEqual(first.apiProperties.value)
      expect(second.icon?.bytes.equals(first.icon?.bytes ?? Buffer.alloc(0)) ?? !first.icon, dir).toBe(true)
      expect(second.script?.text, dir).toBe(first.script?.text)
    }
    // The corpus README and powerapps-api.md 7.2 list about 20 published files that are not strict JSON.
    expect(unreadable).toBeGreaterThan(0)
    expect(unreadable).toBeLessThan(25)
  }, 120_000)
})
