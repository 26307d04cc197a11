import {mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// Each test worker gets its own config folder so that parallel tests never share sign-in state or
// emulator data. Tests that need a fresh one per test create it with `tempDir()`.
const root = process.env.CC_TEST_ROOT ?? tmpdir()
const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? String(process.pid)
const configDir = join(root, `config-${worker}`)
mkdirSync(configDir, {recursive: true})
process.env.CC_CONFIG_DIR = configDir
process.env.CC_DATA_DIR = join(configDir, 'data')
process.env.CC_CACHE_DIR = join(configDir, 'cache')
