// Issue 5: sign-in, push and pull against the emulator, measured through the built CLI as real processes.
// Goals: a command that only needs a cached token adds little to startup (identity is loaded lazily and the token
// comes from the 0600 cache, no new sign-in); an idempotent re-push costs about what the first push costs (the
// look-up by remembered id is cheap); listing 120 connectors over 5 pages stays within 1.5 s of a bare whoami.
import {spawn} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cli, corpus, root, row, timeCommand} from '../lib.js'


async function startEmulator(dataDir, env) {
  const child = spawn(process.execPath, [cli, 'emulator', 'start', '--port', '0', '--data', dataDir, '--page-size', '25'], {env, stdio: 'ignore'})
  const file = join(dataDir, 'emulator.json')
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50))
  if (!existsSync(file)) throw new Error('the emulator did not start')
  return {url: JSON.parse(readFileSync(file, 'utf8')).url, stop: () => child.kill('SIGINT')}
}

/** Corpus connectors without a script or OAuth (no secret needed), valid enough to push. */
function pushableConnectors(limit) {
  const found = []
  for (const group of ['custom-connectors', 'independent-publisher-connectors']) {
    for (const name of readdirSync(join(corpus, group)).sort()) {
      const dir = join(corpus, group, name)
      try {
        const props = readFileSync(join(dir, 'apiProperties.json'), 'utf8')
        if (props.includes('oauthSetting') || existsSync(join(dir, 'script.csx'))) continue
        JSON.parse(readFileSync(join(dir, 'apiDefinition.swagger.json'), 'utf8'))
        found.push(dir)
      } catch {
        continue
      }
      if (found.length >= limit) return found
    }
  }
  return found
}

export default async function push() {
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-push-'))
  const env = {...process.env, CC_CONFIG_DIR: join(work, 'config'), CC_ENV: '', DEBUG: ''}
  for (const key of Object.keys(env)) if (key.startsWith('AZURE_')) env[key] = ''
  const emulator = await startEmulator(join(work, 'emulator'), env)
  env.CC_EMULATOR_URL = emulator.url
  const rows = []
  try {
    const version = timeCommand(process.execPath, [cli, '--version'], {runs: 7, env})
    timeCommand(process.execPath, [cli, 'login', '--env', 'local'], {runs: 0, env})
    const whoami = timeCommand(process.execPath, [cli, 'whoami', '--env', 'local'], {runs: 7, env})
    rows.push(
      row({
        suite: 'push',
        metric: 'cc whoami (cached token)',
        value: whoami.ms,
        unit: 'ms',
        baseline: version.ms,
        baselineLabel: 'cc --version',
        ratio: whoami.ms / version.ms,
        goal: 'within 1000 ms of cc --version',
        ok: whoami.ms - version.ms <= 1000,
      }),
    )

    const [first] = pushableConnectors(1)
    const target = join(work, 'one')
    cpSync(first, target, {recursive: true})
    rmSync(join(target, 'settings.json'), {force: true})
    const createStart = process.hrtime.bigint()
    timeCommand(process.execPath, [cli, 'push', target, '--target', 'rp', '--no-validate'], {runs: 0, env})
    const createMs = Number(process.hrtime.bigint() - createStart) / 1e6
    const update = timeCommand(process.execPath, [cli, 'push', target, '--target', 'rp', '--no-validate'], {runs: 5, env})
    rows.push(
      row({suite: 'push', metric: `cc push --target rp, update (${first.split('/').pop()})`, value: update.ms, unit: 'ms', baseline: createMs, baselineLabel: 'first push (create)', ratio: update.ms / createMs, goal: 'update ≤ 1.5 × create', ok: update.ms <= 1.5 * createMs}),
    )
    const dataverse = timeCommand(process.execPath, [cli, 'push', target, '--target', 'dataverse', '--no-validate'], {runs: 5, env})
    rows.push(row({suite: 'push', metric: 'cc push --target dataverse, update', value: dataverse.ms, unit: 'ms', baseline: update.ms, baselineLabel: 'rp update', ratio: dataverse.ms / update.ms}))
    const pull = timeCommand(process.execPath, [cli, 'pull', '--env', 'local', '--connector', JSON.parse(readFileSync(join(target, 'settings.json'), 'utf8')).connectorId, '--out', join(work, 'pulled'), '--force'], {runs: 5, env})
    rows.push(row({suite: 'push', metric: 'cc pull', value: pull.ms, unit: 'ms', baseline: update.ms, baselineLabel: 'rp update', ratio: pull.ms / update.ms}))

    // 120 connectors, listed through pages of 25.
    for (const [i, dir] of pushableConnectors(120).entries()) {
      const copy = join(work, 'many', String(i))
      cpSync(dir, copy, {recursive: true})
      rmSync(join(copy, 'settings.json'), {force: true})
      timeCommand(process.execPath, [cli, 'push', copy, '--env', 'local:test', '--target', 'rp', '--no-validate'], {runs: 0, env, check: false})
    }
    const list = timeCommand(process.execPath, [cli, 'connector', 'list', '--env', 'local:test', '--json'], {runs: 5, env})
    rows.push(row({suite: 'push', metric: 'cc connector list, 120 connectors in pages of 25', value: list.ms, unit: 'ms', baseline: whoami.ms, baselineLabel: 'cc whoami', ratio: list.ms / whoami.ms, goal: 'within 1500 ms of cc whoami', ok: list.ms - whoami.ms <= 1500}))
  } finally {
    emulator.stop()
    rmSync(work, {force: true, recursive: true})
  }
  return rows
}
