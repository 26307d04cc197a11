import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let root: string | undefined

/**
 * The folder of cc's own package: package.json, templates/, dist/. Found by walking up from this module, which sits
 * in src/core/fs/ when run from the sources, in dist/core/fs/ when compiled, and in dist/chunks/ once bundled
 * (scripts/bundle.js), so no fixed number of `..` fits all three.
 */
export function packageRoot(): string {
  if (root !== undefined) return root
  const start = dirname(fileURLToPath(import.meta.url))
  for (let dir = start; ; ) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir)
    const parent = dirname(dir)
    if (parent === dir) return (root = join(start, '..', '..', '..'))
    dir = parent
  }
}

/** True when this copy of cc runs compiled from dist/ (npm run build), false when it runs from its TypeScript sources. */
export function runsCompiled(): boolean {
  return fileURLToPath(import.meta.url).startsWith(join(packageRoot(), 'dist'))
}
