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
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
