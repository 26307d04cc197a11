// Removes the previous build so that deleted sources do not linger as stale commands in dist/.
import {rmSync} from 'node:fs'

rmSync(new URL('../dist', import.meta.url), {force: true, recursive: true})
rmSync(new URL('../oclif.manifest.json', import.meta.url), {force: true})
