import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Package from '../../src/commands/package.js'
import Pull from '../../src/commands/pull.js'
import Push from '../../src/commands/push.js'
import {withSession} from '../../src/core/environments/session.js'
import {importFailure} from '../../src/core/push/solution-import.js'
import {prepareSolution} from '../../src/core/solution/prepare.js'
import {zipToBuffer} from '../../src/core/zip/write.js'
import type {RunningEmulator} from '../../src/emulator/index.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator, testContext} from '../helpers/sign-in-emulator.js'
import {flowSolutionFiles, rawZip, solutionTestContext, writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {tempDir} from '../helpers/temp-dir.js'

/**
 * Issue 6, the import half: solution zips written by `cc package --kind solution` go into the emulator's
 * Dataverse through ImportSolution (`cc push --solution-zip`), the connector then exists on both surfaces, and
 * `cc pull --solution` exports it back (ExportSolution) into a zip and connector folders.
 */

let root: string
let emulator: RunningEmulator
let env: Record<string, string | undefined>
const cwd = process.cwd()

beforeEach(async () => {
  root = tempDir()
  writeSampleConnector(join(root, 'connectors', 'payments'))
  process.chdir(root)
  emulator = await startTestEmulator()
  env = commandEnv(emulator.url)
})
afterEach(() => process.chdir(cwd))

async function packageSolution(): Promise<{file: string; connectorId: string; name: string}> {
  const out = await runCommand(Package, ['connectors/payments', '--kind', 'solution', '--publisher-prefix', 'contoso', '--solution-name', 'Payments', '--out', 'dist/', '--json'])
  expect(out.exitCode).toBe(0)
  const connector = out.json.result.connectors[0]
  return {file: out.json.result.file, connectorId: connector.connectorId, name: connector.name}
}

/** The connector on both surfaces, read through cc's own clients: the Dataverse rows and the Power Apps registration. */
async function surfaces(internalId: string | undefined) {
  const ctx = testContext({emulatorUrl: emulator.url})
  return withSession({env: 'local'}, ctx, async (session) => {
    const env = await session.environment()
    const rows = await (await session.dataverse()).listConnectors()
    const api = internalId ? await session.powerApps.getConnector(env.environmentId, internalId) : undefined
    return {rows, api}
  })
}

describe('cc push --solution-zip', () => {
  it('imports a packaged solution; the connector is in the connector table and served by Power Apps; a re-import updates the same row', async () => {
    const packaged = await packageSolution()
    const first = await runCommand(Push, ['--solution-zip', packaged.file, '--json'], env)
    expect(first.exitCode).toBe(0)
    const result = first.json.result
    expect(result).toMatchObject({
      reordered: false,
      environment: {ref: 'local'},
      solutions: [
        {
          file: 'dist/Payments_1_0_0_0.zip',
          uniqueName: 'Payments',
          version: '1.0.0.0',
          managed: false,
          kind: 'connectors',
          action: 'installed',
          connectors: [{displayName: 'Contoso Payments API', logicalName: packaged.name, dataverseId: packaged.connectorId, action: 'created', onPowerApps: true}],
        },
      ],
    })
    const internalId = result.solutions[0].connectors[0].powerAppsName as string
    expect(internalId).toMatch(/^shared_/)
    const seen = await surfaces(internalId)
    expect(seen.rows.filter((r) => r.connectorid === packaged.connectorId)).toHaveLength(1)
    expect(seen.rows.find((r) => r.connectorid === packaged.connectorId)?.connectorinternalid).toBe(internalId)
    expect(seen.api?.properties?.displayName).toBe('Contoso Payments API')

    const again = await runCommand(Push, ['--solution-zip', packaged.file], env)
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toContain('Updated solution Payments 1.0.0.0 in ')
    expect(again.stdout).toContain(`  updated Contoso Payments API: ${packaged.name} (${packaged.connectorId}), runtime name ${internalId}`)
    const after = await surfaces(internalId)
    expect(after.rows.filter((r) => r.name === packaged.name)).toHaveLength(1)
  })

  it('imports the connector solution before a flow solution given first', async () => {
    const packaged = await packageSolution()
    const prepared = await prepareSolution({connectors: ['connectors/payments'], publisherPrefix: 'contoso', solutionName: 'Payments', project: null}, solutionTestContext(root))
    writeFileSync(join(root, 'Flows.zip'), await zipToBuffer(flowSolutionFiles(prepared.files, 'ContosoFlows')))
    const out = await runCommand(Push, ['--solution-zip', 'Flows.zip', '--solution-zip', packaged.file, '--json'], env)
    expect(out.exitCode).toBe(0)
    expect(out.json.result.reordered).toBe(true)
    expect(out.json.result.solutions.map((s: {uniqueName: string; kind: string}) => [s.uniqueName, s.kind])).toEqual([
      ['Payments', 'connectors'],
      ['ContosoFlows', 'flows'],
    ])
    expect(out.json.result.solutions[1].connectors[0]).toMatchObject({action: 'updated', dataverseId: packaged.connectorId})
  })

  it('refuses what is not a solution zip, and hostile zips, before sending anything', async () => {
    await runCommand(Package, ['connectors/payments', '--out', 'dist/connector.zip'])
    const notSolution = await runCommand(Push, ['--solution-zip', 'dist/connector.zip', '--json'], env)
    expect(notSolution.exitCode).toBe(1)
    expect(notSolution.json).toMatchObject({code: 'SOLUTION_INVALID', file: 'dist/connector.zip'})
    expect(notSolution.json.message).toContain('has no solution.xml at its root')

    writeFileSync(join(root, 'evil.zip'), rawZip([{name: 'solution.xml', data: '<x/>'}, {name: '../../outside.txt', data: 'boom'}]))
    const evil = await runCommand(Push, ['--solution-zip', 'evil.zip', '--json'], env)
    expect(evil.exitCode).toBe(1)
    expect(evil.json.code).toMatch(/^ZIP_/)
    expect(evil.json.message).toContain('../../outside.txt')
    expect((await surfaces(undefined)).rows).toEqual([])

    const missing = await runCommand(Push, ['--solution-zip', 'nope.zip', '--json'], env)
    expect(missing.exitCode).not.toBe(0)
    expect(missing.json.message).toContain('nope.zip')

    const both = await runCommand(Push, ['connectors/payments', '--solution-zip', 'x.zip', '--json'], env)
    expect(both.exitCode).toBe(2)
    expect(both.json.message).toContain('either a connector folder (connectors/payments) or --solution-zip')
  })

  it("reports the service's refusal with the solution file: a managed import over the unmanaged solution", async () => {
    const packaged = await packageSolution()
    expect((await runCommand(Push, ['--solution-zip', packaged.file], env)).exitCode).toBe(0)
    const managed = await runCommand(Push, ['--solution-zip', packaged.file, '--convert-to-managed', '--json'], env)
    expect(managed.exitCode).toBe(1)
    expect(managed.json).toMatchObject({code: 'SOLUTION_IMPORT_FAILED', file: packaged.file})
    expect(managed.json.message).toContain('Importing dist/Payments_1_0_0_0.zip (Payments) failed: ')
    expect(managed.json.message).toContain('already installed as an unmanaged solution')
  })

  it("reads a failure from the import job's result XML", () => {
    expect(importFailure('<importexportxml><result result="success" errorcode="0" errortext="" /></importexportxml>')).toBeUndefined()
    expect(importFailure('<x><result result="failure" errorcode="0x80048060" errortext="Connector Import Failed: File Not Found &amp; more" /></x>')).toBe('Connector Import Failed: File Not Found & more (0x80048060)')
  })
})

describe('cc pull --solution', () => {
  it('exports an imported solution into a zip and unpacks its connector unchanged in meaning', async () => {
    const packaged = await packageSolution()
    expect((await runCommand(Push, ['--solution-zip', packaged.file], env)).exitCode).toBe(0)
    const out = await runCommand(Pull, ['--solution', 'Payments', '--out', 'export/Payments.zip', '--unpack', 'back', '--json'], env)
    expect(out.exitCode).toBe(0)
    expect(out.json.result).toMatchObject({
      solution: {uniqueName: 'Payments', version: '1.0.0.0', managed: false, publisher: 'contoso'},
      file: 'export/Payments.zip',
      written: true,
      connectors: [{name: packaged.name, connectorId: packaged.connectorId, displayName: 'Contoso Payments API'}],
      unpacked: {connectors: [{folder: 'back/Contoso Payments API'}]},
    })
    const original = JSON.parse(readFileSync(join(root, 'connectors', 'payments', 'apiDefinition.swagger.json'), 'utf8'))
    expect(JSON.parse(readFileSync(join(root, 'back', 'Contoso Payments API', 'apiDefinition.swagger.json'), 'utf8'))).toEqual(original)
    expect(readFileSync(join(root, 'back', 'Contoso Payments API', 'icon.png'))).toEqual(readFileSync(join(root, 'connectors', 'payments', 'icon.png')))

    // A zip that differs is local work: kept without --force, replaced with it.
    writeFileSync(join(root, 'export', 'Payments.zip'), 'local bytes')
    const kept = await runCommand(Pull, ['--solution', 'Payments', '--out', 'export/Payments.zip', '--json'], env)
    expect(kept.exitCode).toBe(2)
    expect(kept.json).toMatchObject({code: 'SOLUTION_ZIP_EXISTS', file: 'export/Payments.zip'})
    expect(readFileSync(join(root, 'export', 'Payments.zip'), 'utf8')).toBe('local bytes')
    const forced = await runCommand(Pull, ['--solution', 'Payments', '--out', 'export/Payments.zip', '--force'], env)
    expect(forced.exitCode).toBe(0)
    expect(forced.stdout).toMatch(/^Exported solution Payments 1\.0\.0\.0 from .* to export\/Payments\.zip \(\d+ bytes\)\n {2}connector Contoso Payments API: /)
    expect(readFileSync(join(root, 'export', 'Payments.zip')).subarray(0, 2).toString()).toBe('PK')
  })

  it('names the default file as the portal does, and explains an unknown solution and wrong flags', async () => {
    const packaged = await packageSolution()
    expect((await runCommand(Push, ['--solution-zip', packaged.file], env)).exitCode).toBe(0)
    const named = await runCommand(Pull, ['--solution', 'Payments', '--managed', '--json'], env)
    expect(named.exitCode).toBe(0)
    expect(named.json.result).toMatchObject({file: 'Payments_1_0_0_0_managed.zip', solution: {managed: true}})

    const unknown = await runCommand(Pull, ['--solution', 'NoSuchSolution', '--json'], env)
    expect(unknown.exitCode).toBe(1)
    expect(unknown.json).toMatchObject({code: 'SOLUTION_NOT_FOUND'})
    expect(unknown.json.message).toContain('There is no solution "NoSuchSolution"')

    const neither = await runCommand(Pull, ['--json'], env)
    expect(neither.exitCode).toBe(2)
    const unpackAlone = await runCommand(Pull, ['--connector', 'x', '--unpack', 'dir', '--json'], env)
    expect(unpackAlone.exitCode).toBe(2)
  })
})
