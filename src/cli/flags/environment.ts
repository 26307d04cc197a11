import {Flags} from '@oclif/core'

import {cloudNames} from '../../core/environments/clouds.js'

/**
 * The flags every command that talks to an environment shares, with one meaning everywhere: `--env` (also
 * CC_ENV), and `--cloud` / `--tenant` for environments named by id or display name. Also the two ways to give
 * a secret without putting it in shell history (an environment variable's name, or stdin), and reading them.
 */
export const environmentFlags = {
  env: Flags.string({
    char: 'e',
    summary: 'Environment: an alias from cc.yaml, an environment id, a display name, or local[:NAME] (the emulator).',
    description: 'Default: CC_ENV, then defaultEnvironment in cc.yaml, then local (the embedded emulator, no sign-in needed).',
    env: 'CC_ENV',
    helpValue: 'ALIAS|ID|NAME|local[:NAME]',
  }),
  cloud: Flags.option({options: cloudNames, summary: 'Cloud of an environment given by id or display name (default public; aliases name their own).', env: 'CC_CLOUD'})(),
  tenant: Flags.string({summary: 'Tenant (id or domain) of an environment given by id or display name.', env: 'CC_TENANT', helpValue: 'TENANT'}),
}

export const secretFlags = {
  'client-secret-env': Flags.string({summary: 'Name of the environment variable that holds the client secret (never pass the secret itself as a flag).', helpValue: 'VAR'}),
  'client-secret-stdin': Flags.boolean({summary: 'Read the client secret from stdin (e.g. `printenv SECRET | cc …`).', default: false, exclusive: ['client-secret-env']}),
}

/** The request part of core options from the environment flags. */
export function environmentRequest(flags: {env?: string | undefined; cloud?: string | undefined; tenant?: string | undefined}): {env?: string; cloud?: (typeof cloudNames)[number]; tenant?: string} {
  return {
    ...(flags.env ? {env: flags.env} : {}),
    ...(flags.cloud ? {cloud: flags.cloud as (typeof cloudNames)[number]} : {}),
    ...(flags.tenant ? {tenant: flags.tenant} : {}),
  }
}

/** Reads a secret from stdin (all of it, without the final newline). */
export async function readSecretFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/** Asks for a secret on the terminal without echoing it. Only call when stdin and stderr are TTYs. */
export async function promptSecret(question: string): Promise<string> {
  const {createInterface} = await import('node:readline')
  return new Promise((resolve, reject) => {
    const rl = createInterface({input: process.stdin, output: process.stderr, terminal: true})
    const output = rl as unknown as {_writeToOutput?: (text: string) => void}
    let asked = false
    output._writeToOutput = (text: string) => {
      if (!asked) {
        process.stderr.write(text)
        asked = true
      }
    }
    rl.question(question, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    rl.on('SIGINT', () => {
      rl.close()
      reject(Object.assign(new Error('Interrupted.'), {name: 'AbortError'}))
    })
  })
}
