import {CcError} from '../errors.js'
import {parseJsonDocument} from '../json/document.js'
import type {ZipArchive} from '../zip/read.js'
import {contentTypesPath} from './content-types.js'
import {customizationsPath} from './customizations.js'
import {envVarFolder} from './env-vars.js'
import {ComponentType, manifestPath} from './manifest.js'
import {EnvVarType} from './types.js'
import {attributeOf, parseXml, textOf} from './xml.js'

/** solution.xml, as read. */
export interface SolutionManifestInfo {
  uniqueName: string
  displayName: string
  version: string
  managed: boolean
  publisher: {uniqueName: string; displayName: string; prefix: string; optionValuePrefix?: number}
  rootComponents: Array<{type: number; id?: string; schemaName?: string}>
}

/** A connector of a solution zip, with its files read and parsed. */
export interface SolutionZipConnector {
  name: string
  connectorId: string
  displayName: string
  description: string
  iconBrandColor?: string
  scriptOperations?: unknown
  openApiDefinition: unknown
  connectionParameters: unknown
  connectionParameterSets?: unknown
  policyTemplateInstances?: unknown
  customCode?: string
  icon?: Buffer
}

export interface SolutionZipEnvVar {
  schemaName: string
  displayName?: string
  type: 'String' | 'Secret' | 'Other'
  defaultValue?: string
}

export interface SolutionZipContents {
  label: string
  manifest: SolutionManifestInfo
  connectors: SolutionZipConnector[]
  environmentVariables: SolutionZipEnvVar[]
  /** True when customizations.xml has Workflows with content (a flow solution). */
  hasWorkflows: boolean
  /** Top-level elements of customizations.xml that have content, e.g. `Connectors`, `Workflows`. */
  components: string[]
  /** Files of the zip that no connector or definition uses. */
  otherFiles: string[]
  /** Things that were read leniently (e.g. an emptied connection parameters file). */
  warnings: string[]
}

const xmlArrays = {
  manifest: [
    'ImportExportXml.SolutionManifest.LocalizedNames.LocalizedName',
    'ImportExportXml.SolutionManifest.Publisher.LocalizedNames.LocalizedName',
    'ImportExportXml.SolutionManifest.RootComponents.RootComponent',
  ],
  customizations: ['ImportExportXml.Connectors.Connector'],
}

/** True when the zip has a solution.xml at its root. */
export function isSolutionZip(archive: ZipArchive): boolean {
  return archive.find(manifestPath, {caseInsensitive: true}) !== undefined
}

/**
 * Reads a packed solution zip (as exported, or as cc writes it): solution.xml, customizations.xml, the files of
 * each `Connector` element and the environment variable definitions. Missing or broken parts are CcErrors naming
 * the file inside the zip (`solution.zip!/Connector/x_openapidefinition.json`) and, for JSON, the line and column.
 */
export async function readSolutionZip(archive: ZipArchive): Promise<SolutionZipContents> {
  const used = new Set<string>()
  const warnings: string[] = []
  const readText = async (path: string): Promise<string> => {
    const entry = archive.find(path) ?? archive.find(path, {caseInsensitive: true})
    if (!entry) throw missingFile(archive, path)
    used.add(entry.name)
    return decodeText(await archive.read(entry.name))
  }
  const manifestEntry = archive.find(manifestPath, {caseInsensitive: true})
  if (!manifestEntry) throw notASolution(archive)
  const manifestXml = parseXml(await readText(manifestEntry.name), `${archive.label}!/${manifestEntry.name}`, xmlArrays.manifest)
  const manifest = readManifest(manifestXml, `${archive.label}!/${manifestEntry.name}`)
  const customizationsFile = `${archive.label}!/${customizationsPath}`
  const customizations = parseXml(await readText(customizationsPath), customizationsFile, xmlArrays.customizations)
  const root = (customizations.ImportExportXml ?? {}) as Record<string, unknown>
  const components = Object.keys(root).filter((k) => !k.startsWith('@_') && k !== 'Languages' && k !== '#text' && hasContent(root[k]))
  if (archive.find(contentTypesPath)) used.add(contentTypesPath)

  const connectors: SolutionZipConnector[] = []
  const elements = ((root.Connectors as Record<string, unknown> | undefined)?.Connector ?? []) as Array<Record<string, unknown>>
  for (const element of elements) {
    const field = (name: string) => textOf(element[name])
    const name = field('name')
    const connectorId = field('connectorid')
    if (!name || !connectorId) {
      throw new CcError(`${customizationsFile}: a Connector element has no ${name ? 'connectorid' : 'name'}.`, {
        code: 'SOLUTION_INVALID',
        file: customizationsFile,
        suggestions: ['Export the solution again; every Connector needs name and connectorid.'],
      })
    }
    const fileOf = (element: string) => {
      const ref = field(element)
      return ref === undefined ? undefined : ref.replace(/^\/+/, '')
    }
    const readJson = async (element: string, required: boolean): Promise<unknown> => {
      const path = fileOf(element)
      if (path === undefined) {
        if (!required) return undefined
        throw new CcError(`${customizationsFile}: connector ${name} has no ${element}.`, {code: 'SOLUTION_INVALID', file: customizationsFile})
      }
      const text = await readText(path)
      if (text.trim() === '' && !required) {
        // ALM pipelines blank connection parameter files on export so that imports keep the target's settings.
        warnings.push(`${archive.label}!/${path} is empty; read as no ${element}.`)
        return undefined
      }
      return parseJson(text, `${archive.label}!/${path}`)
    }
    const connector: SolutionZipConnector = {
      name,
      connectorId: connectorId.replace(/^\{|\}$/g, '').toLowerCase(),
      displayName: field('displayname') ?? name,
      description: field('description') ?? '',
      openApiDefinition: await readJson('openapidefinition', true),
      connectionParameters: (await readJson('connectionparameters', false)) ?? {},
    }
    const color = field('iconbrandcolor')
    if (color !== undefined) connector.iconBrandColor = color
    const operations = field('scriptoperations')
    if (operations !== undefined) connector.scriptOperations = parseJson(operations, `${customizationsFile} (scriptoperations of ${name})`)
    const sets = await readJson('connectionparametersets', false)
    if (sets !== undefined) connector.connectionParameterSets = sets
    const policies = await readJson('policytemplateinstances', false)
    if (policies !== undefined) connector.policyTemplateInstances = policies
    const code = fileOf('customcodeblobcontent')
    if (code !== undefined) connector.customCode = await readText(code)
    const icon = fileOf('iconblob')
    if (icon !== undefined) {
      const entry = archive.find(icon) ?? archive.find(icon, {caseInsensitive: true})
      if (!entry) throw missingFile(archive, icon)
      used.add(entry.name)
      connector.icon = await archive.read(entry.name)
    }
    connectors.push(connector)
  }

  const environmentVariables: SolutionZipEnvVar[] = []
  const definitionPattern = new RegExp(`^${envVarFolder}/([^/]+)/environmentvariabledefinition\\.xml$`, 'i')
  for (const entry of archive.files) {
    if (!definitionPattern.test(entry.name)) continue
    const file = `${archive.label}!/${entry.name}`
    const xml = parseXml(await readText(entry.name), file)
    const definition = xml.environmentvariabledefinition as Record<string, unknown> | undefined
    const schemaName = attributeOf(definition, 'schemaname')
    if (!definition || !schemaName) throw new CcError(`${file} has no environmentvariabledefinition with a schemaname.`, {code: 'SOLUTION_INVALID', file})
    const type = Number(textOf(definition.type))
    const variable: SolutionZipEnvVar = {schemaName, type: type === EnvVarType.String ? 'String' : type === EnvVarType.Secret ? 'Secret' : 'Other'}
    const displayName = attributeOf(definition.displayname, 'default') ?? textOf(definition.displayname)
    if (displayName !== undefined) variable.displayName = displayName
    const defaultValue = textOf(definition.defaultvalue)
    if (defaultValue !== undefined) variable.defaultValue = defaultValue
    environmentVariables.push(variable)
  }
  return {
    label: archive.label,
    manifest,
    connectors,
    environmentVariables,
    hasWorkflows: components.includes('Workflows'),
    components,
    otherFiles: archive.files.map((f) => f.name).filter((n) => !used.has(n)),
    warnings,
  }
}

function readManifest(xml: Record<string, unknown>, file: string): SolutionManifestInfo {
  const manifest = (xml.ImportExportXml as Record<string, unknown> | undefined)?.SolutionManifest as Record<string, unknown> | undefined
  const uniqueName = textOf(manifest?.UniqueName)
  if (!manifest || !uniqueName) {
    throw new CcError(`${file} has no SolutionManifest with a UniqueName.`, {
      code: 'SOLUTION_INVALID',
      file,
      suggestions: ['Export the solution again; this file is not a Dataverse solution manifest.'],
    })
  }
  const localized = (node: unknown) => {
    const names = (node as {LocalizedName?: unknown[]} | undefined)?.LocalizedName ?? []
    const english = names.find((n) => attributeOf(n, 'languagecode') === '1033') ?? names[0]
    return attributeOf(english, 'description')
  }
  const publisher = (manifest.Publisher ?? {}) as Record<string, unknown>
  const optionValuePrefix = Number(textOf(publisher.CustomizationOptionValuePrefix))
  const roots = ((manifest.RootComponents as {RootComponent?: unknown[]} | undefined)?.RootComponent ?? []).map((r) => {
    const component: SolutionManifestInfo['rootComponents'][number] = {type: Number(attributeOf(r, 'type'))}
    const id = attributeOf(r, 'id')
    const schemaName = attributeOf(r, 'schemaName')
    if (id !== undefined) component.id = id.replace(/^\{|\}$/g, '').toLowerCase()
    if (schemaName !== undefined) component.schemaName = schemaName
    return component
  })
  return {
    uniqueName,
    displayName: localized(manifest.LocalizedNames) ?? uniqueName,
    version: textOf(manifest.Version) ?? '',
    managed: textOf(manifest.Managed) === '1',
    publisher: {
      uniqueName: textOf(publisher.UniqueName) ?? '',
      displayName: localized(publisher.LocalizedNames) ?? textOf(publisher.UniqueName) ?? '',
      prefix: textOf(publisher.CustomizationPrefix) ?? '',
      ...(Number.isInteger(optionValuePrefix) ? {optionValuePrefix} : {}),
    },
    rootComponents: roots,
  }
}

/** The connectors a solution lists as root components (type 372). */
export function connectorRootComponents(manifest: SolutionManifestInfo): SolutionManifestInfo['rootComponents'] {
  return manifest.rootComponents.filter((r) => r.type === ComponentType.connector)
}

function hasContent(node: unknown): boolean {
  if (node === undefined || node === null || node === '') return false
  if (typeof node === 'object') return Object.keys(node).length > 0
  return true
}

/** UTF-8 text without a byte order mark. */
export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8')
  return text.charCodeAt(0) === 0xfe_ff ? text.slice(1) : text
}

function parseJson(text: string, file: string): unknown {
  const doc = parseJsonDocument(text, {duplicates: false})
  const problem = doc.problems[0]
  if (!doc.strict || problem) {
    throw new CcError(`${file} is not valid JSON${problem ? `: ${problem.message}` : ''}.`, {
      code: 'SOLUTION_JSON_INVALID',
      file,
      ...(problem ? {line: problem.line, column: problem.column} : {}),
      suggestions: ['Export the solution again; the platform writes these files as plain JSON.'],
    })
  }
  return doc.value
}

function missingFile(archive: ZipArchive, path: string): CcError {
  return new CcError(`${archive.label} has no file ${path}, which customizations.xml refers to.`, {
    code: 'SOLUTION_FILE_MISSING',
    file: archive.label,
    data: {entry: path},
    suggestions: [
      'Export the solution again. Zips packed by `pac solution pack` from folders unpacked by older tools lose connector files whose names pass 30 characters.',
    ],
  })
}

/** The error for a zip without solution.xml, with a hint for the usual mix-ups. */
export function notASolution(archive: ZipArchive): CcError {
  const names = archive.files.map((f) => f.name)
  const suggestions: string[] = []
  if (names.some((n) => /^Other\/Solution\.xml$/i.test(n))) {
    suggestions.push('This is an unpacked SolutionPackager folder in a zip: pack it first with `pac solution pack --zipfile out.zip --folder <folder>`.')
  } else {
    suggestions.push('Pass a solution zip exported from Power Apps (Solutions → Export) or written by `cc package --kind solution`.')
  }
  return new CcError(`${archive.label} is not a solution zip: it has no solution.xml at its root.`, {code: 'SOLUTION_INVALID', file: archive.label, suggestions})
}
