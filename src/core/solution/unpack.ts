import {readdir, rm} from 'node:fs/promises'
import {join, relative, resolve} from 'node:path'

import {CanonicalFile} from '../connector/layout.js'
import type {ApiProperties, ApiPropertiesBody, Swagger} from '../connector/types.js'
import {type ConnectorContent, writeConnector} from '../connector/write.js'
import type {CoreContext} from '../context.js'
import {CcError, throwIfAborted} from '../errors.js'
import {displayPath, isInside} from '../fs/paths.js'
import {openZip, type ZipArchive} from '../zip/read.js'
import {envVarReferencesIn, referencedEnvVar} from './env-vars.js'
import {isSolutionZip, notASolution, readSolutionZip, type SolutionZipConnector, type SolutionZipContents, type SolutionZipEnvVar} from './read.js'

export interface UnpackOptions {
  /** The solution zip (or a certification package holding one). */
  zip: string
  /** Folder that receives one folder per connector. Default: the current folder. */
  out?: string
  /** Replace the files of connector folders that already exist. */
  force?: boolean
  /** Put the default values of the solution's environment variables back in place of their references. */
  resolveEnvVars?: boolean
}

export interface UnpackedConnector {
  name: string
  displayName: string
  connectorId: string
  /** The folder written (as shown to the user). */
  folder: string
  /** Files written, relative to the folder. */
  files: string[]
  /** Environment variable references left in the files (none with --resolve-env-vars when all have defaults). */
  envVarReferences: string[]
}

export interface UnpackResult {
  zip: string
  /** Where the solution was found: the zip itself, or `outer.zip!/inner.zip!/PkgAssets/x.zip` in a certification package. */
  source: string
  solution: {uniqueName: string; displayName: string; version: string; managed: boolean; publisher: string; prefix: string}
  out: string
  connectors: UnpackedConnector[]
  environmentVariables: SolutionZipEnvVar[]
  /** Components of the solution that are not connectors (e.g. Workflows); cc unpack leaves them out. */
  otherComponents: string[]
}

/**
 * `cc unpack`: turns the connectors of a solution zip back into connector folders (apiDefinition.swagger.json,
 * apiProperties.json, icon.png, script.csx). The zip is read with every safety check of `openZip` (zip slip,
 * links, zip bombs); folder names come from the connectors' display names, never from paths in the zip.
 */
export async function unpackSolution(options: UnpackOptions, context: CoreContext): Promise<UnpackResult> {
  const zipPath = resolve(context.cwd, options.zip)
  const out = resolve(context.cwd, options.out ?? '.')
  const shown = displayPath(zipPath, context.cwd)
  context.reporter.step(`Reading ${shown}`)
  const {contents, close} = await openSolution(zipPath, shown)
  try {
    if (contents.connectors.length === 0) {
      throw new CcError(`${contents.label} holds no connectors${contents.components.length > 0 ? ` (only ${contents.components.join(', ')})` : ''}.`, {
        code: 'SOLUTION_NO_CONNECTORS',
        file: shown,
        suggestions: ['Pass the solution that holds the custom connector (a connector-only solution, as `cc package --kind solution` writes).'],
      })
    }
    for (const warning of contents.warnings) context.reporter.warn(warning)
    const folders = folderNames(contents.connectors)
    const byName = new Map(contents.environmentVariables.map((v) => [v.schemaName.toLowerCase(), v]))
    const planned = contents.connectors.map((connector, i) => ({connector, dir: join(out, folders[i]!)}))
    for (const {dir} of planned) {
      if (!isInside(out, dir)) throw new CcError(`Refusing to write outside ${displayPath(out, context.cwd)}.`, {code: 'UNPACK_UNSAFE_NAME', file: shown})
      if (!options.force && (await nonEmpty(dir))) {
        throw new CcError(`${displayPath(dir, context.cwd)} already exists and is not empty.`, {
          code: 'UNPACK_TARGET_EXISTS',
          file: displayPath(dir, context.cwd),
          suggestions: [`cc unpack ${options.zip} --out <another folder>`, `or replace its connector files: cc unpack ${options.zip} --force`],
        })
      }
    }

    const connectors: UnpackedConnector[] = []
    for (const [i, {connector, dir}] of planned.entries()) {
      throwIfAborted(context.signal)
      context.reporter.progress(i, planned.length, 'Writing connectors')
      const content = connectorContent(connector, options.resolveEnvVars ? byName : undefined)
      const written = await writeConnector(dir, content)
      if (options.force) await removeStale(dir, written)
      connectors.push({
        name: connector.name,
        displayName: connector.displayName,
        connectorId: connector.connectorId,
        folder: displayPath(dir, context.cwd),
        files: written.map((p) => relative(dir, p).replaceAll('\\', '/')),
        envVarReferences: envVarReferencesIn(content.apiDefinition.host, content.apiDefinition.basePath, content.apiProperties),
      })
    }
    context.reporter.progress(planned.length, planned.length, 'Writing connectors')
    for (const c of connectors) {
      for (const ref of c.envVarReferences) {
        const variable = byName.get(ref.toLowerCase())
        if (options.resolveEnvVars && variable?.defaultValue === undefined) {
          context.reporter.warn(`${c.folder} keeps @environmentVariables("${ref}"): the solution gives it no default value.`)
        }
      }
    }
    const m = contents.manifest
    return {
      zip: shown,
      source: contents.label,
      solution: {uniqueName: m.uniqueName, displayName: m.displayName, version: m.version, managed: m.managed, publisher: m.publisher.uniqueName, prefix: m.publisher.prefix},
      out: displayPath(out, context.cwd),
      connectors,
      environmentVariables: contents.environmentVariables,
      otherComponents: contents.components.filter((c) => c !== 'Connectors'),
    }
  } finally {
    close()
  }
}

/**
 * Opens a solution zip, or the connector solution inside a certification package (outer zip → package zip →
 * `PkgAssets/*.zip`, the one with connectors and no workflows).
 */
export async function openSolution(path: string, label: string): Promise<{contents: SolutionZipContents; close: () => void}> {
  const opened: ZipArchive[] = []
  const close = () => {
    for (const a of opened) a.close()
  }
  try {
    const outer = await openZip(path, {label})
    opened.push(outer)
    if (isSolutionZip(outer)) return {contents: await readSolutionZip(outer), close}
    const inner = outer.files.filter((f) => /\.zip$/i.test(f.name) && !f.name.includes('/'))
    if (inner.length !== 1) throw notASolution(outer)
    const pkg = await openZip(await outer.read(inner[0]!.name), {label: `${label}!/${inner[0]!.name}`})
    opened.push(pkg)
    const candidates: SolutionZipContents[] = []
    for (const entry of pkg.files.filter((f) => /^[^/]+\/[^/]+\.zip$/i.test(f.name))) {
      const solution = await openZip(await pkg.read(entry.name), {label: `${pkg.label}!/${entry.name}`})
      opened.push(solution)
      if (isSolutionZip(solution)) candidates.push(await readSolutionZip(solution))
    }
    const withConnectors = candidates.filter((c) => c.connectors.length > 0)
    const chosen = withConnectors.find((c) => !c.hasWorkflows) ?? withConnectors[0] ?? candidates[0]
    if (!chosen) {
      throw new CcError(`${label} is neither a solution zip nor a certification package with solution zips in it.`, {
        code: 'SOLUTION_INVALID',
        file: label,
        suggestions: ['Pass a solution zip exported from Power Apps or written by `cc package --kind solution`.'],
      })
    }
    return {contents: chosen, close}
  } catch (error) {
    close()
    throw error
  }
}

/** Folder names from display names: characters Windows and macOS refuse are dropped; clashes get the logical name. */
export function folderNames(connectors: ReadonlyArray<Pick<SolutionZipConnector, 'displayName' | 'name'>>): string[] {
  const reserved = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i
  const seen = new Set<string>()
  return connectors.map((c) => {
    // eslint-disable-next-line no-control-regex
    let name = c.displayName.replace(/[<>:"/\\|?*\u0000-\u001F]/g, '').replace(/[. ]+$/, '').trim()
    if (name === '' || name === '.' || name === '..' || reserved.test(name)) name = c.name
    if (seen.has(name.toLowerCase())) name = `${name} (${c.name})`
    seen.add(name.toLowerCase())
    return name
  })
}

/** The connector folder content of a connector of a solution zip. */
export function connectorContent(connector: SolutionZipConnector, resolveWith?: Map<string, SolutionZipEnvVar>): ConnectorContent {
  const resolveRefs = <T>(value: T): T => (resolveWith ? (substitute(value, resolveWith) as T) : value)
  const properties: ApiPropertiesBody = {connectionParameters: resolveRefs(connector.connectionParameters) as ApiPropertiesBody['connectionParameters']}
  if (connector.connectionParameterSets !== undefined) properties.connectionParameterSets = resolveRefs(connector.connectionParameterSets) as ApiPropertiesBody['connectionParameterSets']
  if (connector.iconBrandColor !== undefined) properties.iconBrandColor = connector.iconBrandColor
  if (Array.isArray(connector.scriptOperations)) properties.scriptOperations = connector.scriptOperations as string[]
  const policies = connector.policyTemplateInstances
  if (policies !== undefined && policies !== null && !(Array.isArray(policies) && policies.length === 0)) {
    properties.policyTemplateInstances = policies as ApiPropertiesBody['policyTemplateInstances']
  }
  const swagger = structuredClone(connector.openApiDefinition) as Swagger
  if (resolveWith && swagger && typeof swagger === 'object') {
    for (const key of ['host', 'basePath'] as const) swagger[key] = substitute(swagger[key], resolveWith) as string
  }
  const content: ConnectorContent = {apiDefinition: swagger, apiProperties: {properties} as ApiProperties}
  if (connector.icon) content.icon = connector.icon
  if (connector.customCode !== undefined) content.script = connector.customCode
  return content
}

/** Replaces `@environmentVariables("x")` strings by the default value of x, where the solution gives one. */
function substitute(value: unknown, variables: Map<string, SolutionZipEnvVar>): unknown {
  const name = referencedEnvVar(value)
  if (name) return variables.get(name.toLowerCase())?.defaultValue ?? value
  if (Array.isArray(value)) return value.map((v) => substitute(v, variables))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, variables)]))
  return value
}

async function nonEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0
  } catch {
    return false
  }
}

/** After --force: connector files of the old folder that the solution does not have (e.g. an old script.csx). */
async function removeStale(dir: string, written: readonly string[]): Promise<void> {
  const keep = new Set(written.map((p) => resolve(p)))
  for (const name of [CanonicalFile.icon, CanonicalFile.script, CanonicalFile.apiDefinitionYaml]) {
    const path = resolve(dir, name)
    if (!keep.has(path)) await rm(path, {force: true})
  }
}
