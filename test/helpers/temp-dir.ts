import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach} from 'vitest'

const created: string[] = []

afterEach(() => {
  while (created.length > 0) rmSync(created.pop()!, {force: true, recursive: true})
})

/** A fresh folder, removed after the current test. */
export function tempDir(prefix = 'cc-'): string {
  const dir = mkdtempSync(join(process.env.CC_TEST_ROOT ?? tmpdir(), prefix))
  created.push(dir)
  return dir
}
