import {execFileSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp-dir.js'

// The built CLI (bin/run.js → dist/) as a real process: no TTY, real exit codes, real stdout/stderr.
const repo = fileURLToPath(new URL('../../', import.meta.url))
const pjson = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {name: string; version: string}

describe('cc, the built CLI', () => {
  it('--version prints name/version platform-arch node and nothing else', async () => {
    const run = await runCli(['--version'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
    expect(run.stderr).toBe('')
  })

  it('--help lists the commands; a command help shows examples with long flags', async () => {
    const help = await runCli(['--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toMatch(/\n {2}package +Build a zip of a connector/)
    expect(help.stdout).toMatch(/\n {2}scaffold +Create a connector folder/)
    const scaffold = await runCli(['scaffold', '--help'])
    expect(scaffold.exitCode).toBe(0)
    expect(scaffold.stdout).toContain('$ cc scaffold contoso-orders --auth aad --managed-identity --script')
    expect(scaffold.stdout).toMatch(/--auth=<option>/)
  })

  it('an unknown command exits 2 with the error on stderr and nothing on stdout', async () => {
    const run = await runCli(['frobnicate'])
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/frobnicate/)
  })

  it('scaffold then package: results on stdout, progress and hints on stderr, deterministic zips', async () => {
    const cwd = tempDir()
    const scaffold = await runCli(['scaffold', 'orders', '--auth', 'apikey', '--script'], {cwd})
    expect(scaffold.exitCode).toBe(0)
    expect(scaffold.stdout).toMatch(/^Created orders \(Orders; auth apikey, custom code; 4 operations\)\n {2}orders\/apiDefinition\.swagger\.json\n/)
    expect(scaffold.stdout).not.toContain('Next:')
    expect(scaffold.stderr).toContain('Next:\n')
    expect(scaffold.stderr).toContain('  cc package orders\n')

    const first = await runCli(['package', 'orders'], {cwd})
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toMatch(/^dist\/orders\.zip {2}/)
    const bytes = readFileSync(join(cwd, 'dist', 'orders.zip'))
    const second = await runCli(['package', 'orders', '--out', 'again.zip'], {cwd})
    expect(second.exitCode).toBe(0)
    expect(readFileSync(join(cwd, 'again.zip')).equals(bytes)).toBe(true)
    expect(execFileSync('unzip', ['-Z1', join(cwd, 'again.zip')], {encoding: 'utf8'}).trim().split('\n')).toEqual([
      'apiDefinition.swagger.json',
      'apiProperties.json',
      'icon.png',
      'script.csx',
      'readme.md',
    ])
  })

  it('--json prints exactly one envelope on stdout, for results and for errors', async () => {
    const cwd = tempDir()
    const ok = await runCli(['scaffold', 'orders', '--json'], {cwd})
    expect(ok.exitCode).toBe(0)
    expect(ok.stderr).toBe('')
    expect(ok.json).toMatchObject({status: 0, warnings: [], result: {name: 'orders', auth: 'none', dir: 'orders'}})
    const again = await runCli(['scaffold', 'orders', '--json'], {cwd})
    expect(again.exitCode).toBe(1)
    expect(again.stderr).toBe('')
    expect(again.json).toMatchObject({status: 1, name: 'CcError', code: 'SCAFFOLD_TARGET_NOT_EMPTY', suggestions: expect.arrayContaining([expect.stringContaining('--force')])})
    const usage = await runCli(['scaffold', 'x', '--auth', 'nope', '--json'], {cwd})
    expect(usage.exitCode).toBe(2)
    expect(usage.json).toMatchObject({status: 2, code: 'USAGE'})
  })

  it('without a terminal it refuses to overwrite instead of asking, and never waits for input', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'orders'))
    writeFileSync(join(cwd, 'orders', 'keep.txt'), 'x')
    const run = await runCli(['scaffold', 'orders'], {cwd, timeoutMs: 30_000})
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('Error (SCAFFOLD_TARGET_NOT_EMPTY)')
    expect(run.stderr).not.toContain('[y/N]')
  })

  it('package exits 3 on validation errors and 0 with --no-validate', async () => {
    const cwd = tempDir()
    cpSync(join(repo, 'connectors', 'open-meteo-weather'), join(cwd, 'weather'), {recursive: true})
    const path = join(cwd, 'weather', 'apiDefinition.swagger.json')
    writeFileSync(path, readFileSync(path, 'utf8').replace('"swagger": "2.0"', '"swagger": "3.0"'))
    const failed = await runCli(['package', 'weather'], {cwd})
    expect(failed.exitCode).toBe(3)
    expect(failed.stderr).toContain('Error (VALIDATION_FAILED)')
    expect(existsSync(join(cwd, 'dist'))).toBe(false)
    const skipped = await runCli(['package', 'weather', '--no-validate'], {cwd})
    expect(skipped.exitCode).toBe(0)
  })

  it('Ctrl-C: the first stops after the current step, the second exits 130 at once', async () => {
    const cwd = tempDir()
    const fifo = join(cwd, 'openapi.yaml')
    execFileSync('mkfifo', [fifo])
    // Reading a FIFO nobody writes to blocks: the command is reliably mid-step when the signals arrive.
    const run = await runCli(['scaffold', 'blocked', '--from', fifo], {
      cwd,
      onSpawn(child) {
        let sent = false
        child.stderr!.on('data', (chunk: Buffer) => {
          if (sent || !chunk.toString().includes('Reading')) return
          sent = true
          child.kill('SIGINT')
          child.stderr!.once('data', () => child.kill('SIGINT'))
        })
      },
    })
    expect(run.exitCode).toBe(130)
    expect(run.stderr).toContain('Interrupted: stopping after the current step (Ctrl-C again to quit now).')
    expect(existsSync(join(cwd, 'blocked'))).toBe(false)
  })
})

/**
 * The packages a compiled module pulls in at load time: its static imports of packages, followed through relative
 * files (the bundle's chunks), and the packages bundled into those files (esbuild heads each bundled module with a
 * `// node_modules/<package>/…` comment).
 */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>()
  const seen = new Set<string>()
  const add = (spec: string) => packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const code = readFileSync(file, 'utf8')
    for (const match of code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
      const spec = match[1] ?? match[2]!
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec))
      else add(spec)
    }
    for (const match of code.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)) add(match[1]!)
  }
  visit(entry)
  return packages
}

describe('start-up cost of scaffold and package', () => {
  it('loads archiver, the OpenAPI parser, js-yaml and @azure/identity only when they are needed', () => {
    for (const command of ['scaffold', 'package']) {
      const packages = staticPackages(join(repo, 'dist', 'commands', `${command}.js`))
      expect(packages.has('@oclif/core'), command).toBe(true) // the walk sees the bundled oclif
      for (const heavy of ['archiver', '@readme/openapi-parser', 'js-yaml', '@azure/identity', 'yauzl']) expect(packages.has(heavy), `${command} → ${heavy}`).toBe(false)
    }
  })
})

describe('bin/dev.js, the development entry', () => {
  it('takes every command of the manifest from the TypeScript sources', async () => {
    // @ts-expect-error plain JavaScript module without types
    const {COMMANDS} = (await import('../../bin/dev-commands.js')) as {COMMANDS: Record<string, unknown>}
    const manifest = JSON.parse(readFileSync(join(repo, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    expect(Object.keys(COMMANDS).sort()).toEqual(Object.keys(manifest.commands).sort())
    expect(COMMANDS.validate).toBe((await import('../../src/commands/validate.js')).default)
    expect(COMMANDS['entra:app:create']).toBe((await import('../../src/commands/entra/app/create.js')).default)
  })

  it('runs a command through tsx with the same result as the built CLI', async () => {
    const dir = join(tempDir('dev-entry-'), 'c')
    cpSync(join(repo, 'connectors'), dir, {recursive: true})
    const dev = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'bin', 'dev.js'), 'validate', dir, '--json'], {cwd: repo, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    const built = await runCli(['validate', dir, '--json'], {cwd: repo})
    expect(JSON.parse(dev)).toEqual(built.json)
  }, 60_000)
})
