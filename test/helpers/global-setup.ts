import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** One scratch root for the whole run; every worker gets its own config folder below it (see setup.ts). */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'cc-test-'))
  process.env.CC_TEST_ROOT = root
  return () => rmSync(root, {force: true, recursive: true})
}
