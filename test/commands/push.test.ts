import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import Push from '../../src/commands/push.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator, writeSimpleConnector} from '../helpers/sign-in-emulator.js'
import {writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {tempDir} from '../helpers/temp-dir.js'

const cwd = process.cwd()
afterEach(() => process.chdir(cwd))

describe('cc push', () => {
  it('prints what changed, the redirect URL and the portal link; --json has the same result', async () => {
    const emulator = await startTestEmulator()
    const dir = join(tempDir(), 'payments')
    writeSampleConnector(dir, {clientSecret: null})
    const env = commandEnv(emulator.url, {PAYMENTS_SECRET: 'secret-for-push-command'})
    const first = await runCommand(Push, [dir, '--target', 'rp', '--client-secret-env', 'PAYMENTS_SECRET'], env)
    expect(first.exitCode).toBe(0)
    const name = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).connectorId as string
    expect(first.stdout).toBe(
      [
        `Created Contoso Payments API in dev through Power Apps: ${name}`,
        `  redirect URL https://global.consent.azure-apim.net/redirect/${name.replace('shared_', '')}`,
        `  ${emulator.url}/make/environments/Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60/customconnectors`,
        '',
      ].join('\n'),
    )
    expect(first.stderr).toContain('OAuth client secret sent')
    expect(first.stderr).toContain(`Next: add https://global.consent.azure-apim.net/redirect/${name.replace('shared_', '')} to the redirect URIs of the OAuth app.`)

    const second = await runCommand(Push, [dir, '--target', 'rp', '--json'], env)
    expect(second.exitCode).toBe(0)
    expect(second.json).toMatchObject({status: 0, result: {action: 'updated', foundBy: 'settings.json', secret: 'kept by the service', connector: {name}}, warnings: []})
    expect(second.stdout).not.toContain('secret-for-push-command')
  })

  it('exits 2 naming the two ways to give a secret when an OAuth connector is created without one', async () => {
    const emulator = await startTestEmulator()
    const dir = join(tempDir(), 'payments')
    writeSampleConnector(dir, {clientSecret: null})
    const out = await runCommand(Push, [dir, '--target', 'rp', '--json'], commandEnv(emulator.url))
    expect(out.exitCode).toBe(2)
    expect(out.json).toMatchObject({code: 'OAUTH_SECRET_REQUIRED', file: join(dir, 'apiProperties.json')})
    expect(out.json.suggestions).toEqual(['cc push --client-secret-env CONNECTOR_CLIENT_SECRET   (the variable holds the secret)', 'printf %s "$SECRET" | cc push   (the secret on stdin)'])
  })

  it('uses --env from CC_ENV and the alias of cc.yaml in the current folder', async () => {
    const emulator = await startTestEmulator()
    const project = tempDir()
    writeFileSync(join(project, 'cc.yaml'), 'environments:\n  qa:\n    cloud: local\n    environmentId: prod\n')
    writeSimpleConnector(join(project, 'inventory'))
    process.chdir(project)
    const out = await runCommand(Push, ['inventory', '--target', 'rp', '--json'], commandEnv(emulator.url, {CC_ENV: 'qa'}))
    expect(out.exitCode).toBe(0)
    expect(out.json.result.environment).toEqual({ref: 'qa', alias: 'qa', id: 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d', displayName: 'prod', cloud: 'local'})
    expect(out.json.result.remembered).toEqual(['inventory/settings.json', 'cc.yaml'])
    expect(readFileSync(join(project, 'cc.yaml'), 'utf8')).toContain(`connectors:\n      inventory:\n        id: ${out.json.result.connector.name}\n`)
  })

  it('reports cc.yaml mistakes with the file, line and column', async () => {
    const project = tempDir()
    writeFileSync(join(project, 'cc.yaml'), 'environments:\n  qa:\n    cloud: azure\n')
    writeSimpleConnector(join(project, 'inventory'))
    process.chdir(project)
    const out = await runCommand(Push, ['inventory', '--env', 'qa', '--json'], commandEnv('http://127.0.0.1:9'))
    expect(out.exitCode).toBe(1)
    expect(out.json).toMatchObject({code: 'PROJECT_FILE_INVALID', line: 3, column: 12})
    expect(out.json.message).toContain('environments.qa.cloud must be one of public, usgov, usgovhigh, dod, china, local (got "azure")')
  })
})
