// `oclif readme` writes each command as a level-2 heading; in this README they live under "## Command reference",
// so this demotes the headings between the <!-- commands --> markers by one level. Run by `npm run readme`.
import {readFileSync, writeFileSync} from 'node:fs'

const path = new URL('../README.md', import.meta.url)
const text = readFileSync(path, 'utf8')
const start = text.indexOf('<!-- commands -->')
const end = text.indexOf('<!-- commandsstop -->')
if (start < 0 || end < start) throw new Error('README.md has no <!-- commands --> … <!-- commandsstop --> block')
const block = text.slice(start, end).replace(/^## /gm, '### ')
writeFileSync(path, text.slice(0, start) + block + text.slice(end))
