import {defineRules, type RuleFamily} from '../rule.js'

/** Custom code (script.csx) and scriptOperations. */
export const R = defineRules({
  classShape: {
    id: 'script/class',
    severity: 'error',
    description: 'The script declares class Script deriving from ScriptBase and overrides Task<HttpResponseMessage> ExecuteAsync() (a class name differing only in case is a warning).',
  },
  size: {id: 'script/size', severity: 'error', description: 'The script is smaller than 1 MB.', options: {maxBytes: 1_048_576}},
  namespaces: {
    id: 'script/namespaces',
    severity: 'warning',
    certification: 'error',
    description: 'The script imports only the supported namespaces (System, System.Net.Http, Newtonsoft.Json, …); others fail to compile on the service or are rejected at certification.',
  },
  httpClient: {
    id: 'script/http-client',
    severity: 'warning',
    description: 'The script sends requests with Context.SendAsync, not its own HttpClient.',
    fix: 'Use `await this.Context.SendAsync(request, this.CancellationToken)`.',
  },
  operationsExist: {
    id: 'script/operations-exist',
    severity: 'warning',
    certification: 'error',
    description: 'The operationIds in scriptOperations exist in the API definition (two live connectors list missing ones, so it is a warning outside certification).',
  },
  withoutScript: {
    id: 'script/operations-without-script',
    severity: 'warning',
    certification: 'error',
    description: 'A connector with scriptOperations ships its script (live connectors omit it, so it is a warning outside certification).',
  },
  literals: {
    id: 'script/operation-literals',
    severity: 'warning',
    description: 'String literals the script compares with Context.OperationId are operationIds of the API definition.',
  },
})

export const supportedNamespaces = new Set([
  'System',
  'System.Collections',
  'System.Collections.Generic',
  'System.Diagnostics',
  'System.IO',
  'System.IO.Compression',
  'System.Linq',
  'System.Net',
  'System.Net.Http',
  'System.Net.Http.Headers',
  'System.Net.Security',
  'System.Security.Authentication',
  'System.Security.Cryptography',
  'System.Text',
  'System.Text.RegularExpressions',
  'System.Threading',
  'System.Threading.Tasks',
  'System.Web',
  'System.Xml',
  'System.Xml.Linq',
  'System.Drawing',
  'System.Drawing.Drawing2D',
  'System.Drawing.Imaging',
  'Microsoft.Extensions.Logging',
  'Newtonsoft.Json',
  'Newtonsoft.Json.Linq',
])

/** Blanks out comments and string contents (keeping offsets) so that code patterns do not match inside them. */
export function codeOnly(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|@"(?:[^"]|"")*"|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)'/g, (m) => (m.startsWith('"') || m.startsWith('@"') ? `"${' '.repeat(Math.max(m.length - 2, 0))}"` : m.replace(/[^\n]/g, ' ')))
}

export const script: RuleFamily = {
  name: 'script',
  rules: Object.values(R),
  check(ctx) {
    const props = ctx.properties
    const ops = props?.scriptOperations
    const ids = ctx.model?.byId
    if (Array.isArray(ops) && ids && ctx.swagger) {
      ops.forEach((id, i) => {
        if (typeof id === 'string' && !ids.has(id)) {
          ctx.report(R.operationsExist, {file: 'apiProperties', path: ['properties', 'scriptOperations', i]}, `scriptOperations names ${JSON.stringify(id)}, which is not an operationId of the API definition`)
        }
      })
    }
    const file = ctx.connector.script
    if (Array.isArray(ops) && !file) {
      ctx.report(R.withoutScript, {file: 'apiProperties', path: ['properties', 'scriptOperations'], at: 'key'}, 'scriptOperations is set but the connector has no script.csx', {fix: 'Add script.csx, or remove scriptOperations.'})
    }
    if (!file) return
    const text = file.text
    const bytes = Buffer.byteLength(text)
    const max = ctx.option<number>(R.size, 'maxBytes')
    if (bytes >= max) ctx.report(R.size, {file: 'script', offset: 0}, `the script is ${(bytes / 1_048_576).toFixed(2)} MB; the limit is ${(max / 1_048_576).toFixed(2)} MB`)
    const code = codeOnly(text)
    const classMatch = /\bclass\s+([A-Za-z_]\w*)\s*:\s*([A-Za-z_][\w.]*)/g
    let found: RegExpExecArray | null
    let script: RegExpExecArray | undefined
    let caseOnly: RegExpExecArray | undefined
    while ((found = classMatch.exec(code))) {
      if (found[1] === 'Script' && /(^|\.)ScriptBase$/.test(found[2]!)) script = found
      else if (found[1]!.toLowerCase() === 'script' && /(^|\.)ScriptBase$/i.test(found[2]!)) caseOnly ??= found
    }
    if (!script) {
      if (caseOnly) {
        ctx.report(R.classShape, {file: 'script', offset: caseOnly.index}, `the class is declared as "${caseOnly[1]} : ${caseOnly[2]}"; the platform looks for "Script : ScriptBase"`, {severity: 'warning', fix: 'Write `public class Script : ScriptBase`.'})
      } else {
        ctx.report(R.classShape, {file: 'script', offset: 0}, 'the script has no `class Script : ScriptBase`', {fix: 'Declare `public class Script : ScriptBase` with `public override async Task<HttpResponseMessage> ExecuteAsync()`.'})
      }
    }
    if (!/\boverride\s+(async\s+)?Task\s*<\s*HttpResponseMessage\s*>\s*ExecuteAsync\s*\(\s*\)/.test(code)) {
      ctx.report(R.classShape, {file: 'script', offset: (script ?? caseOnly)?.index ?? 0}, 'the script does not override `Task<HttpResponseMessage> ExecuteAsync()`', {
        fix: 'Add `public override async Task<HttpResponseMessage> ExecuteAsync()`.',
      })
    }
    const using = /^[ \t]*using\s+(static\s+)?([A-Za-z_][\w.]*)\s*;/gm
    while ((found = using.exec(code))) {
      const name = found[2]!
      if (!supportedNamespaces.has(name)) {
        ctx.report(R.namespaces, {file: 'script', offset: found.index + found[0].indexOf(name)}, `namespace ${name} is not among those supported in custom code`, {
          fix: 'Remove the using directive (System, System.Net.Http, Newtonsoft.Json and the other supported namespaces are available).',
        })
      }
    }
    const client = /\bnew\s+HttpClient\s*\(/.exec(code)
    if (client) ctx.report(R.httpClient, {file: 'script', offset: client.index}, 'the script creates its own HttpClient')
    if (ids && ctx.swagger && ctx.on(R.literals)) {
      for (const offset of operationIdLiterals(code)) {
        // Literals are blanked in `code`; read them from the original text at the same offsets.
        const literal = text.slice(offset, text.indexOf('"', offset))
        if (literal !== '' && !ids.has(literal)) {
          ctx.report(R.literals, {file: 'script', offset}, `the script compares the operation id with ${JSON.stringify(literal)}, which is not an operationId of the API definition`)
        }
      }
    }
  },
}

/** Offsets of string literals compared with Context.OperationId: `== "X"`, `.Equals("X")`, and `case "X":` inside `switch (Context.OperationId)`. */
function operationIdLiterals(code: string): number[] {
  const offsets: number[] = []
  const direct = /Context\.OperationId\s*(?:==|!=)\s*"|"\s*(?:==|!=)\s*(?:this\.)?Context\.OperationId|Context\.OperationId\.Equals\(\s*"/g
  for (let m = direct.exec(code); m; m = direct.exec(code)) {
    if (m[0].startsWith('"')) {
      // "X" == Context.OperationId: the literal ends where the match starts.
      const start = code.lastIndexOf('"', m.index - 1)
      if (start >= 0) offsets.push(start + 1)
    } else offsets.push(m.index + m[0].length)
  }
  const switches = /switch\s*\(\s*(?:this\.)?Context\.OperationId\s*\)\s*\{/g
  for (let m = switches.exec(code); m; m = switches.exec(code)) {
    let depth = 1
    let end = m.index + m[0].length
    for (; end < code.length && depth > 0; end++) {
      if (code[end] === '{') depth++
      else if (code[end] === '}') depth--
    }
    const body = code.slice(m.index + m[0].length, end)
    const cases = /\bcase\s+"/g
    for (let c = cases.exec(body); c; c = cases.exec(body)) offsets.push(m.index + m[0].length + c.index + c[0].length)
  }
  return offsets
}
