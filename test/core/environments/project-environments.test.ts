import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import * as yaml from 'yaml'
import {describe, expect, it} from 'vitest'

import {parametersFor, parseProjectEnvironments, rememberConnectorIds} from '../../../src/core/environments/project-environments.js'
import {chooseEnvironment, loginCommandFor} from '../../../src/core/environments/resolve.js'
import {CcError} from '../../../src/core/errors.js'
import {tempDir} from '../../helpers/temp-dir.js'

function parseError(text: string): CcError {
  try {
    parseProjectEnvironments('/p/cc.yaml', text, yaml)
  } catch (error) {
    if (error instanceof CcError) return error
    throw error
  }
  throw new Error('expected an error')
}

describe('cc.yaml environments', () => {
  it('reads environments, aliases, parameters and remembered ids', () => {
    const parsed = parseProjectEnvironments(
      '/p/cc.yaml',
      [
        'defaultEnvironment: dev',
        'environments:',
        '  dev:',
        '    environmentId: Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60',
        '    tenant: contoso.onmicrosoft.com',
        '    dataverseUrl: https://contoso-dev.crm.dynamics.com/',
        '    solution: ContosoConnectors',
        '    parameters: {host: api-dev.contoso.com, scopes: [a, b], definition: {/info/title: Dev}}',
        '    connectors:',
        '      payments: {id: shared_x, parameters: {host: pay-dev.contoso.com}}',
        '  gov:',
        '    cloud: usgov',
        '    environmentId: 3f6d2a1b-7c84-4e59-a0b3-6c2d1e0f9a87',
        '    services: {powerAppsUrl: "https://gov.api.powerapps.us/"}',
      ].join('\n'),
      yaml,
    )
    expect(parsed.defaultEnvironment).toBe('dev')
    const dev = parsed.environments.get('dev')!
    expect(dev).toMatchObject({cloud: 'public', dataverseUrl: 'https://contoso-dev.crm.dynamics.com', solution: 'ContosoConnectors', place: {line: 3, column: 3}})
    expect(parametersFor(dev, 'payments')).toEqual({host: 'pay-dev.contoso.com', scopes: ['a', 'b'], definition: {'/info/title': 'Dev'}})
    expect(parametersFor(dev, 'other')).toEqual({host: 'api-dev.contoso.com', scopes: ['a', 'b'], definition: {'/info/title': 'Dev'}})
    expect(dev.connectors.payments!.id).toBe('shared_x')
    expect(parsed.environments.get('gov')!.services).toEqual({powerAppsUrl: 'https://gov.api.powerapps.us'})
  })

  it('points at the exact key of every mistake', () => {
    expect(parseError('environments:\n  dev:\n    environmentId: x\n    colud: public\n')).toMatchObject({code: 'PROJECT_FILE_INVALID', line: 4, column: 5, message: expect.stringContaining('unknown setting "colud"')})
    expect(parseError('environments:\n  dev:\n    cloud: local\n    parameters:\n      hots: x\n')).toMatchObject({line: 5, column: 7, message: expect.stringContaining('unknown parameter "hots"')})
    expect(parseError('environments:\n  dev:\n    cloud: public\n')).toMatchObject({line: 2, column: 3, message: expect.stringContaining('needs an environmentId')})
    expect(parseError('environments:\n  dev:\n    cloud: local\n    dataverseUrl: not a url\n')).toMatchObject({line: 4, column: 19})
    expect(parseError('defaultEnvironment: prod\nenvironments:\n  dev: {cloud: local}\n')).toMatchObject({line: 1, column: 21, message: expect.stringContaining('"prod" is not one of the environments (dev)')})
    expect(parseError('environments: [\n')).toMatchObject({code: 'PROJECT_FILE_INVALID', message: expect.stringContaining('is not valid YAML')})
  })

  it('writes ids back in place, keeping comments, and creates missing sections', async () => {
    const dir = tempDir()
    const path = join(dir, 'cc.yaml')
    writeFileSync(path, '# top comment\nenvironments:\n  # the dev one\n  dev:\n    environmentId: Default-1 # from cc env list\n    connectors:\n')
    expect(await rememberConnectorIds(path, 'dev', 'payments', {id: 'shared_p', dataverseId: 'd-1'})).toBe(true)
    expect(await rememberConnectorIds(path, 'dev', 'payments', {id: 'shared_p'})).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe('# top comment\nenvironments:\n  # the dev one\n  dev:\n    environmentId: Default-1 # from cc env list\n    connectors:\n      payments:\n        id: shared_p\n        dataverseId: d-1\n')
  })

  it('chooses --env, then CC_ENV, then defaultEnvironment, then local; and names the login for each', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'cc.yaml'), 'defaultEnvironment: dev\nenvironments:\n  dev: {cloud: local, environmentId: test}\n')
    expect(await chooseEnvironment({env: 'Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60'}, {cwd, env: {}})).toMatchObject({kind: 'id', source: 'option', cloud: 'public'})
    expect(await chooseEnvironment({}, {cwd, env: {CC_ENV: 'local:prod'}})).toMatchObject({kind: 'local', source: 'CC_ENV', localName: 'prod'})
    expect(await chooseEnvironment({}, {cwd, env: {}})).toMatchObject({kind: 'local', source: 'cc.yaml defaultEnvironment', alias: 'dev', localName: 'test'})
    const bare = await chooseEnvironment({}, {cwd: tempDir(), env: {}})
    expect(bare).toMatchObject({ref: 'local', source: 'default', kind: 'local'})
    expect(loginCommandFor(bare)).toBe('cc login')
    const byName = await chooseEnvironment({env: 'Contoso (default)', cloud: 'usgov', tenant: 'contoso.onmicrosoft.us'}, {cwd, env: {}})
    expect(byName).toMatchObject({kind: 'name', displayName: 'Contoso (default)'})
    expect(loginCommandFor(byName, 'device-code')).toBe('cc login --env "Contoso (default)" --cloud usgov --tenant contoso.onmicrosoft.us --method device-code')
  })
})
