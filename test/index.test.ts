import {describe, expect, it} from 'vitest'

import * as api from '../src/index.js'

describe('the programmatic API (src/index.ts)', () => {
  it('exports one core function per command, usable without the CLI', () => {
    for (const name of [
      'scaffoldConnector',
      'validateConnectors',
      'packageConnectors',
      'unpackSolution',
      'login',
      'logout',
      'whoami',
      'pushConnector',
      'pullConnector',
      'importSolutions',
      'exportSolution',
      'listConnectors',
      'listEnvironments',
      'exportConnectors',
      'importConnectors',
      'migrateConnectors',
      'syncIdentity',
      'pruneCredentials',
      'createEntraApp',
      'startEmulator',
      'resetEmulator',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function')
    }
    expect(new api.CcError('x', {code: 'X'}).exitCode).toBe(api.ExitCode.failed)
  })
})
