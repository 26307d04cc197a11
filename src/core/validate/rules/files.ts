import type {Connector, LoadProblem} from '../../connector/types.js'
import {parsePointer} from '../../json/pointer.js'
import {pathDeeperThan} from '../../json/scanner.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'
import type {RuleMeta} from '../types.js'

/** The connector folder's files and what loading them found (JSON syntax, duplicate keys, encoding, BOM). */
export const R = defineRules({
  apiDefinition: {
    id: 'files/api-definition-present',
    severity: 'error',
    description: 'The folder has an API definition, apiDefinition.swagger.json (paconn and the service need it).',
    fix: 'Add apiDefinition.swagger.json (OpenAPI 2.0), or create a connector with `cc scaffold`.',
  },
  apiProperties: {
    id: 'files/api-properties-present',
    severity: 'error',
    description: 'The folder has apiProperties.json (connection parameters, brand colour, policies), needed to create or update a connector.',
    fix: 'Add apiProperties.json with at least {"properties": {"iconBrandColor": "#da3b01", "connectionParameters": {}}}.',
  },
  singleScript: {
    id: 'files/single-script',
    severity: 'error',
    description: 'A connector has at most one custom-code file (.csx).',
    fix: 'Keep one script.csx and remove the other .csx files.',
  },
  scriptName: {
    id: 'files/script-name',
    severity: 'info',
    description: 'The custom-code file has the conventional name script.csx.',
    fix: 'Rename the file to script.csx.',
  },
  readme: {
    id: 'files/readme-present',
    severity: 'warning',
    profile: 'certification',
    description: 'Certification submissions carry a readme.md describing the connector, its prerequisites and how to get credentials.',
    fix: 'Add readme.md (the PowerPlatformConnectors repository has a template).',
  },
  ambiguous: {
    id: 'files/ambiguous',
    severity: 'warning',
    description: 'Only one file per role (API definition, properties, icon): with several candidates cc has to pick one.',
    fix: 'Keep one file per role, with the canonical name.',
  },
  encoding: {
    id: 'files/encoding',
    severity: 'error',
    description: 'Text files (script, readme) are UTF-8.',
    fix: 'Save the file as UTF-8.',
  },
  syntax: {
    id: 'json/syntax',
    severity: 'error',
    description: 'Strict JSON (RFC 8259): no trailing or missing commas, comments, raw control characters in strings, non-ASCII white space or text after the value.',
    fix: 'Fix the JSON syntax at this position.',
  },
  duplicateKey: {
    id: 'json/duplicate-key',
    severity: 'error',
    description: 'No key twice in one object: JSON.parse (and the service) silently keep only the last one.',
    fix: 'Remove or rename one of the two keys; only the last is used.',
  },
  depth: {
    id: 'json/depth',
    severity: 'warning',
    description:
      'No object or array in a JSON file is nested deeper than a threshold (64 levels, the default limit of .NET\'s JSON readers; the published connectors reach 28). Beyond 1000 levels it is an error: cc does not package or push such files, and skips the rules that would run out of stack.',
    fix: 'Flatten the structure, or move deep examples out of the definition.',
    options: {max: 64},
  },
  bom: {
    id: 'json/bom',
    severity: 'info',
    description: 'A UTF-8 byte order mark at the start of a JSON file is tolerated by paconn validate, but not by every tool.',
    fix: 'Save the file as UTF-8 without BOM.',
  },
  jsonEncoding: {
    id: 'json/encoding',
    severity: 'error',
    description: 'JSON files are valid UTF-8 (the service reads them as UTF-8).',
    fix: 'Save the file as UTF-8.',
  },
  yamlSyntax: {
    id: 'yaml/syntax',
    severity: 'error',
    description: 'A YAML API definition parses.',
    fix: 'Fix the YAML syntax at this position.',
  },
})

export const files: RuleFamily = {
  name: 'files',
  rules: Object.values(R),
  check(ctx) {
    for (const problem of ctx.connector.problems) reportLoadProblem(ctx, problem)
    const {connector} = ctx
    const scripts = connector.otherFiles.filter((name) => /\.csx$/i.test(name))
    if (connector.script && scripts.length > 0) {
      for (const name of scripts) {
        ctx.report(R.singleScript, {file: {name}}, `a second custom-code file: ${connector.script.name} is the one that is used, ${name} is ignored`)
      }
    }
    if (connector.script && connector.script.name !== 'script.csx') {
      ctx.report(R.scriptName, {file: 'script'}, `the custom-code file is named ${connector.script.name}, not script.csx`)
    }
    if (!connector.readme) ctx.report(R.readme, {file: {name: 'readme.md'}}, 'the connector has no readme.md')
    if (ctx.on(R.depth)) {
      // Pointers longer than this are not located (that would take as deep a walk); 1000 levels say enough.
      const max = Math.min(ctx.option<number>(R.depth, 'max'), 1000)
      for (const [role, file] of jsonFiles(connector)) {
        const depth = file?.doc.depth() ?? 0
        if (!file || depth <= max) continue
        const path = pathDeeperThan(file.value, max) ?? []
        if (depth > carried) {
          ctx.report(R.depth, {file: role, path, at: 'key'}, `values are nested ${depth} levels deep here: deeper than cc packages or pushes (${carried}); the threshold is ${max}`, {severity: 'error'})
        } else ctx.report(R.depth, {file: role, path, at: 'key'}, `values are nested ${depth} levels deep here; the threshold is ${max}`)
      }
    }
  },
}

/** The JSON files of a connector with the role each plays (absent ones undefined). */
function jsonFiles(connector: Connector) {
  return [
    ['apiDefinition', connector.apiDefinition],
    ['apiProperties', connector.apiProperties],
    ['settings', connector.settings],
  ] as const
}

/** Deeper documents than this are an error: copying or serialising them (package, push) may exhaust the stack. */
const carried = 1000

/** Reports that a rule family stopped because the document nests deeper than the call stack allows. */
export function reportTooDeep(ctx: RuleContext, family: string): void {
  const files = jsonFiles(ctx.connector)
  let deepest: (typeof files)[number] = files[0]
  for (const entry of files) if ((entry[1]?.doc.depth() ?? 0) > (deepest[1]?.doc.depth() ?? 0)) deepest = entry
  const [role, file] = deepest
  const depth = file ? ` (${file.doc.depth()} levels)` : ''
  ctx.report(R.depth, {file: role, path: []}, `the file nests too deeply${depth} for cc's ${family} rules, which were skipped`, {
    severity: 'error',
    fix: 'Flatten the structure; cc checks the rest of the connector.',
  })
}

function reportLoadProblem(ctx: RuleContext, problem: LoadProblem): void {
  const rule = ruleForProblem(problem, ctx)
  const target = {
    file: {name: problem.file},
    ...(problem.line === undefined ? {} : {line: problem.line, column: problem.column ?? 1}),
    ...(problem.pointer === undefined ? {} : {path: parsePointer(problem.pointer)}),
  }
  ctx.report(rule, target, problem.message, problem.hint ? {fix: problem.hint} : undefined)
}

function ruleForProblem(problem: LoadProblem, ctx: RuleContext): RuleMeta {
  const json = /\.json$/i.test(problem.file)
  switch (problem.ruleId) {
    case 'json-syntax':
      return R.syntax
    case 'json-duplicate-key':
      return R.duplicateKey
    case 'file-bom':
      return R.bom
    case 'file-encoding':
      return json ? R.jsonEncoding : R.encoding
    case 'yaml-syntax':
      return R.yamlSyntax
    case 'file-missing':
      return /properties/i.test(problem.file) ? R.apiProperties : R.apiDefinition
    case 'file-ambiguous':
      return ctx.connector.script?.name === problem.file ? R.singleScript : R.ambiguous
    default:
      return R.syntax
  }
}
