import {readdir, rm, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {CanonicalFile, assignFileRoles} from '../connector/layout.js'
import type {ApiProperties, OAuthSettings, Swagger} from '../connector/types.js'
import {writeConnector} from '../connector/write.js'
import type {CoreContext} from '../context.js'
import {CcError, UsageError, throwIfAborted} from '../errors.js'
import {displayPath} from '../fs/paths.js'
import type {ConversionNote, DetectedAuth, ImportedDefinition} from '../openapi/types.js'
import {loadProjectFile} from '../project/project-file.js'
import {checkConnectorName, titleFromName} from './names.js'
import {type AuthKind, fillJson, fillText, readTemplateFile, readTemplateJson, readTemplateText, templateChain} from './templates.js'

export interface ScaffoldOptions {
  /** Connector name: the folder name, and (without --from) the source of the title. */
  name: string
  /** Auth kind; default: what the --from file uses, else none. */
  auth?: AuthKind
  /** Entra ID with a managed identity instead of a client secret (aad only). */
  managedIdentity?: boolean
  /** Add script.csx and a matching scriptOperations entry. */
  script?: boolean
  /** An OpenAPI 2.0 or 3.x file (JSON or YAML) to start from instead of the template's API definition. */
  from?: string
  /** Target folder. Default: `<connectors folder of cc.yaml>/<name>` when cc.yaml names one, else `./<name>`. */
  out?: string
  /** Replace the connector files of a folder that is not empty. */
  force?: boolean
  /** Asked, only when `ctx.interactive`, before the files of a non-empty folder are replaced without --force. */
  confirmOverwrite?: (dir: string) => Promise<boolean>
}

export interface ScaffoldFromSummary {
  file: string
  syntax: 'json' | 'yaml'
  /** The input's version ("2.0", "3.0.3", "3.1.0"). */
  version: string
  /** True when the input was OpenAPI 3.x and was converted to Swagger 2.0. */
  converted: boolean
  notConverted: ConversionNote[]
  approximated: ConversionNote[]
  inputProblems: string[]
}

export interface ScaffoldResult {
  name: string
  title: string
  /** The connector folder (relative to the current folder when inside it). */
  dir: string
  auth: AuthKind
  managedIdentity: boolean
  script: boolean
  /** Files written, by name. */
  files: string[]
  /** Stale connector files removed from a folder that was replaced with --force. */
  removed: string[]
  /** True when the folder existed and was not empty. */
  replaced: boolean
  /** Operation ids of the API definition. */
  operations: string[]
  from?: ScaffoldFromSummary
  /** What cc chose or changed on the way (title shortened, auth taken from the input…). */
  notes: string[]
  /** Commands and edits that come next. */
  nextSteps: string[]
}

/**
 * Creates a connector folder from the templates (or from an OpenAPI file with `from`): apiDefinition.swagger.json,
 * apiProperties.json, icon.png, readme.md and, with `script`, script.csx. A folder that exists and is not empty is
 * only replaced with `force` (or after `confirmOverwrite` said yes on a TTY). The files are written atomically.
 */
export async function scaffoldConnector(options: ScaffoldOptions, ctx: CoreContext): Promise<ScaffoldResult> {
  checkConnectorName(options.name)
  if (options.managedIdentity && options.auth !== undefined && options.auth !== 'aad') {
    throw managedIdentityNeedsAad(options.auth)
  }
  const dir = await targetFolder(options, ctx)
  const existing = await existingEntries(dir, options, ctx)
  throwIfAborted(ctx.signal)

  const notes: string[] = []
  let imported: ImportedDefinition | undefined
  if (options.from !== undefined) {
    ctx.reporter.step(`Reading ${options.from}`)
    const {importOpenApi} = await import('../openapi/import.js')
    imported = await importOpenApi(resolve(ctx.cwd, options.from), ctx)
    throwIfAborted(ctx.signal)
  }

  const auth: AuthKind = options.auth ?? imported?.auth?.kind ?? (options.managedIdentity ? 'aad' : 'none')
  if (options.managedIdentity && auth !== 'aad') throw managedIdentityNeedsAad(auth, options.from)
  if (options.auth === undefined && imported?.auth) notes.push(`auth ${auth}: taken from the security scheme "${imported.auth.name}" of ${options.from}`)
  if (options.auth === undefined && options.managedIdentity && !imported?.auth) notes.push('auth aad: --managed-identity implies Microsoft Entra ID')
  const managedIdentity = Boolean(options.managedIdentity)
  const chain = templateChain(auth, managedIdentity)
  // The input's own security scheme is kept when it is the auth kind used; otherwise the template's replaces it.
  const inputAuth = imported?.auth?.kind === auth ? imported.auth : undefined

  const named = titleFromName(options.name)
  const title = nonEmpty(imported?.swagger.info?.title) ?? named.title
  if (!nonEmpty(imported?.swagger.info?.title)) notes.push(...named.notes.map((n) => `title "${title}": ${n}`))
  const description =
    nonEmpty(imported?.swagger.info?.description) ??
    (imported
      ? `Connects flows and apps to ${title}. Describe here what the connector does, in 30 to 500 characters.`
      : `${title} connects flows and apps to the Contoso items service: list, read, create and delete items. Replace this text with what your connector does.`)

  let swagger: Swagger
  if (imported) {
    swagger = imported.swagger
    swagger.info = {...swagger.info, title, description, version: nonEmpty(swagger.info?.version) ?? '1.0'}
  } else {
    swagger = fillJson(await readTemplateJson<Swagger>(['common'], CanonicalFile.apiDefinition), {title, description}, 'common/apiDefinition.swagger.json')
  }
  if (auth !== 'none' && !inputAuth) {
    if (imported?.auth) notes.push(`replaced the security scheme "${imported.auth.name}" of ${options.from} by the ${auth} template's (--auth ${auth})`)
    swagger = withSecurity(swagger, await readTemplateJson<Pick<Swagger, 'securityDefinitions' | 'security'>>(chain, 'apiDefinition.security.json'))
  } else if (auth === 'none' && imported?.auth) {
    notes.push(`left out the security scheme "${imported.auth.name}" of ${options.from} (--auth none)`)
    swagger = withSecurity(swagger, {})
  }

  const operations = operationsOf(swagger)
  const scriptOperation = pickScriptOperation(operations)
  if (options.script && !scriptOperation) {
    throw new UsageError(`--script needs an operation to run the script for, and ${options.from ?? 'the API definition'} has none.`, {
      code: 'SCAFFOLD_SCRIPT_WITHOUT_OPERATIONS',
      suggestions: ['Add an operation to the OpenAPI file, or scaffold without --script.'],
    })
  }

  const securityDefinition = Object.values(swagger.securityDefinitions ?? {})[0]
  const values: Record<string, unknown> = {
    title,
    description,
    name: options.name,
    publisher: nonEmpty((imported?.swagger.info?.contact as {name?: unknown} | undefined)?.name)?.trim() ?? 'Contoso',
    scriptOperation: scriptOperation?.id ?? '',
    operations: operations.map((o) => `- **${o.summary ?? o.id}** (\`${o.id}\`)${o.description ? `: ${o.description}` : ''}`).join('\n') || '- (none yet)',
  }
  if (securityDefinition?.type === 'apiKey') {
    values.apiKeyLocation = `the \`${securityDefinition.name}\` ${securityDefinition.in === 'query' ? 'query parameter' : 'header'}`
  }
  values.authInstructions = fillText(await readTemplateText(chain, 'auth.md'), values, `${chain[0]}/auth.md`).trim()

  const apiProperties = fillJson(await readTemplateJson<ApiProperties>(chain, CanonicalFile.apiProperties), values, `${chain[0]}/apiProperties.json`)
  if (inputAuth) notes.push(...applyInputAuth(apiProperties, inputAuth, swagger))
  if (options.script) apiProperties.properties = {...apiProperties.properties, scriptOperations: [scriptOperation!.id]}

  const icon = await readTemplateFile(['common'], CanonicalFile.icon)
  const readme = fillText(await readTemplateText(['common'], CanonicalFile.readme), values, 'common/readme.md')
  const script = options.script ? fillText(await readTemplateText(['common'], CanonicalFile.script), values, 'common/script.csx') : undefined

  throwIfAborted(ctx.signal)
  ctx.reporter.step(`Writing ${displayPath(dir, ctx.cwd)}`)
  const written = await writeConnector(dir, {apiDefinition: swagger, apiProperties, ...(icon ? {icon} : {}), ...(script === undefined ? {} : {script}), readme})
  const files = written.map((path) => path.slice(dir.length + 1))
  const removed = await removeStaleFiles(dir, existing, files)

  if (imported) {
    const lost = imported.notConverted.length
    const changed = imported.approximated.length
    if (lost > 0) ctx.reporter.warn(`${lost} part${lost === 1 ? '' : 's'} of ${options.from} could not be converted and ${lost === 1 ? 'was' : 'were'} left out (listed in the result).`)
    if (changed > 0) ctx.reporter.warn(`${changed} part${changed === 1 ? '' : 's'} of ${options.from} ${changed === 1 ? 'was' : 'were'} converted with a change of meaning (listed in the result).`)
    if (imported.inputProblems.length > 0) ctx.reporter.warn(`${options.from} itself is not valid OpenAPI (${imported.inputProblems.length} problem${imported.inputProblems.length === 1 ? '' : 's'}, listed in the result); the conversion went ahead.`)
  }

  const shown = displayPath(dir, ctx.cwd)
  return {
    name: options.name,
    title,
    dir: shown,
    auth,
    managedIdentity,
    script: Boolean(options.script),
    files,
    removed,
    replaced: existing.length > 0,
    operations: operations.map((o) => o.id),
    ...(imported
      ? {
          from: {
            file: options.from!,
            syntax: imported.syntax,
            version: imported.version,
            converted: !imported.version.startsWith('2'),
            notConverted: imported.notConverted,
            approximated: imported.approximated,
            inputProblems: imported.inputProblems,
          },
        }
      : {}),
    notes,
    nextSteps: nextSteps(shown, auth, managedIdentity, Boolean(inputAuth)),
  }
}

function managedIdentityNeedsAad(auth: string, from?: string): UsageError {
  return new UsageError(`--managed-identity works with --auth aad (Microsoft Entra ID) only${from ? `, and ${from} uses ${auth}` : `, not with --auth ${auth}`}.`, {
    code: 'SCAFFOLD_MANAGED_IDENTITY_NEEDS_AAD',
    suggestions: ['cc scaffold <name> --auth aad --managed-identity'],
  })
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

async function targetFolder(options: ScaffoldOptions, ctx: CoreContext): Promise<string> {
  if (options.out !== undefined) return resolve(ctx.cwd, options.out)
  const project = await loadProjectFile(ctx.cwd)
  if (project && typeof project.data.connectors === 'string' && project.data.connectors.trim() !== '') {
    return join(resolve(project.dir, project.data.connectors), options.name)
  }
  return resolve(ctx.cwd, options.name)
}

/** The names in the target folder (empty when it does not exist); refuses a non-empty one unless allowed. */
async function existingEntries(dir: string, options: ScaffoldOptions, ctx: CoreContext): Promise<string[]> {
  let entries: string[]
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new CcError(`${displayPath(dir, ctx.cwd)} is a file; a connector needs a folder.`, {
        code: 'SCAFFOLD_TARGET_IS_FILE',
        file: dir,
        suggestions: [`cc scaffold ${options.name} --out <folder>`],
      })
    }
    entries = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  if (entries.length === 0 || options.force) return entries
  if (ctx.interactive && options.confirmOverwrite && (await options.confirmOverwrite(dir))) return entries
  throw new CcError(`${displayPath(dir, ctx.cwd)} already exists and is not empty; cc scaffold does not overwrite it${ctx.interactive ? '' : ' without --force'}.`, {
    code: 'SCAFFOLD_TARGET_NOT_EMPTY',
    file: dir,
    suggestions: [`cc scaffold ${quoteArg(options.name)} --force   (replaces the connector files in it)`, `cc scaffold ${quoteArg(options.name)} --out <another folder>`],
  })
}

function quoteArg(value: string): string {
  return /^[\w.-]+$/.test(value) ? value : `"${value}"`
}

/** Connector files of the replaced folder that the new connector does not have (an old script, a YAML definition, other spellings). */
async function removeStaleFiles(dir: string, before: readonly string[], written: readonly string[]): Promise<string[]> {
  const roles = assignFileRoles(before)
  const candidates = [roles.apiDefinition, roles.apiProperties, roles.icon, roles.script, roles.readme, ...roles.ambiguous.flatMap((a) => a.ignored)]
  const stale = candidates.filter((name): name is string => name !== undefined && !written.includes(name))
  for (const name of stale) await rm(join(dir, name), {force: true})
  return stale.sort()
}

/** Sets (or, with an empty fragment, removes) the security definitions of a document, dropping operation-level requirements. */
function withSecurity(swagger: Swagger, fragment: Pick<Swagger, 'securityDefinitions' | 'security'>): Swagger {
  const out: Swagger = {}
  for (const [key, value] of Object.entries(swagger)) {
    if (key === 'securityDefinitions' || key === 'security') continue
    if (key === 'x-ms-connector-metadata') Object.assign(out, fragment)
    out[key] = value
  }
  if (!('securityDefinitions' in out) && fragment.securityDefinitions) Object.assign(out, fragment)
  for (const item of Object.values(out.paths ?? {})) {
    for (const operation of Object.values(item)) if (operation && typeof operation === 'object') delete (operation as {security?: unknown}).security
  }
  return out
}

/** Carries the input's security scheme into apiProperties.json (URLs, scopes, resource). Returns notes. */
function applyInputAuth(apiProperties: ApiProperties, auth: DetectedAuth, swagger: Swagger): string[] {
  const settings = apiProperties.properties?.connectionParameters?.token?.oAuthSettings as OAuthSettings | undefined
  if (!settings || (auth.kind !== 'oauth2' && auth.kind !== 'aad')) return []
  const scopes = Object.keys(auth.definition.scopes ?? {})
  const custom = (settings.customParameters ??= {})
  if (auth.kind === 'oauth2') {
    settings.scopes = scopes
    if (auth.definition.authorizationUrl) custom.authorizationUrl = {value: auth.definition.authorizationUrl}
    if (auth.definition.tokenUrl) {
      custom.tokenUrl = {value: auth.definition.tokenUrl}
      custom.refreshUrl = {value: auth.definition.tokenUrl}
    }
    return []
  }
  // Entra ID: the resource is what the scopes are for (https://graph.microsoft.com/User.Read → https://graph.microsoft.com).
  const fromScope = scopes.map((s) => /^((?:https?|api):\/\/[^/]+)\//i.exec(s)?.[1]).find(Boolean)
  const resource = fromScope ?? (swagger.host ? `https://${swagger.host}` : undefined)
  if (!resource) return ['set resourceUri and AzureActiveDirectoryResourceId in apiProperties.json: the input does not say which resource its tokens are for']
  custom.resourceUri = {value: resource}
  settings.properties = {...settings.properties, AzureActiveDirectoryResourceId: resource}
  return [`Entra ID resource ${resource}: ${fromScope ? 'taken from the scopes' : 'assumed from the host'} of the input's security scheme; check it`]
}

interface OperationInfo {
  id: string
  method: string
  path: string
  summary?: string
  description?: string
}

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']

function operationsOf(swagger: Swagger): OperationInfo[] {
  const out: OperationInfo[] = []
  for (const [path, item] of Object.entries(swagger.paths ?? {})) {
    for (const method of httpMethods) {
      const op = item?.[method] as {operationId?: unknown; summary?: unknown; description?: unknown} | undefined
      if (!op || typeof op.operationId !== 'string') continue
      out.push({
        id: op.operationId,
        method,
        path,
        ...(typeof op.summary === 'string' ? {summary: op.summary} : {}),
        ...(typeof op.description === 'string' ? {description: op.description} : {}),
      })
    }
  }
  return out
}

/** The operation the sample script handles: a GET of one resource when there is one, else the first GET, else the first. */
function pickScriptOperation(operations: readonly OperationInfo[]): OperationInfo | undefined {
  const gets = operations.filter((o) => o.method === 'get')
  return gets.find((o) => /\}$/.test(o.path)) ?? gets[0] ?? operations[0]
}

function nextSteps(dir: string, auth: AuthKind, managedIdentity: boolean, fromInput: boolean): string[] {
  const steps: string[] = []
  if (auth === 'oauth2' && !fromInput) steps.push(`Put your OAuth app's client id and URLs into ${dir}/apiProperties.json and the API definition's securityDefinitions.`)
  if (auth === 'oauth2' && fromInput) steps.push(`Put your OAuth app's client id into ${dir}/apiProperties.json.`)
  if (auth === 'aad') {
    steps.push(
      managedIdentity
        ? `Put your Entra app's client id, your tenant id and the API's resource URL into ${dir}/apiProperties.json.`
        : `Put your Entra app's client id and the API's resource URL into ${dir}/apiProperties.json.`,
    )
  }
  if (!fromInput) steps.push(`Describe your API in ${dir}/apiDefinition.swagger.json (host, paths, schemas).`)
  steps.push(`cc validate ${dir}`, `cc package ${dir}`, `cc push ${dir} --env dev`)
  return steps
}
