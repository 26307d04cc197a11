import {existsSync, readdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/**
 * The real published connectors: CC_CORPUS_DIR, else ../shared/corpus beside the repository, else the
 * workplace's copy at /work/shared/corpus (for a clone made somewhere else, as CI may do).
 */
const corpusCandidates = process.env.CC_CORPUS_DIR
  ? [resolve(process.env.CC_CORPUS_DIR)]
  : [fileURLToPath(new URL('../../../shared/corpus', import.meta.url)), '/work/shared/corpus']
export const corpusDir = corpusCandidates.find((dir) => existsSync(dir)) ?? corpusCandidates[0]!

/** Every connector folder of the corpus, sorted. Fails loudly when the corpus is missing: it is not optional. */
export function corpusConnectors(): string[] {
  if (!existsSync(corpusDir)) throw new Error(`connector corpus not found at ${corpusCandidates.join(' or ')} (set CC_CORPUS_DIR)`)
  const dirs: string[] = []
  for (const group of readdirSync(corpusDir, {withFileTypes: true})) {
    if (!group.isDirectory()) continue
    for (const entry of readdirSync(join(corpusDir, group.name), {withFileTypes: true})) {
      if (entry.isDirectory()) dirs.push(join(corpusDir, group.name, entry.name))
    }
  }
  return dirs.sort()
}
