// Bundles the compiled commands (dist/commands, from tsc) with @oclif/core, in place: each dist/commands/**/*.js
// becomes a bundle of the command and what it imports, sharing chunks in dist/chunks/ with the other commands and
// with dist/cli/oclif-entry.js, the oclif that bin/run.js starts. The paths stay those tsc wrote, so
// oclif.manifest.json, package.json's oclif.commands and bin/dev.js (which maps dist/ to src/) are unchanged.
//
// Why: a command run used to resolve and load about 250 files one by one (oclif and its ~40 small dependencies,
// then ~50 of ours), which took ~200 ms of the ~350 ms a small `cc validate` needs; node alone starts in ~150 ms.
// esbuild with code splitting turns that into a few files: one per command plus shared chunks, and oclif is one of
// them, so the commands and bin/run.js share one copy of its classes.
//
// Packages that only some commands need, that are large, or that load optional native or platform modules stay
// outside the bundle and are imported from node_modules when a command reaches them.
import {build} from 'esbuild'
import {existsSync, readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const commandsDir = join(root, 'dist', 'commands')
const outdir = join(root, 'dist')
const chunks = join(outdir, 'chunks')

const external = [
  '@azure/identity',
  '@readme/openapi-parser',
  'archiver',
  'fast-xml-parser',
  'yauzl',
  // oclif reaches for these only when it runs TypeScript sources (bin/dev.js), never from the bundle.
  'typescript',
  'ts-node',
  'tsx',
]

function commandFiles(dir) {
  const files = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...commandFiles(path))
    else if (entry.name.endsWith('.js')) files.push(path)
  }
  return files
}

const entryPoints = Object.fromEntries(
  commandFiles(commandsDir).map((file) => [join('commands', relative(commandsDir, file)).replace(/\.js$/, ''), file]),
)
entryPoints['cli/oclif-entry'] = join(root, 'dist', 'cli', 'oclif-entry.js')
// The validator's worker thread (core/validate/parallel.ts) starts from this file.
entryPoints['core/validate/worker'] = join(root, 'dist', 'core', 'validate', 'worker.js')

// The bundles replace their inputs; bundling them a second time would nest bundles in bundles.
if (existsSync(chunks)) throw new Error(`${chunks} exists: dist/ is bundled already. Run npm run build, which starts from a clean dist/.`)

await build({
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer a package's ES module build: jsonc-parser's UMD main loads its parts with a require esbuild cannot follow.
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  external,
  allowOverwrite: true,
  // oclif and some of its dependencies are CommonJS; in an ES module they need a require of their own.
  banner: {js: "import {createRequire as __ccCreateRequire} from 'node:module';const require = __ccCreateRequire(import.meta.url);"},
  legalComments: 'none',
  logLevel: 'warning',
})
