#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/ (see `npm run build`).
//
// `cc --version` is answered here, before @oclif/core is loaded (about 150 ms of module loading), so that
// scripts that probe the version stay fast. The text is the one oclif prints: name/version platform-arch node.
const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === 'version')) {
  const {readFileSync} = await import('node:fs')
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // cc runs as a short batch job, and on small machines V8's optimizing compiler competes with it for the cores:
  // validating the corpus, background TurboFan work took as much CPU as the validator itself. Inlining less and
  // optimizing only functions that stay hot cuts that work. Measured on 2 cores over the corpus (interleaved
  // runs): about 15% less wall time and 30% less CPU with the inlining limit and an interrupt budget of 300000,
  // and a budget of 1000000 took another 20% of CPU off at the same wall time; small runs were unchanged.
  const {setFlagsFromString} = await import('node:v8')
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=100')
  setFlagsFromString('--interrupt-budget=1000000')
  const {execute} = await import('../dist/cli/oclif-entry.js')
  await execute({dir: import.meta.url})
}
