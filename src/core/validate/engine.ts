import {join} from 'node:path'

import type {Connector, ConnectorJsonFile} from '../connector/types.js'
import {displayPath} from '../fs/paths.js'
import {LineIndex} from '../json/document.js'
import {formatPointer} from '../json/pointer.js'
import {isObj, SwaggerModel} from './model.js'
import {defaultLevel, type RuleContext} from './rule.js'
import {reportTooDeep} from './rules/files.js'
import {families} from './rules/index.js'
import type {Finding, Profile, ReportExtra, ReportTarget, RuleLevel, RuleMeta, Severity} from './types.js'

export interface CheckOptions {
  profile: Profile
  /** Rule id → level, from cc.yaml (wins over the profile's default and over lenient per-finding levels). */
  levels?: ReadonlyMap<string, RuleLevel>
  /** Rule id → options, from cc.yaml. */
  ruleOptions?: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  /** Finding paths are shown relative to this folder. */
  cwd: string
}

interface Pending {
  rule: RuleMeta
  severity: Severity
  target: ReportTarget
  message: string
  extra: ReportExtra | undefined
}

const fileOrder = ['apiDefinition', 'apiProperties', 'settings', 'script', 'icon', 'readme'] as const

/** Runs every rule family over one loaded connector and returns its findings, sorted by file and position. */
export function checkConnector(connector: Connector, options: CheckOptions): Finding[] {
  const levels = new Map<RuleMeta, Severity | undefined>()
  const levelOf = (rule: RuleMeta): Severity | undefined => {
    if (levels.has(rule)) return levels.get(rule)
    const configured = options.levels?.get(rule.id)
    const level = configured === undefined ? defaultLevel(rule, options.profile) : configured === 'off' ? undefined : configured
    levels.set(rule, level)
    return level
  }
  const pending: Pending[] = []
  const swaggerValue = connector.apiDefinition?.value
  const swagger = isObj(swaggerValue) ? swaggerValue : undefined
  const propertiesFile = isObj(connector.apiProperties?.value) ? (connector.apiProperties.value as Record<string, unknown>) : undefined
  const properties = propertiesFile && isObj(propertiesFile.properties) ? propertiesFile.properties : undefined
  const ctx: RuleContext = {
    connector,
    profile: options.profile,
    swagger,
    model: swagger ? new SwaggerModel(swagger, connector.apiDefinition?.doc.text) : undefined,
    propertiesFile,
    properties,
    on: (rule) => levelOf(rule) !== undefined,
    option<T extends number | string | boolean>(rule: RuleMeta, name: string): T {
      const configured = options.ruleOptions?.get(rule.id)?.[name]
      return (configured ?? rule.options?.[name]) as T
    },
    report(rule, target, message, extra) {
      const level = levelOf(rule)
      if (level === undefined) return
      const severity = options.levels?.has(rule.id) ? level : (extra?.severity ?? level)
      pending.push({rule, severity, target, message, extra})
    },
  }
  for (const family of families) {
    try {
      family.check(ctx)
    } catch (error) {
      // JSON.parse accepts nesting far deeper than the call stack: a family that recursed too deep is skipped
      // and said to be, instead of the whole run failing. Any other error is a bug and goes up.
      if (!isStackOverflow(error)) throw error
      reportTooDeep(ctx, family.name)
    }
  }
  return locate(connector, pending, options.cwd)
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message)
}

/** Turns pending reports into findings: file paths, JSON pointers and line:column (computed only now). */
function locate(connector: Connector, pending: readonly Pending[], cwd: string): Finding[] {
  const texts = new Map<string, LineIndex>()
  // One lookup per file, not per finding: a large connector has thousands of findings in one or two files.
  const files = new Map<string, FileInfo & {shown: string}>()
  const infoOf = (target: ReportTarget): FileInfo & {shown: string} => {
    const key = typeof target.file === 'object' ? `name:${target.file.name}` : target.file
    let info = files.get(key)
    if (!info) {
      const found = fileOf(connector, target)
      files.set(key, (info = {...found, shown: displayPath(join(connector.dir, found.name), cwd)}))
    }
    return info
  }
  const infos = pending.map((item) => infoOf(item.target))
  // Positions in JSON files: all pointers of a file in one pass over its text.
  const positions: Array<{line: number; column: number} | undefined> = new Array(pending.length)
  const byDoc = new Map<ConnectorJsonFile<unknown>, number[]>()
  pending.forEach((item, i) => {
    const json = infos[i]!.json
    if (item.target.line !== undefined || !item.target.path || !json || json.format !== 'json') return
    const list = byDoc.get(json)
    if (list) list.push(i)
    else byDoc.set(json, [i])
  })
  for (const [json, indices] of byDoc) {
    const located = json.doc.locateMany(
      indices.map((i) => pending[i]!.target.path!),
      indices.map((i) => pending[i]!.target.at),
    )
    indices.forEach((i, k) => (positions[i] = located[k]))
  }
  const findings: Array<{order: number; finding: Finding}> = []
  pending.forEach((item, i) => {
    const {rule, severity, target, message, extra} = item
    const {name, text, order, shown} = infos[i]!
    let line = 1
    let column = 1
    const position = positions[i]
    if (target.line !== undefined) {
      line = target.line
      column = target.column ?? 1
    } else if (position) {
      line = position.line
      column = position.column
    } else if (target.offset !== undefined && text !== undefined) {
      let index = texts.get(name)
      if (!index) texts.set(name, (index = new LineIndex(text)))
      const at = index.position(target.offset)
      line = at.line
      column = at.column
    }
    const msCode = extra?.msCode ?? rule.msCode
    const fix = extra?.fix ?? rule.fix
    const ruleId = rule.id
    const pointer = formatPointer(target.path ?? [])
    // In the order of the Finding fields (the JSON output's key order), optional ones only when set; whole
    // literals rather than properties added one by one, which profiled as the slowest part of this loop.
    const finding: Finding = msCode
      ? fix
        ? {ruleId, msCode, severity, file: shown, pointer, line, column, message, fix}
        : {ruleId, msCode, severity, file: shown, pointer, line, column, message}
      : fix
        ? {ruleId, severity, file: shown, pointer, line, column, message, fix}
        : {ruleId, severity, file: shown, pointer, line, column, message}
    findings.push({order, finding})
  })
  findings.sort((x, y) => {
    const a = x.finding
    const b = y.finding
    return x.order - y.order || (a.file === b.file ? 0 : a.file.localeCompare(b.file)) || a.line - b.line || a.column - b.column
  })
  return findings.map((f) => f.finding)
}

interface FileInfo {
  name: string
  json?: ConnectorJsonFile<unknown>
  text?: string
  order: number
}

function fileOf(connector: Connector, target: ReportTarget): FileInfo {
  const jsonFiles = [connector.apiDefinition, connector.apiProperties, connector.settings] as Array<ConnectorJsonFile<unknown> | undefined>
  if (typeof target.file === 'object') {
    const name = target.file.name
    const index = jsonFiles.findIndex((f) => f?.name === name)
    if (index >= 0) return {name, json: jsonFiles[index], order: index}
    if (connector.script?.name === name) return {name, text: connector.script.text, order: 3}
    return {name, order: fileOrder.length}
  }
  const role = target.file
  const order = fileOrder.indexOf(role)
  switch (role) {
    case 'apiDefinition':
      return {name: connector.apiDefinition?.name ?? 'apiDefinition.swagger.json', ...(connector.apiDefinition ? {json: connector.apiDefinition} : {}), order}
    case 'apiProperties':
      return {name: connector.apiProperties?.name ?? 'apiProperties.json', ...(connector.apiProperties ? {json: connector.apiProperties} : {}), order}
    case 'settings':
      return {name: connector.settings?.name ?? 'settings.json', ...(connector.settings ? {json: connector.settings} : {}), order}
    case 'script':
      return {name: connector.script?.name ?? 'script.csx', ...(connector.script ? {text: connector.script.text} : {}), order}
    case 'icon':
      return {name: connector.icon?.name ?? 'icon.png', order}
    case 'readme':
      return {name: connector.readme?.name ?? 'readme.md', ...(connector.readme ? {text: connector.readme.text} : {}), order}
  }
}
