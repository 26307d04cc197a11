#!/usr/bin/env -S node --import tsx --no-warnings=ExperimentalWarning
// Development entry: runs the TypeScript sources through tsx without a build. The commands come from
// bin/dev-commands.js (the explicit command strategy of oclif); help and the list of commands still come from
// the manifest of the last build, so a new command needs one npm run build before it shows up here.
import {execute} from '@oclif/core'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
pjson.oclif.commands = {strategy: 'explicit', target: './bin/dev-commands.js', identifier: 'COMMANDS'}

await execute({development: true, loadOptions: {root, pjson}})
