import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import {CcError, UsageError} from '../errors.js'

/**
 * Managed-identity values pasted from the portal, for when the platform does not return a connector's issuer
 * and subject: `--issuer` and `--subject` (one connector), or a file mapping connectors to them:
 *
 * ```json
 * {"contoso-payments": {"issuer": "https://login.microsoftonline.com/<tenant>/v2.0", "subject": "/eid1/c/pub/t/…"}}
 * ```
 *
 * Keys are export folders, display names or Power Apps names. YAML works too.
 */
export interface IdentityValues {
  issuer: string
  subject: string
}

export interface IdentityOverrides {
  /** Values for one connector (from --issuer/--subject), used when exactly one connector lacks them. */
  single?: IdentityValues
  byConnector: Map<string, IdentityValues>
}

export async function readIdentityOverrides(options: {issuer?: string; subject?: string; file?: string}, cwd: string): Promise<IdentityOverrides> {
  if ((options.issuer === undefined) !== (options.subject === undefined)) {
    throw new UsageError('--issuer and --subject go together (both as shown by the connector in the portal).', {code: 'USAGE', suggestions: ['--issuer https://login.microsoftonline.com/<tenant>/v2.0 --subject /eid1/c/pub/t/…']})
  }
  const overrides: IdentityOverrides = {byConnector: new Map()}
  if (options.issuer !== undefined && options.subject !== undefined) overrides.single = checked({issuer: options.issuer, subject: options.subject}, '--issuer/--subject')
  if (options.file) {
    const path = resolve(cwd, options.file)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      throw new UsageError(`Cannot read ${options.file} (--identity-file).`, {code: 'IDENTITY_FILE_UNREADABLE', file: path})
    }
    const yaml = await import('yaml')
    let data: unknown
    try {
      data = yaml.parse(text)
    } catch (error) {
      throw new CcError(`${options.file} is not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`, {code: 'IDENTITY_FILE_INVALID', file: path})
    }
    const entries: Array<[string, unknown]> = Array.isArray(data)
      ? data.map((item, i) => [String((item as {connector?: unknown})?.connector ?? `#${i}`), item])
      : data && typeof data === 'object'
        ? Object.entries(data)
        : []
    if (entries.length === 0) throw new CcError(`${options.file} maps no connector to an issuer and subject.`, {code: 'IDENTITY_FILE_INVALID', file: path, suggestions: ['{"<connector folder or name>": {"issuer": "…", "subject": "…"}}']})
    for (const [key, value] of entries) {
      const v = value as {issuer?: unknown; subject?: unknown}
      if (typeof v?.issuer !== 'string' || typeof v?.subject !== 'string') {
        throw new CcError(`${options.file}: "${key}" needs an issuer and a subject (strings).`, {code: 'IDENTITY_FILE_INVALID', file: path})
      }
      overrides.byConnector.set(key.toLowerCase(), checked({issuer: v.issuer, subject: v.subject}, `${options.file} "${key}"`))
    }
  }
  return overrides
}

function checked(values: IdentityValues, where: string): IdentityValues {
  const issuer = values.issuer.trim()
  const subject = values.subject.trim()
  try {
    new URL(issuer)
  } catch {
    throw new UsageError(`${where}: the issuer must be a URL (as the portal shows it), not "${issuer}".`, {code: 'IDENTITY_VALUES_INVALID'})
  }
  if (subject === '' || subject.length > 600 || issuer.length > 600) throw new UsageError(`${where}: the subject must be 1 to 600 characters.`, {code: 'IDENTITY_VALUES_INVALID'})
  return {issuer, subject}
}

/** The pasted values for a connector, by any of its keys. */
export function overrideFor(overrides: IdentityOverrides | undefined, keys: ReadonlyArray<string | undefined>): IdentityValues | undefined {
  if (!overrides) return undefined
  for (const key of keys) {
    const found = key ? overrides.byConnector.get(key.toLowerCase()) : undefined
    if (found) return found
  }
  return undefined
}
