import {UsageError} from '../errors.js'

/**
 * Where the OAuth client secrets of an import come from (they never travel in an export): environment variables
 * named on the command line, or one secret on stdin. `--client-secret-env VAR` applies to every connector that
 * needs a secret; `--client-secret-env FOLDER=VAR` to one connector (its export folder or display name), and
 * wins over the general one.
 */
export interface SecretSources {
  /** Raw `--client-secret-env` values: `VAR` or `FOLDER=VAR`. */
  envVars?: string[]
  /** A secret read from stdin, for every connector that needs one. */
  value?: string
}

export interface ResolvedSecrets {
  /** The secret for a connector, and where it came from (never the value in messages). */
  for(folder: string, displayName: string): {value: string; from: string} | undefined
  /** Whether any secret source was given. */
  given: boolean
}

export function resolveSecrets(sources: SecretSources | undefined, env: NodeJS.ProcessEnv): ResolvedSecrets {
  let general: {value: string; from: string} | undefined = sources?.value ? {value: sources.value, from: 'stdin'} : undefined
  const specific = new Map<string, {value: string; from: string}>()
  for (const raw of sources?.envVars ?? []) {
    const eq = raw.indexOf('=')
    const name = (eq < 0 ? raw : raw.slice(eq + 1)).trim()
    const key = eq < 0 ? undefined : raw.slice(0, eq).trim().toLowerCase()
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || key === '') {
      throw new UsageError(`--client-secret-env ${raw}: give the name of an environment variable (VAR), or FOLDER=VAR for one connector.`, {code: 'USAGE', suggestions: ['cc import exports/dev --env test --client-secret-env CONTOSO_SECRET']})
    }
    const value = env[name]
    if (!value) {
      throw new UsageError(`The environment variable ${name} (--client-secret-env) is empty.`, {code: 'OAUTH_SECRET_MISSING', suggestions: [`export ${name}=<the OAuth app's client secret for this environment>`]})
    }
    if (key === undefined) general = {value, from: `$${name}`}
    else specific.set(key, {value, from: `$${name}`})
  }
  return {
    given: general !== undefined || specific.size > 0,
    for: (folder, displayName) => specific.get(folder.toLowerCase()) ?? specific.get(displayName.toLowerCase()) ?? general,
  }
}
