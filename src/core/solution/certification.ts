import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {Connector, Swagger} from '../connector/types.js'
import {CcError} from '../errors.js'
import {ExitCode} from '../exit-codes.js'
import type {ProjectFile} from '../project/project-file.js'
import {readValidationSettings} from '../validate/config.js'
import {validateLoaded} from '../validate/validate.js'
import {openZip} from '../zip/read.js'
import {contentTypesPath, renderContentTypes} from './content-types.js'
import {connectorFolder} from './customizations.js'
import {isSolutionZip, notASolution, readSolutionZip} from './read.js'
import type {SolutionFile} from './types.js'
import {renderXml} from './xml.js'

/**
 * The certification package Microsoft's ConnectorPackageValidator expects (validation-rules.md 1.3,
 * dataverse-and-solutions.md 3.11): an outer zip with exactly one intro.md and one package zip; the package zip
 * (a Package Deployer package) with one folder, PkgAssets, holding the solution zips (connector solution first,
 * then the flow solution) and the ImportConfig.xml that lists them in import order.
 */
export const pkgAssetsFolder = 'PkgAssets'

/** A solution zip that goes into PkgAssets. */
export interface PackagedSolution {
  /** File name in PkgAssets, e.g. `ContosoPayments_1_0_0_0.zip`. */
  fileName: string
  bytes: Buffer
}

/**
 * ImportConfig.xml of a Package Deployer package: the solutions in the order they must be imported. Connectors
 * come first: the platform cannot register a connector in time when its flows import in the same step
 * (dataverse-and-solutions.md 4.1).
 */
export function renderImportConfig(solutionFileNames: readonly string[]): string {
  return renderXml({
    configdatastorage: {
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
      '@_installsampledata': 'false',
      '@_waitforsampledatatoinstall': 'true',
      '@_agentdesktopzipfile': '',
      '@_agentdesktopexename': '',
      '@_crmmigdataimportfile': '',
      solutions: {
        configsolutionfile: solutionFileNames.map((name) => ({
          '@_solutionpackagefilename': name,
          '@_overwriteunmanagedcustomizations': 'false',
          '@_publishworkflowsandactivateplugins': 'true',
        })),
      },
      filestoimport: '',
      filesmapstoimport: '',
    },
  })
}

/** The files of the package zip: `[Content_Types].xml`, `PkgAssets/ImportConfig.xml` and the solution zips. */
export function packageFiles(solutions: readonly PackagedSolution[]): SolutionFile[] {
  const files: SolutionFile[] = [
    {path: `${pkgAssetsFolder}/ImportConfig.xml`, data: renderImportConfig(solutions.map((s) => s.fileName))},
    ...solutions.map((s) => ({path: `${pkgAssetsFolder}/${s.fileName}`, data: s.bytes})),
  ]
  return [{path: contentTypesPath, data: renderContentTypes(files.map((f) => f.path))}, ...files]
}

export interface FlowSolutionInfo {
  uniqueName: string
  version: string
  /** Logical names of the connectors the flow solution holds. */
  connectors: string[]
}

/**
 * Checks that a zip is a flow solution as the certification validator classifies it: solution.xml,
 * customizations.xml and [Content_Types].xml at the root, `Connector` and `Workflows` nodes with content in
 * customizations.xml, and `Connector/` and `Workflows/` folders.
 */
export async function inspectFlowSolution(path: string, label: string): Promise<FlowSolutionInfo> {
  const archive = await openZip(path, {label})
  try {
    if (!isSolutionZip(archive)) throw notASolution(archive)
    const contents = await readSolutionZip(archive)
    const names = archive.files.map((f) => f.name)
    const missing: string[] = []
    if (!archive.find(contentTypesPath, {caseInsensitive: true})) missing.push(contentTypesPath)
    if (!contents.components.includes('Connectors')) missing.push('a Connector in customizations.xml')
    if (!contents.hasWorkflows) missing.push('Workflows in customizations.xml')
    if (!names.some((n) => n.toLowerCase().startsWith(`${connectorFolder.toLowerCase()}/`))) missing.push('the Connector/ folder')
    if (!names.some((n) => n.toLowerCase().startsWith('workflows/'))) missing.push('the Workflows/ folder')
    if (missing.length > 0) {
      throw new CcError(`${label} is not a flow solution as certification expects it: it lacks ${missing.join(', ')}.`, {
        code: 'CERTIFICATION_FLOW_SOLUTION_INVALID',
        file: label,
        suggestions: [
          'Export the solution that holds the flows and the connector they use (Solutions → Export, unmanaged) and pass that zip to --flow-solution.',
        ],
      })
    }
    return {uniqueName: contents.manifest.uniqueName, version: contents.manifest.version, connectors: contents.connectors.map((c) => c.name)}
  } finally {
    archive.close()
  }
}

/**
 * intro.md for the certification package: the file given (`--intro`), else the connector folder's own intro.md
 * or readme.md, else an outline built from the API definition (title, description, publisher, operations) with the
 * sections Microsoft's readme template asks for. `generated` tells which.
 */
export async function certificationIntro(connector: Connector, explicit?: string): Promise<{text: string; source: string; generated: boolean}> {
  const read = async (path: string) => {
    try {
      return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')
    } catch (error) {
      throw new CcError(`Cannot read the intro file ${path}.`, {
        code: 'CERTIFICATION_INTRO_NOT_FOUND',
        file: path,
        cause: error,
        suggestions: ['Check the path given with --intro (or solution.certification.intro in cc.yaml).'],
      })
    }
  }
  if (explicit) return {text: await read(explicit), source: explicit, generated: false}
  const own = connector.otherFiles.find((f) => /^intro\.md$/i.test(f))
  if (own) return {text: await read(join(connector.dir, own)), source: join(connector.dir, own), generated: false}
  if (connector.readme) return {text: connector.readme.text, source: connector.readme.path, generated: false}
  const swagger = (connector.apiDefinition?.value ?? {}) as Swagger
  const publisher = connector.apiProperties?.value?.properties?.publisher
  const lines = [`# ${swagger.info?.title ?? connector.folderName}`, '']
  if (swagger.info?.description) lines.push(String(swagger.info.description), '')
  lines.push('## Publisher', '', typeof publisher === 'string' && publisher !== '' ? publisher : '(the publisher)', '')
  lines.push('## Prerequisites', '', '(What a user needs before using the connector: a plan, an account, a role.)', '')
  lines.push('## Supported operations', '')
  for (const [path, item] of Object.entries(swagger.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {})) {
      if (!operation || typeof operation !== 'object' || !/^(get|put|post|delete|patch|head|options)$/i.test(method)) continue
      const op = operation as {operationId?: string; summary?: string; description?: string}
      const name = op.summary ?? op.operationId ?? `${method.toUpperCase()} ${path}`
      lines.push(`- **${name}**${op.operationId ? ` (\`${op.operationId}\`)` : ''}${op.description ? `: ${op.description.replace(/\s+/g, ' ').trim()}` : ''}`)
    }
  }
  lines.push('', '## Obtaining credentials', '', '(How a user gets the credentials the connection asks for.)', '')
  lines.push('## Known issues and limitations', '', '(None known.)', '')
  return {text: lines.join('\n'), source: 'generated', generated: true}
}

/**
 * The certification profile of `cc validate` over the connectors about to be packaged (cc.yaml rule levels
 * apply). Errors stop packaging with VALIDATION_FAILED (exit 3), as the base profile's pre-flight does.
 */
export async function certificationPreflight(connectors: readonly Connector[], project: ProjectFile | undefined, cwd: string): Promise<void> {
  const settings = await readValidationSettings(project)
  const errors = connectors.flatMap((c) => validateLoaded(c, settings, 'certification', 'certification', cwd).findings.filter((f) => f.severity === 'error'))
  if (errors.length === 0) return
  const first = errors[0]!
  const shown = errors.slice(0, 5).map((e) => `${e.file}:${e.line}:${e.column} ${e.message} (${e.ruleId})`)
  throw new CcError(
    `The certification profile found ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${shown.join('\n  ')}${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ''}`,
    {
      code: 'VALIDATION_FAILED',
      exitCode: ExitCode.findings,
      file: first.file,
      line: first.line,
      column: first.column,
      suggestions: ['cc validate <connector> --profile certification to see every finding with a fix hint', 'or pass --no-validate to skip this check'],
    },
  )
}
