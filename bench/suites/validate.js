// Issue 3: `cc validate` over the whole corpus against three baselines measured in the same run:
// (1) reading and JSON.parse-ing the same files (the floor; goal: within 3×), (2) Spectral's recommended OpenAPI
// ruleset and (3) @readme/openapi-parser `validate` over the same API definitions (goal: cc ≥ 10× faster than each;
// the floor and the parser are timed in turns with cc);
// peak memory of the corpus run (goal < 400 MB); one small connector, process start included (goal < 0.4 s).
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {cli, corpus, root, row, timeInterleaved} from '../lib.js'


function connectorFolders() {
  const dirs = []
  for (const group of readdirSync(corpus, {withFileTypes: true})) {
    if (!group.isDirectory()) continue
    for (const entry of readdirSync(join(corpus, group.name), {withFileTypes: true})) if (entry.isDirectory()) dirs.push(join(corpus, group.name, entry.name))
  }
  return dirs.sort()
}

/** Runs a command once (the heavy baselines take a minute) and returns wall ms and peak RSS in MB. */
function timeOnce(command, args, {cwd = root} = {}) {
  const start = process.hrtime.bigint()
  const result = spawnSync('/usr/bin/time', ['-f', '__RSS__%M', command, ...args], {cwd, encoding: 'utf8', maxBuffer: 1 << 30})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.error) throw result.error
  const rss = /__RSS__(\d+)/.exec(result.stderr ?? '')
  return {ms, maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, status: result.status, stderr: result.stderr}
}

const floorScript = `
import {readFileSync} from 'node:fs'
const files = JSON.parse(readFileSync(process.argv[1], 'utf8'))
let parsed = 0
for (const file of files) {
  let text = readFileSync(file, 'utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  try { JSON.parse(text); parsed++ } catch {}
}
process.stdout.write(String(parsed))
`

const readmeScript = `
import {readFileSync} from 'node:fs'
import {validate} from '@readme/openapi-parser'
const files = JSON.parse(readFileSync(process.argv[1], 'utf8'))
let valid = 0
for (const file of files) {
  let doc
  try { doc = JSON.parse(readFileSync(file, 'utf8').replace(/^\\uFEFF/, '')) } catch { continue }
  try { const result = await validate(doc, {resolve: {external: false}}); if (result.valid) valid++ } catch {}
}
process.stdout.write(String(valid))
`

/** A baseline tool that should take at least 10 times as long as cc. */
function slower(metric, ms, ccMs) {
  return row({suite: 'validate', metric, value: ms, unit: 'ms', baseline: ccMs, baselineLabel: 'cc', ratio: ms / ccMs, goal: 'cc ≥ 10× faster', ok: ms >= 10 * ccMs})
}

export default async function validateSuite() {
  const rows = []
  if (!existsSync(corpus)) return [row({suite: 'validate', metric: 'corpus', value: Number.NaN, unit: '', goal: `corpus not found at ${corpus}`, ok: false})]
  const dirs = connectorFolders()
  const jsonFiles = dirs.flatMap((dir) => readdirSync(dir).filter((f) => /\.json$/i.test(f)).map((f) => join(dir, f)))
  const swaggers = dirs.flatMap((dir) => readdirSync(dir).filter((f) => /^apidefinition\.swagger\.json$/i.test(f)).map((f) => join(dir, f)))
  const megabytes = jsonFiles.reduce((sum, f) => sum + statSync(f).size, 0) / 2 ** 20
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-validate-'))
  try {
    const listFile = join(work, 'swaggers.json')
    writeFileSync(listFile, JSON.stringify(swaggers))
    const jsonListFile = join(work, 'json-files.json')
    writeFileSync(jsonListFile, JSON.stringify(jsonFiles))

    // (1) The floor: read and JSON.parse every JSON file of the corpus in one process; and cc validate over the
    // same folders, one process. Timed in turns, so that both see the same machine.
    const [floor, whole] = timeInterleaved(
      [
        {command: process.execPath, args: ['--input-type=module', '-e', floorScript, jsonListFile]},
        {command: process.execPath, args: [cli, 'validate', corpus, '--format', 'json']},
      ],
      {runs: 7},
    )
    rows.push(
      row({suite: 'validate', metric: `floor: read + JSON.parse (${jsonFiles.length} files, ${megabytes.toFixed(0)} MB)`, value: floor.ms, unit: 'ms'}),
      row({
        suite: 'validate',
        metric: `cc validate, whole corpus (${dirs.length} connectors)`,
        value: whole.ms,
        unit: 'ms',
        baseline: floor.ms,
        baselineLabel: 'floor',
        ratio: whole.ms / floor.ms,
        goal: 'within 3× the floor',
        ok: whole.ms <= 3 * floor.ms,
      }),
      row({suite: 'validate', metric: 'cc validate, whole corpus: peak RSS', value: whole.maxRssMb, unit: 'MB', goal: '< 400 MB', ok: whole.maxRssMb < 400}),
    )

    // (2) Spectral, recommended OpenAPI ruleset, one process over the same API definitions.
    const ruleset = join(work, '.spectral.yaml')
    writeFileSync(ruleset, 'extends: [["spectral:oas", "recommended"]]\n')
    const spectralBin = join(root, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js')
    if (existsSync(spectralBin)) {
      const spectral = timeOnce(process.execPath, [spectralBin, 'lint', '-r', ruleset, '-f', 'json', '-q', ...swaggers], {cwd: work})
      rows.push(slower(`Spectral oas recommended (${swaggers.length} definitions)`, spectral.ms, whole.ms), row({suite: 'validate', metric: 'Spectral: peak RSS', value: spectral.maxRssMb, unit: 'MB'}))
    } else rows.push(row({suite: 'validate', metric: 'Spectral', value: Number.NaN, unit: 'ms', goal: 'npm install (devDependency missing)', ok: false}))

    // (3) @readme/openapi-parser validate, one process over the same API definitions. A run takes about half a
    // minute, long enough for the VM's speed to change under it: timed in turns with cc (three rounds, no
    // warm-up round: the files are in the page cache by now), so that the ratio compares the same moments.
    const [readme, ccBeside] = timeInterleaved(
      [
        {command: process.execPath, args: ['--input-type=module', '-e', readmeScript, listFile]},
        {command: process.execPath, args: [cli, 'validate', corpus, '--format', 'json']},
      ],
      {runs: 3, warmup: false},
    )
    rows.push(slower(`@readme/openapi-parser validate (${swaggers.length} definitions), in turns with cc`, readme.ms, ccBeside.ms))

    // One small connector, process start included.
    const small = dirs
      .map((dir) => ({dir, size: readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)}))
      .sort((a, b) => a.size - b.size)[Math.floor(dirs.length * 0.1)]
    const [one, node] = timeInterleaved(
      [
        {command: process.execPath, args: [cli, 'validate', small.dir, '--json']},
        {command: process.execPath, args: ['-e', '0']},
      ],
      {runs: 9},
    )
    rows.push(
      row({
        suite: 'validate',
        metric: `one small connector (${(small.size / 1024).toFixed(0)} KB), process start included`,
        value: one.ms,
        unit: 'ms',
        baseline: node.ms,
        baselineLabel: 'node -e 0',
        ratio: one.ms / node.ms,
        goal: '< 400 ms',
        ok: one.ms < 400,
      }),
    )
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
  return rows
}
