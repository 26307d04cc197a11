import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadConnector} from '../../../src/core/connector/load.js'
import {preflightValidate} from '../../../src/core/validate/preflight.js'
import {tempDir} from '../../helpers/temp-dir.js'
import {connectorWith, writeConnectorFolder} from '../../helpers/validate-fixtures.js'

describe('preflightValidate (cc package, cc push)', () => {
  it('passes connectors with warnings only, and runs the base profile even when cc.yaml asks for certification', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'cc.yaml'), 'validation:\n  profile: certification\n')
    const dir = writeConnectorFolder(connectorWith((s) => (s.info.title = 'Contoso Items API Connector')), 'warned', root)
    await expect(preflightValidate([await loadConnector(dir)], {cwd: root})).resolves.toBeUndefined()
  })

  it('throws VALIDATION_FAILED (exit 3) naming the first errors with their places', async () => {
    const root = tempDir()
    const dir = writeConnectorFolder(connectorWith((s) => (s.paths['/items'].post.operationId = 'GetItem')), 'broken', root)
    const error = await preflightValidate([await loadConnector(dir)], {cwd: root}).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'VALIDATION_FAILED', exitCode: 3, file: 'broken/apiDefinition.swagger.json', line: expect.any(Number)})
    expect((error as Error).message).toMatch(/Validation found 1 error:\n {2}broken\/apiDefinition\.swagger\.json:\d+:\d+ operationId "GetItem" is also used by GET \/items\/\{itemId\} \(operation\/id-unique\)/)
    expect((error as {suggestions: string[]}).suggestions.join(' ')).toContain('--no-validate')
  })

  it('follows the rule levels of cc.yaml', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'cc.yaml'), 'validation:\n  rules:\n    operation/id-unique: warning\n')
    const dir = writeConnectorFolder(connectorWith((s) => (s.paths['/items'].post.operationId = 'GetItem')), 'broken', root)
    await expect(preflightValidate([await loadConnector(dir)], {cwd: root})).resolves.toBeUndefined()
  })
})
