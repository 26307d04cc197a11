import {isAbsolute} from 'node:path'
import {pathToFileURL} from 'node:url'

import {defaultLevel} from './rule.js'
import {ruleTable} from './rules/index.js'
import type {Finding, Severity} from './types.js'
import type {ValidationResult} from './validate.js'

/** The findings of a result in one flat list, in output order. */
export function allFindings(result: ValidationResult): Finding[] {
  return result.connectors.flatMap((c) => c.findings)
}

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = {error: 'error', warning: 'warning', info: 'note'}

export interface SarifOptions {
  /** The folder finding paths are relative to (becomes %SRCROOT%). */
  cwd: string
  toolVersion: string
  informationUri?: string
}

/** SARIF 2.1.0 log of a validation result, for GitHub code scanning and other SARIF viewers. */
export function toSarif(result: ValidationResult, options: SarifOptions): Record<string, unknown> {
  const index = new Map(ruleTable.map((rule, i) => [rule.id, i]))
  const rules = ruleTable.map((rule) => {
    const level = defaultLevel(rule, result.profile)
    return {
      id: rule.id,
      name: rule.id.replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
      shortDescription: {text: rule.description.split(/(?<=\.)\s/)[0]!},
      fullDescription: {text: rule.description},
      ...(rule.fix ? {help: {text: rule.fix}} : {}),
      defaultConfiguration: {level: sarifLevel[level ?? rule.severity], enabled: level !== undefined},
      properties: {profile: rule.profile, ...(rule.msCode ? {microsoftCode: rule.msCode} : {}), tags: [rule.id.split('/')[0]]},
    }
  })
  const results = allFindings(result).map((f) => {
    const absolute = isAbsolute(f.file)
    const uri = absolute ? pathToFileURL(f.file).href : f.file.split('/').map(encodeURIComponent).join('/')
    return {
      ruleId: f.ruleId,
      ...(index.has(f.ruleId) ? {ruleIndex: index.get(f.ruleId)} : {}),
      level: sarifLevel[f.severity],
      message: {text: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message},
      locations: [
        {
          physicalLocation: {artifactLocation: {uri, ...(absolute ? {} : {uriBaseId: '%SRCROOT%'})}, region: {startLine: f.line, startColumn: f.column}},
          ...(f.pointer ? {logicalLocations: [{fullyQualifiedName: f.pointer, kind: 'member'}]} : {}),
        },
      ],
      properties: {...(f.msCode ? {microsoftCode: f.msCode} : {}), pointer: f.pointer},
    }
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {driver: {name: 'cc', fullName: 'cc validate (Power Platform custom connectors)', version: options.toolVersion, ...(options.informationUri ? {informationUri: options.informationUri} : {}), rules}},
        originalUriBaseIds: {'%SRCROOT%': {uri: pathToFileURL(options.cwd.endsWith('/') ? options.cwd : `${options.cwd}/`).href}},
        columnKind: 'utf16CodeUnits',
        results,
        properties: {profile: result.profile, summary: result.summary},
      },
    ],
  }
}

const githubCommand: Record<Severity, string> = {error: 'error', warning: 'warning', info: 'notice'}

function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C')
}

/** GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`), one line per finding. */
export function toGithubAnnotations(result: ValidationResult): string[] {
  return allFindings(result).map((f) => {
    const properties = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.column}`, `title=${escapeProperty(f.ruleId)}`].join(',')
    const message = f.fix ? `${f.message}\nFix: ${f.fix}` : f.message
    return `::${githubCommand[f.severity]} ${properties}::${escapeData(message)}`
  })
}
