// Issue 6: packaging the whole corpus as solution zips (one per connector), against `zip -qr -X` of the same
// folders in the same run. Goal: within 1.5 times. cc runs in-process from dist/ (the core function the command
// calls), pre-flight validation off, since zip does not validate either; a second row shows it with validation.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {corpus, root, row, timeFunction} from '../lib.js'

const corpusDir = corpus

function corpusConnectors() {
  const dirs = []
  for (const group of readdirSync(corpusDir, {withFileTypes: true})) {
    if (!group.isDirectory()) continue
    for (const entry of readdirSync(join(corpusDir, group.name), {withFileTypes: true})) {
      if (entry.isDirectory()) dirs.push(join(corpusDir, group.name, entry.name))
    }
  }
  return dirs.sort()
}

const silent = {step() {}, progress() {}, warn() {}, debug() {}}

export default async function solution() {
  if (!existsSync(corpusDir)) throw new Error(`connector corpus not found at ${corpusDir} (set CC_CORPUS_DIR)`)
  const dirs = corpusConnectors()
  const {packageSolution} = await import(new URL('../../dist/core/solution/package.js', import.meta.url))
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-solution-'))
  const context = {configDir: work, cwd: work, env: process.env, reporter: silent, interactive: false}
  let run = 0
  const packageAll = async (validate) => {
    const out = join(work, `cc-${run++}`)
    let refused = 0
    for (const [i, dir] of dirs.entries()) {
      try {
        await packageSolution({connectors: [dir], publisherPrefix: 'cr1a6', solutionName: `Corpus${i}`, noValidate: !validate, project: null, out: join(out, `${i}.zip`)}, context)
      } catch (error) {
        if (!validate || error.code !== 'VALIDATION_FAILED') throw error
        refused++
      }
    }
    rmSync(out, {recursive: true, force: true})
    return refused
  }
  const zipAll = () => {
    const out = join(work, `zip-${run++}`)
    mkdirSync(out)
    for (const [i, dir] of dirs.entries()) {
      const result = spawnSync('zip', ['-qr', '-X', join(out, `${i}.zip`), '.'], {cwd: dir})
      if (result.status !== 0) throw new Error(`zip failed in ${dir}: ${result.stderr}`)
    }
    rmSync(out, {recursive: true, force: true})
  }
  try {
    const hasZip = spawnSync('zip', ['-v']).status === 0
    const baseline = hasZip ? await timeFunction(zipAll, {runs: 2}) : undefined
    const ours = await timeFunction(() => packageAll(false), {runs: 2})
    let refused = 0
    const validated = await timeFunction(async () => {
      refused = await packageAll(true)
    }, {runs: 1})
    const rows = [
      row({
        suite: 'solution',
        metric: `package ${dirs.length} corpus connectors as solution zips`,
        value: ours,
        unit: 'ms',
        ...(baseline === undefined ? {} : {baseline, baselineLabel: 'zip -qr -X', ratio: ours / baseline}),
        goal: baseline === undefined ? 'within 1.5× of zip -qr -X (zip not installed: apt-get install -y zip)' : 'within 1.5× of zip -qr -X',
        ok: baseline === undefined ? false : ours / baseline <= 1.5,
      }),
      row({
        suite: 'solution',
        metric: `same, with pre-flight validation (${refused} broken connectors refused)`,
        value: validated,
        unit: 'ms',
        ...(baseline === undefined ? {} : {baseline, baselineLabel: 'zip -qr -X', ratio: validated / baseline}),
      }),
    ]
    return rows
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}
