import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import Validate from '../../src/commands/validate.js'
import {runCommand} from '../helpers/run-command.js'
import {tempDir} from '../helpers/temp-dir.js'
import {cleanScript, connectorWith, writeConnectorFolder} from '../helpers/validate-fixtures.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

async function inFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd()
  process.chdir(dir)
  try {
    return await fn()
  } finally {
    process.chdir(before)
  }
}

/** A project folder with connectors/good (clean), connectors/broken (a duplicate operationId) and connectors/warned (a warning). */
function project(): string {
  const root = tempDir('validate-cmd-')
  const connectors = join(root, 'connectors')
  writeConnectorFolder(connectorWith(undefined, {script: cleanScript}), 'good', connectors)
  writeConnectorFolder(connectorWith((s) => (s.paths['/items'].post.operationId = 'GetItem')), 'broken', connectors)
  writeConnectorFolder(connectorWith((s) => delete s.paths['/items/{itemId}'].get.parameters[0]['x-ms-url-encoding']), 'warned', connectors)
  return root
}

describe('cc validate', () => {
  it('finds every connector under connectors/ and exits 3 on errors, with an ESLint-like report and code frames', async () => {
    const root = project()
    const out = await inFolder(root, () => runCommand(Validate, []))
    expect(out.exitCode).toBe(3)
    expect(out.stdout).toContain('connectors/broken/apiDefinition.swagger.json')
    const line = out.stdout.split('\n').find((l) => l.includes('operation/id-unique'))!
    expect(line).toMatch(/^\s+\d+:\d+\s+error\s+operationId "GetItem" is also used by GET \/items\/\{itemId\}\s+operation\/id-unique \(OperationIdNotUnique\)$/)
    const [lineNo, column] = /(\d+):(\d+)/.exec(line)!.slice(1).map(Number)
    const text = readFileSync(join(root, 'connectors/broken/apiDefinition.swagger.json'), 'utf8').split('\n')
    expect(text[lineNo! - 1]!.slice(column! - 1)).toMatch(/^"GetItem"/)
    expect(out.stdout).toContain(`> ${lineNo} | ${text[lineNo! - 1]}`)
    expect(out.stdout).toContain('Fix: Give each operation its own operationId.')
    expect(out.stdout).toMatch(/✖ 2 problems \(1 error, 1 warning, 0 infos\) in 3 connectors \(base profile\)/)
  })

  it('exits 0 on warnings, and 3 when they exceed --max-warnings', async () => {
    const root = project()
    const warned = join(root, 'connectors', 'warned')
    const ok = await inFolder(root, () => runCommand(Validate, [warned]))
    expect(ok.exitCode).toBe(0)
    expect(ok.stdout).toContain('params/path-encoding')
    const strict = await inFolder(root, () => runCommand(Validate, [warned, '--max-warnings', '0', '--json']))
    expect(strict.exitCode).toBe(3)
    expect(strict.json.result.summary).toMatchObject({warnings: 1, maxWarnings: 0, passed: false})
  })

  it('prints the envelope with --json: findings with rule, Microsoft code, file, pointer, line and column', async () => {
    const root = project()
    const out = await inFolder(root, () => runCommand(Validate, ['connectors/broken', '--json']))
    expect(out.exitCode).toBe(3)
    expect(out.json.status).toBe(3)
    const {result} = out.json
    expect(result.profile).toBe('base')
    expect(result.connectors).toHaveLength(1)
    expect(result.connectors[0]).toMatchObject({path: 'connectors/broken', name: 'broken', profile: 'base', summary: {errors: 1, warnings: 0, infos: 0}})
    expect(result.connectors[0].findings[0]).toEqual({
      ruleId: 'operation/id-unique',
      msCode: 'OperationIdNotUnique',
      severity: 'error',
      file: 'connectors/broken/apiDefinition.swagger.json',
      pointer: '/paths/~1items/post/operationId',
      line: expect.any(Number),
      column: expect.any(Number),
      message: 'operationId "GetItem" is also used by GET /items/{itemId}',
      fix: 'Give each operation its own operationId.',
    })
    expect(result.summary).toEqual({connectors: 1, failedConnectors: 1, errors: 1, warnings: 0, infos: 0, passed: false})
  })

  it('--format json prints the result without the envelope', async () => {
    const root = project()
    const out = await inFolder(root, () => runCommand(Validate, ['connectors/good', '--format', 'json']))
    expect(out.exitCode).toBe(0)
    expect(out.json.connectors[0].findings).toEqual([])
    expect(out.json.summary.passed).toBe(true)
  })

  it('--format sarif writes a valid SARIF 2.1.0 log with rule metadata and relative locations', async () => {
    const root = project()
    const out = await inFolder(root, () => runCommand(Validate, ['--format', 'sarif']))
    expect(out.exitCode).toBe(3)
    const log = out.json
    const require = createRequire(import.meta.url)
    const Ajv = require('ajv-draft-04')
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
    const ajv = new Ajv({allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false})
    const valid = ajv.validate(schema, log)
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors?.slice(0, 3))).toEqual([])
    expect(valid).toBe(true)
    expect(log.version).toBe('2.1.0')
    const run = log.runs[0]
    expect(run.tool.driver.name).toBe('cc')
    expect(run.tool.driver.rules.length).toBeGreaterThan(150)
    const result = run.results.find((r: any) => r.ruleId === 'operation/id-unique')
    expect(result.level).toBe('error')
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('operation/id-unique')
    expect(result.locations[0].physicalLocation.artifactLocation).toEqual({uri: 'connectors/broken/apiDefinition.swagger.json', uriBaseId: '%SRCROOT%'})
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(1)
    expect(result.locations[0].logicalLocations[0].fullyQualifiedName).toBe('/paths/~1items/post/operationId')
    expect(run.results.find((r: any) => r.ruleId === 'params/path-encoding').level).toBe('warning')
  })

  it('--format github prints workflow commands with escaped properties', async () => {
    const root = project()
    const out = await inFolder(root, () => runCommand(Validate, ['--format', 'github']))
    expect(out.exitCode).toBe(3)
    const lines = out.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^::error file=connectors\/broken\/apiDefinition\.swagger\.json,line=\d+,col=\d+,title=operation\/id-unique::operationId "GetItem" is also used by GET \/items\/\{itemId\}%0AFix: Give each operation its own operationId\.$/)
    expect(lines[1]).toMatch(/^::warning file=connectors\/warned\/apiDefinition\.swagger\.json,line=\d+,col=\d+,title=params\/path-encoding::/)
    expect(out.stderr).toContain('1 errors, 1 warnings, 0 infos in 3 connectors')
  })

  it('--profile certification adds the content rules; --quiet shows errors only', async () => {
    const root = project()
    const dir = writeConnectorFolder(connectorWith((s) => (s.info.title = 'Contoso Items API')), 'named', join(root, 'more'))
    const base = await inFolder(root, () => runCommand(Validate, [dir, '--json']))
    expect(base.json.result.summary.errors).toBe(0)
    const cert = await inFolder(root, () => runCommand(Validate, [dir, '--profile', 'certification']))
    expect(cert.exitCode).toBe(3)
    expect(cert.stdout).toContain('info/title-words')
    const quiet = await inFolder(root, () => runCommand(Validate, [join(root, 'connectors'), '--quiet']))
    expect(quiet.stdout).not.toContain('params/path-encoding')
    expect(quiet.stdout).toContain('operation/id-unique')
  })

  it('validates the current folder when it is a connector, and accepts a file inside one', async () => {
    const root = project()
    const good = join(root, 'connectors', 'good')
    const here = await inFolder(good, () => runCommand(Validate, ['--json']))
    expect(here.json.result.connectors.map((c: any) => c.path)).toEqual(['.'])
    const file = await inFolder(root, () => runCommand(Validate, ['connectors/warned/apiProperties.json', '--json']))
    expect(file.json.result.connectors.map((c: any) => c.name)).toEqual(['warned'])
  })

  it('uses the connectors folder named in cc.yaml, and its rule settings (off, re-levelled, per connector)', async () => {
    const root = project()
    writeFileSync(
      join(root, 'cc.yaml'),
      ['connectors: connectors', 'validation:', '  rules:', '    params/path-encoding: off', '  overrides:', '    - connectors: [connectors/broken]', '      rules:', '        operation/id-unique: warning', ''].join('\n'),
    )
    mkdirSync(join(root, 'sub'))
    const out = await inFolder(join(root, 'sub'), () => runCommand(Validate, ['--json']))
    expect(out.exitCode).toBe(0)
    const findings = out.json.result.connectors.flatMap((c: any) => c.findings)
    expect(findings.map((f: any) => [f.ruleId, f.severity])).toEqual([['operation/id-unique', 'warning']])
    // Paths outside the current folder are shown absolute (displayPath).
    expect(out.json.result.connectors.map((c: any) => c.path).sort()).toEqual(['broken', 'good', 'warned'].map((n) => join(root, 'connectors', n)))
  })

  it('reports a bad cc.yaml validation section with its line, and a bad path as a usage error', async () => {
    const root = project()
    writeFileSync(join(root, 'cc.yaml'), 'validation:\n  rules:\n    operation/id-uniqe: off\n')
    const bad = await inFolder(root, () => runCommand(Validate, ['--json']))
    expect(bad.exitCode).toBe(1)
    expect(bad.json).toMatchObject({code: 'PROJECT_FILE_INVALID', line: 3, column: 5})
    expect(bad.json.message).toContain('unknown rule "operation/id-uniqe"')
    expect(bad.json.suggestions[0]).toBe('Did you mean "operation/id-unique"?')
    writeFileSync(join(root, 'cc.yaml'), 'validation: [\n')
    const syntax = await inFolder(root, () => runCommand(Validate, ['--json']))
    expect(syntax.json).toMatchObject({code: 'PROJECT_FILE_INVALID', line: 2})
    const missing = await inFolder(tempDir(), () => runCommand(Validate, ['nope', '--json']))
    expect(missing.exitCode).toBe(2)
    expect(missing.json.code).toBe('PATH_NOT_FOUND')
    const empty = await inFolder(tempDir(), () => runCommand(Validate, ['--json']))
    expect(empty.exitCode).toBe(2)
    expect(empty.json.code).toBe('NO_CONNECTORS')
  })

  it('never prints the value of a secret, not even in a code frame', async () => {
    const root = tempDir()
    writeConnectorFolder(
      connectorWith((s, p) => {
        s.securityDefinitions = {oauth2_auth: {type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://login.contoso.com/authorize', tokenUrl: 'https://login.contoso.com/token', scopes: {}}}
        s.security = [{oauth2_auth: []}]
        p.properties.connectionParameters = {token: {type: 'oauthSetting', oAuthSettings: {identityProvider: 'oauth2', clientId: 'abc', clientSecret: 'S3cr3t-Value-9f8e7d', scopes: [], redirectMode: 'Global', redirectUrl: 'https://global.consent.azure-apim.net/redirect', customParameters: {authorizationUrl: {value: 'https://login.contoso.com/authorize'}, tokenUrl: {value: 'https://login.contoso.com/token'}}}}}
      }),
      'secret',
      root,
    )
    for (const args of [[], ['--json'], ['--format', 'sarif'], ['--format', 'github'], ['--profile', 'certification']]) {
      const out = await inFolder(root, () => runCommand(Validate, ['secret', ...args]))
      expect(out.stdout + out.stderr).toContain('props/no-secrets')
      expect(out.stdout + out.stderr).not.toContain('S3cr3t-Value-9f8e7d')
    }
  })
})
