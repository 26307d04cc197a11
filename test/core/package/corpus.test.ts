import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadConnector} from '../../../src/core/connector/load.js'
import {CcError} from '../../../src/core/errors.js'
import {packageConnectors} from '../../../src/core/package/index.js'
import {stripSecrets} from '../../../src/core/package/secrets.js'
import {readZip} from '../../../src/core/zip/read.js'
import {corpusConnectors} from '../../helpers/corpus.js'
import {areaTestContext} from '../../helpers/scaffold-context.js'
import {tempDir} from '../../helpers/temp-dir.js'

describe('cc package on the corpus', () => {
  it('packages every real connector (no validation) without changing its meaning, or says which file is not JSON', {timeout: 300_000}, async () => {
    const dirs = corpusConnectors()
    expect(dirs.length).toBeGreaterThan(700)
    const cwd = tempDir()
    const refused: string[] = []
    let packaged = 0
    for (const [i, dir] of dirs.entries()) {
      const out = join(cwd, `${i}.zip`)
      let result
      try {
        result = await packageConnectors({paths: [dir], out, validate: false}, areaTestContext(cwd))
      } catch (error) {
        expect(error, dir).toBeInstanceOf(CcError)
        expect((error as CcError).code, dir).toBe('CONNECTOR_UNREADABLE')
        const connector = await loadConnector(dir)
        expect(connector.apiDefinition?.doc.strict === false || connector.apiProperties?.doc.strict === false, dir).toBe(true)
        refused.push(dir)
        continue
      }
      packaged++
      const connector = await loadConnector(dir)
      const files = await readZip(out)
      const swagger = files.get('apiDefinition.swagger.json')!.toString('utf8')
      if (connector.apiDefinition!.format === 'json') expect(swagger, dir).toBe(connector.apiDefinition!.doc.text)
      else expect(JSON.parse(swagger), dir).toEqual(connector.apiDefinition!.value)
      const properties = JSON.parse(files.get('apiProperties.json')!.toString('utf8'))
      expect(properties, dir).toEqual(stripSecrets(connector.apiProperties!.value).value)
      expect(JSON.stringify(properties), dir).not.toMatch(/"oAuthSettings":\{[^{}]*"clientSecret"/i)
      if (connector.icon) expect(files.get('icon.png')!.equals(readFileSync(connector.icon.path)), dir).toBe(true)
      if (connector.script) expect(files.get('script.csx')!.toString('utf8'), dir).toBe(connector.script.text)
      expect(result.packages[0]!.files.map((f) => f.path)).toEqual([...files.keys()])
    }
    // The corpus has a handful of definitions that are not strict JSON (validation-rules.md §7.3).
    expect(refused.length).toBeLessThan(30)
    expect(packaged + refused.length).toBe(dirs.length)
  })
})
