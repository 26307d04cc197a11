#!/usr/bin/env node
// The whole flow of cc against the embedded local emulator, with no tenant: scaffold, validate, package (connector,
// solution), push to dev, migrate dev → test → prod with the managed-identity fix-ups, and list what is where.
// Runs the built CLI (npm run demo builds first) in .demo/ with its own config folder, so it never touches your
// own sign-ins, emulator data or the repository's sample connectors, and gives the same result every time.
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {join} from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = join(root, '.demo')
const cli = join(root, 'bin', 'run.js')
const env = {...process.env, CC_CONFIG_DIR: join(work, 'config'), CC_ENV: undefined, CC_EMULATOR_URL: undefined, FORCE_COLOR: process.env.FORCE_COLOR ?? '1'}
delete env.CC_ENV
delete env.CC_EMULATOR_URL

rmSync(work, {force: true, recursive: true})
mkdirSync(work, {recursive: true})
cpSync(join(root, 'connectors'), join(work, 'connectors'), {recursive: true})

let step = 0
function cc(title, ...args) {
  step++
  process.stdout.write(`\n\u001B[1m${step}. ${title}\u001B[0m\n$ cc ${args.join(' ')}\n`)
  const result = spawnSync(process.execPath, [cli, ...args], {cwd: work, env, stdio: 'inherit'})
  if (result.status !== 0) {
    process.stderr.write(`\ndemo: \`cc ${args.join(' ')}\` exited with ${result.status}\n`)
    process.exit(result.status ?? 1)
  }
}

cc('The local emulator: tenant, environments, seeded apps (started in-process when none runs)', 'emulator', 'info')
cc('A new connector: Entra ID with a managed identity, plus custom code', 'scaffold', 'contoso-orders', '--auth', 'aad', '--managed-identity', '--script', '--out', 'connectors/contoso-orders')
cc('Validate every connector offline, with the certification rules', 'validate', 'connectors', '--profile', 'certification')
cc('Connector zips: deterministic, secrets stripped', 'package', 'connectors/azure-resource-manager', 'connectors/open-meteo-weather', '--out', 'dist')
cc('One solution zip for both, under the publisher prefix "contoso"', 'package', 'connectors/azure-resource-manager', 'connectors/open-meteo-weather', '--kind', 'solution', '--solution-name', 'ContosoConnectors', '--publisher-name', 'Contoso', '--publisher-prefix', 'contoso', '--out', 'dist')
cc('Push the tutorial connector to dev (managed identity: the platform shows its issuer and subject)', 'push', 'connectors/azure-resource-manager', '--env', 'local:dev')
cc('Push the no-auth sample to dev', 'push', 'connectors/open-meteo-weather', '--env', 'local:dev')
cc('Push again: nothing is duplicated', 'push', 'connectors/open-meteo-weather', '--env', 'local:dev')
cc('The custom connectors in dev', 'connector', 'list', '--env', 'local:dev')
cc('What a migration to test would change (plan only)', 'migrate', '--from', 'local:dev', '--to', 'local:test', '--all', '--plan')
cc('Migrate dev → test: connectors, federated credential for the new managed identity, redirect URIs', 'migrate', '--from', 'local:dev', '--to', 'local:test', '--all', '--yes')
cc('Migrate test → prod', 'migrate', '--from', 'local:test', '--to', 'local:prod', '--all', '--yes')
cc('Run it again: nothing changes', 'migrate', '--from', 'local:test', '--to', 'local:prod', '--all', '--yes')
cc('The custom connectors in prod', 'connector', 'list', '--env', 'local:prod')
process.stdout.write(`\nDone. Everything ran against the local emulator (data in ${join(work, 'config', 'emulator')}).\n`)
