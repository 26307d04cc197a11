#!/usr/bin/env node
// Runs every suite in bench/suites/ (or those named on the command line), prints the figures with their ratios
// against baselines measured in the same run, and records the table in bench/RESULTS.md.
import {readdirSync, writeFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'

const only = process.argv.slice(2)
const suitesDir = new URL('./suites/', import.meta.url)
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const rows = []
let failed = false
for (const file of files) {
  process.stderr.write(`bench: ${file}…\n`)
  try {
    const suite = await import(new URL(file, suitesDir))
    const produced = await suite.default()
    for (const r of produced) {
      rows.push(r)
      process.stdout.write(format(r) + '\n')
    }
  } catch (error) {
    failed = true
    process.stderr.write(`bench: ${file} failed: ${error?.stack ?? error}\n`)
  }
}

function num(value) {
  if (value === undefined || value === null) return ''
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)
}

function format(r) {
  const base = r.baseline === undefined ? '' : ` | baseline ${r.baselineLabel ?? ''} ${num(r.baseline)} ${r.unit}`
  const ratio = r.ratio === undefined ? '' : ` | ratio ${num(r.ratio)}`
  return `${r.ok === false ? '✗' : '✓'} ${r.suite}: ${r.metric} = ${num(r.value)} ${r.unit}${base}${ratio} | goal: ${r.goal ?? '-'}`
}

const header = [
  '# Benchmark results',
  '',
  `Latest \`npm run bench\`: ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  'Ratios compare with a baseline measured in the same run; timings are medians of several runs.',
  '',
  '| suite | metric | value | baseline | ratio | goal | met |',
  '| --- | --- | --- | --- | --- | --- | --- |',
]
const lines = rows.map(
  (r) =>
    `| ${r.suite} | ${r.metric} | ${num(r.value)} ${r.unit} | ${r.baseline === undefined ? '' : `${r.baselineLabel ?? ''} ${num(r.baseline)} ${r.unit}`} | ${num(r.ratio)} | ${r.goal ?? ''} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'no'} |`,
)
if (only.length === 0 && !failed) writeFileSync(new URL('./RESULTS.md', import.meta.url), [...header, ...lines, ''].join('\n'))
else process.stderr.write('bench: partial run, bench/RESULTS.md not rewritten\n')
if (failed) process.exitCode = 1
