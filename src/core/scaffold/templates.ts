import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {packageRoot} from '../fs/package-root.js'

/** The auth kinds `cc scaffold --auth` offers (aad = Microsoft Entra ID). */
export const authKinds = ['none', 'basic', 'apikey', 'oauth2', 'aad'] as const
export type AuthKind = (typeof authKinds)[number]

/**
 * The templates folder shipped with the package (`templates/`): real connector files with `{{placeholders}}`.
 * `common/` holds what every connector shares (API definition, icon, script, readme); one folder per auth kind
 * holds its apiProperties.json, the security part of the API definition (`apiDefinition.security.json`) and the
 * readme's credentials section (`auth.md`). `aad-managed-identity/` overrides `aad/` for --managed-identity.
 */
export const templatesDir = join(packageRoot(), 'templates')

/** Template folders that supply the files of a connector, most specific first. */
export function templateChain(auth: AuthKind, managedIdentity = false): string[] {
  return [...(managedIdentity ? ['aad-managed-identity'] : []), auth, 'common']
}

/** The bytes of a template file from the first folder of the chain that has it; undefined when none has. */
export async function readTemplateFile(chain: readonly string[], file: string): Promise<Buffer | undefined> {
  for (const folder of chain) {
    try {
      return await readFile(join(templatesDir, folder, file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return undefined
}

export async function readTemplateText(chain: readonly string[], file: string): Promise<string> {
  const bytes = await readTemplateFile(chain, file)
  if (!bytes) throw new Error(`cc is installed without its templates: ${file} is missing from ${templatesDir} (${chain.join(', ')}).`)
  return bytes.toString('utf8')
}

export async function readTemplateJson<T>(chain: readonly string[], file: string): Promise<T> {
  return JSON.parse(await readTemplateText(chain, file)) as T
}

const placeholder = /\{\{(\w+)\}\}/g

/** Replaces `{{name}}` in a text. A placeholder without a value is a bug in the templates and throws. */
export function fillText(text: string, values: Readonly<Record<string, unknown>>, where: string): string {
  return text.replace(placeholder, (_, name: string) => {
    if (!(name in values)) throw new Error(`template ${where} uses {{${name}}}, which has no value`)
    return String(values[name])
  })
}

/**
 * Replaces placeholders in every string of a JSON value. A string that is exactly one placeholder takes the value
 * itself, whatever its JSON type; placeholders inside longer strings are replaced by the value's text. Keys are
 * left alone.
 */
export function fillJson<T>(value: T, values: Readonly<Record<string, unknown>>, where: string): T {
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\{\{(\w+)\}\}$/.exec(node)
      if (whole) {
        if (!(whole[1]! in values)) throw new Error(`template ${where} uses {{${whole[1]}}}, which has no value`)
        return values[whole[1]!]
      }
      return fillText(node, values, where)
    }
    if (Array.isArray(node)) return node.map(visit)
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]))
    return node
  }
  return visit(value) as T
}
