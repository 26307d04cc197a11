import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {XMLParser} from 'fast-xml-parser'

/**
 * The structure checks of Microsoft's scripts/ConnectorPackageValidator.ps1 (microsoft/PowerPlatformConnectors;
 * validation-rules.md 1.3, dataverse-and-solutions.md 3.11), re-implemented for the test suite independently of
 * cc's own code: it extracts with Info-ZIP `unzip` and looks at folders and files as the script does after
 * Expand-Archive. PowerShell compares names without regard to case (`-eq`, `-Filter`), and so does this.
 */
export interface PackageValidation {
  ok: boolean
  /** The messages the script would print, in order. */
  messages: string[]
  /** How each solution zip was classified. */
  solutions: Array<{name: string; connector: boolean; workflows: boolean; plugin: boolean}>
}

export function validateConnectorPackage(zipPath: string, options: {pluginEnabled?: boolean} = {}): PackageValidation {
  const pluginEnabled = options.pluginEnabled ?? false
  const messages: string[] = []
  const solutions: PackageValidation['solutions'] = []
  const temps: string[] = []
  const fail = (message: string): PackageValidation => {
    messages.push(message, 'Validation failed: Invalid package structure. Check previous messages for details.')
    return {ok: false, messages, solutions}
  }
  const expand = (zip: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cpv-'))
    temps.push(dir)
    execFileSync('unzip', ['-qq', '-o', zip, '-d', dir])
    return dir
  }
  const folders = (dir: string) => readdirSync(dir, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => e.name)
  const files = (dir: string) => readdirSync(dir, {withFileTypes: true}).filter((e) => e.isFile()).map((e) => e.name)
  const withExtension = (names: string[], ext: string) => names.filter((n) => n.toLowerCase().endsWith(ext))
  const hasFolder = (dir: string, name: string) => folders(dir).some((f) => f.toLowerCase() === name.toLowerCase())

  try {
    if (!zipPath.toLowerCase().endsWith('.zip')) return fail(`Validation failed: The file '${zipPath}' provided is not a zip file.`)
    if (statSync(zipPath).isDirectory()) return fail(`Validation failed: The path '${zipPath}' contains a folder instead of a zip file.`)

    // Level 1: exactly one *.md and one *.zip, no folders.
    const level1 = expand(zipPath)
    if (folders(level1).length > 0) return fail(`The provided zip file should not contain any folder. Please remove ${folders(level1).join(', ')}.`)
    const mds = withExtension(files(level1), '.md')
    const zips = withExtension(files(level1), '.zip')
    if (mds.length !== 1 || zips.length !== 1) return fail('The provided zip file should contain both intro.md and package zip file.')

    // Level 2: the package zip holds exactly one folder (ideally PkgAssets); files beside it are allowed.
    const level2 = expand(join(level1, zips[0]!))
    const assets = folders(level2)
    if (assets.length !== 1) return fail("The package zip file should contain a folder ideally named 'PkgAssets'.")

    // Level 3: that folder has no sub-folders and exactly 2 solution zips (3 with an AI plugin).
    const level3 = join(level2, assets[0]!)
    if (folders(level3).length > 0) return fail(`The package folder '${assets[0]}' should not contain any folder.`)
    const solutionZips = withExtension(files(level3), '.zip')
    const expected = pluginEnabled ? 3 : 2
    if (solutionZips.length !== expected) {
      return fail(`The package folder '${assets[0]}' should contain ${pluginEnabled ? 'connector, flow and AIplugin' : 'only connector and flow'} solution zip files (found ${solutionZips.length}).`)
    }

    let connectorSolution = false
    let flowSolution = false
    let pluginSolution = false
    for (const name of solutionZips) {
      const dir = expand(join(level3, name))
      const present = files(dir).map((f) => f.toLowerCase())
      const missing = ['[Content_Types].xml', 'customizations.xml', 'solution.xml'].filter((f) => !present.includes(f.toLowerCase()))
      if (missing.length > 0) return fail(`The solution zip file '${name}' should contain three files namely '[Content_Types].xml', 'customizations.xml', 'solution.xml'. Please add the missing '${missing.join(', ')}'.`)
      const xmlName = files(dir).find((f) => f.toLowerCase() === 'customizations.xml')!
      const xml = readFileSync(join(dir, xmlName), 'utf8')
      const connector = nodeFound(xml, 'Connector')
      const workflows = nodeFound(xml, 'Workflows')
      const plugin = pluginEnabled && nodeFound(xml, 'aicopilot_aiplugin')
      solutions.push({name, connector, workflows, plugin})
      if (connector && !workflows && !plugin) connectorSolution = true
      if (connector && workflows && !plugin) flowSolution = true
      if (connector && !workflows && plugin) pluginSolution = true
      if (connector && !hasFolder(dir, 'Connector')) return fail(`The solution zip file '${name}' should contain one folder namely 'Connector'.`)
      if (workflows && (!hasFolder(dir, 'Workflows') || !hasFolder(dir, 'Connector'))) return fail(`The solution zip file '${name}' should contain folders namely 'Connector', 'Workflows'.`)
      if (plugin && (!hasFolder(dir, 'Connector') || !hasFolder(dir, 'aiplugins') || !hasFolder(dir, 'aipluginoperations'))) {
        return fail(`The solution zip file '${name}' should contain folders namely 'Connector', 'aiplugins', 'aipluginoperations'.`)
      }
    }
    if (!connectorSolution) return fail("Connector solution is invalid. Connector solution should only contain 'Connector' folder.")
    if (!flowSolution) return fail("Flow solution is invalid. Flow solution should contain both 'Connector' and 'Workflows' folders.")
    if (pluginEnabled && !pluginSolution) return fail("Plugin solution is invalid. Plugin solution should contain 'Connector', 'aiplugins' and 'aipluginoperations' folders.")
    messages.push('Validation successful: The package structure is correct.')
    return {ok: true, messages, solutions}
  } finally {
    for (const dir of temps) rmSync(dir, {recursive: true, force: true})
  }
}

type OrderedNode = Record<string, unknown>
const parser = new XMLParser({preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', trimValues: true})

/**
 * `SelectSingleNode("//name")` then `HasChildNodes -or Attributes.Count -gt 0`: the first element of that name in
 * document order counts when it has content or attributes (whitespace is not content without PreserveWhitespace).
 */
function nodeFound(xml: string, name: string): boolean {
  const doc = parser.parse(xml.replace(/^\uFEFF/, '')) as OrderedNode[]
  const first = findFirst(doc, name)
  if (!first) return false
  const children = (first[name] as OrderedNode[] | undefined) ?? []
  const attributes = (first[':@'] as Record<string, unknown> | undefined) ?? {}
  return children.length > 0 || Object.keys(attributes).length > 0
}

function findFirst(nodes: OrderedNode[], name: string): OrderedNode | undefined {
  for (const node of nodes) {
    for (const key of Object.keys(node)) {
      if (key === ':@' || key === '#text' || key === '?xml') continue
      if (key === name) return node
      const inner = findFirst(node[key] as OrderedNode[], name)
      if (inner) return inner
    }
  }
  return undefined
}
