import {isAbsolute, relative, resolve} from 'node:path'

/** True when `candidate` (after resolving) lies inside `root` or is `root` itself. */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(resolve(root), resolve(root, candidate))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Path relative to cwd for messages, with forward slashes; absolute when outside cwd. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path)
  if (rel === '') return '.'
  if (rel.startsWith('..') || isAbsolute(rel)) return path.replaceAll('\\', '/')
  return rel.replaceAll('\\', '/')
}
