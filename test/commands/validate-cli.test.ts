import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {validateConnectors} from '../../src/core/validate/validate.js'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'
import {connectorWith, context, writeConnectorFolder} from '../helpers/validate-fixtures.js'

describe('cc validate (built CLI)', () => {
  it('validates many connectors on worker threads with the same findings as in one thread', async () => {
    const root = tempDir('validate-cli-')
    for (let i = 0; i < 30; i++) {
      writeConnectorFolder(
        connectorWith((s) => {
          if (i % 3 === 0) s.paths['/items'].post.operationId = 'GetItem'
          if (i % 4 === 0) delete s.paths['/items/{itemId}'].get.parameters[0]['x-ms-url-encoding']
          if (i % 5 === 0) s.info.title = `Contoso API ${i}`
        }),
        `c${String(i).padStart(2, '0')}`,
        join(root, 'connectors'),
      )
    }
    const cli = await runCli(['validate', '--json'], {cwd: root, env: {CC_VALIDATE_THREADS: '2'}})
    expect(cli.exitCode).toBe(3)
    const inProcess = await validateConnectors({threads: 0}, context(root))
    expect(cli.json.result).toEqual(JSON.parse(JSON.stringify(inProcess)))
    expect(cli.json.result.summary).toMatchObject({connectors: 30, errors: 10, warnings: 8})
    const small = await runCli(['validate', join(root, 'connectors', 'c01'), '--format', 'github'], {cwd: root})
    expect(small.exitCode).toBe(0)
    expect(small.stdout).toBe('')
  }, 60_000)
})
