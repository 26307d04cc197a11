import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import Export from '../../src/commands/export.js'
import Import from '../../src/commands/import.js'
import {runCommand} from '../helpers/run-command.js'
import {commandEnv, startTestEmulator, writeSimpleConnector} from '../helpers/sign-in-emulator.js'
import {writeSampleConnector} from '../helpers/solution-zip-fixtures.js'
import {tempDir} from '../helpers/temp-dir.js'
import {pushAll, transferContext} from '../helpers/transfer-fixtures.js'

/** cc export and cc import as commands: output, --json envelopes, exit codes. */
describe('cc export and cc import', () => {
  it('export prints one line per connector and a summary; import plans, refuses without --yes, imports, and exits 1 when one fails', async () => {
    const emulator = await startTestEmulator()
    const work = tempDir('import-cmd-')
    await pushAll([writeSimple(work, 'inventory'), writePayments(work)], 'local:dev', transferContext(emulator.url, join(work, 'seed')), 'dev-secret')
    const env = commandEnv(emulator.url, {TEST_SECRET: 'test-env-secret-41'})
    const out = join(work, 'export')

    const exported = await runCommand(Export, ['--env', 'local:dev', '--all', '--out', out], env)
    expect(exported.exitCode).toBe(0)
    expect(exported.stdout).toMatch(/^exported {2}contoso-inventory {5}Contoso Inventory\nexported {2}contoso-payments-api {2}Contoso Payments API\nExported 2 connectors of dev to .*export \(2 written, 0 up to date, 0 failed\); manifest .*manifest\.json\.\n$/)
    expect(exported.stderr).toContain('OAuth client secrets are not exported')

    const plan = await runCommand(Import, [out, '--env', 'local:test', '--plan'], env)
    expect(plan.exitCode).toBe(0)
    expect(plan.stdout).toContain('Import from dev into test through Dataverse:')
    expect(plan.stdout).toMatch(/ {2}create {4}Contoso Inventory \(dataverse new_contoso-20inventory\)/)
    expect(plan.stdout).toMatch(/ {2}skip {6}Contoso Payments API .*: Contoso Payments API uses OAuth: creating it needs the client secret/)
    expect(plan.stdout).toContain('OAuth client secret: needed (--client-secret-env)')
    expect(plan.stderr).toContain('Nothing was changed (--plan).')

    const refused = await runCommand(Import, [out, '--env', 'local:test'], env)
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toMatch(/^Planning the import of 2 connectors into test…\nError \(CONFIRMATION_REQUIRED\): The import would make 1 change in test; without a terminal to confirm, pass --yes \(or --plan to see them first\)\.\nTry:\n {2}cc import .* --env local:test --plan\n {2}cc import .* --env local:test --yes\n$/)

    const partial = await runCommand(Import, [out, '--env', 'local:test', '--yes', '--json'], env)
    expect(partial.exitCode).toBe(1)
    expect(partial.json).toMatchObject({status: 1, result: {applied: true, counts: {created: 1, failed: 1}, needsSecret: ['contoso-payments-api']}})

    const done = await runCommand(Import, [out, '--env', 'local:test', '--yes', '--client-secret-env', 'contoso-payments-api=TEST_SECRET'], env)
    expect(done.exitCode).toBe(0)
    // The earlier run did not finish (one connector failed): its work counts as resumed.
    expect(done.stdout).toMatch(/^unchanged Contoso Inventory [0-9a-f-]{36} \(resumed\)\ncreated {3}Contoso Payments API [0-9a-f-]{36} \(redirect URI added, secret sent\)\nImported into test: 1 created, 0 updated, 1 unchanged, 0 failed; credentials 0 created, 0 updated; 1 redirect URI added\.\n$/)
    expect(done.stdout + done.stderr + partial.stdout).not.toContain('test-env-secret-41')
  })

  it('names a folder that is not an export, with the file and the fix', async () => {
    const emulator = await startTestEmulator()
    const dir = tempDir('not-export-')
    const missing = await runCommand(Import, [dir, '--env', 'local:test', '--plan', '--json'], commandEnv(emulator.url))
    expect(missing.exitCode).toBe(1)
    expect(missing.json).toMatchObject({code: 'EXPORT_NOT_FOUND', file: join(dir, 'manifest.json')})
    expect(missing.json.suggestions[0]).toMatch(/^cc export --env <source> --all --out /)

    mkdirSync(join(dir, 'x'))
    writeFileSync(join(dir, 'manifest.json'), '{"format": "cc-connector-export",\n "version": 2}')
    const broken = await runCommand(Import, [dir, '--env', 'local:test', '--plan'], commandEnv(emulator.url))
    expect(broken.exitCode).toBe(1)
    expect(broken.stderr).toMatch(/^Error \(EXPORT_MANIFEST_INVALID\): .*manifest\.json has version 2; this cc reads version 1\.\n {2}at .*manifest\.json:2:13\n/)
  })
})

function writeSimple(parent: string, name: string): string {
  const dir = join(parent, 'src', name)
  writeSimpleConnector(dir)
  return dir
}

function writePayments(parent: string): string {
  const dir = join(parent, 'src', 'payments')
  writeSampleConnector(dir, {clientSecret: null, script: false})
  return dir
}
