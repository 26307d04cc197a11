// The commands of cc from the TypeScript sources, for bin/dev.js. oclif loads a command from the path recorded in
// oclif.manifest.json (dist/, from the last build) and cannot map that to src/ in this ESM setup; through its
// "explicit" command strategy it takes the command classes from this module instead, which tsx compiles on import.
import {readdirSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const dir = fileURLToPath(new URL('../src/commands/', import.meta.url))

function sources(folder) {
  return readdirSync(folder, {withFileTypes: true}).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  )
}

/** Command id (as oclif derives it from the file path: folders joined with ":") → command class. */
export const COMMANDS = Object.fromEntries(
  await Promise.all(
    sources(dir).map(async (file) => [relative(dir, file).replace(/\.ts$/, '').split(sep).join(':'), (await import(pathToFileURL(file).href)).default]),
  ),
)
