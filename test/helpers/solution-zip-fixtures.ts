import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {crc32, deflateRawSync} from 'node:zlib'

import type {CoreContext} from '../../src/core/context.js'
import {CcError} from '../../src/core/errors.js'

/** One entry of a hand-made zip; every field that an attacker controls can be set. */
export interface RawZipEntry {
  name: string
  data?: Buffer | string
  /** Store (0) or deflate (8, the default for non-empty data). */
  method?: 0 | 8
  /** Unix mode in the upper 16 bits of the external attributes (e.g. 0o120777 for a symbolic link). */
  unixMode?: number
  /** Raw low 16 bits of the external attributes (MS-DOS attributes, e.g. 0x400 reparse point). */
  dosAttributes?: number
  /** Lie about the uncompressed size (in both headers). */
  declaredSize?: number
  /** General purpose flags (bit 0: encrypted, bit 11: UTF-8 name). */
  flags?: number
}

/**
 * Writes a zip byte by byte, so that tests can build the hostile archives no zip library would produce:
 * `../` names, absolute paths, symbolic links, lying sizes, encrypted flags, duplicate names.
 */
export function rawZip(entries: readonly RawZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : (entry.data ?? Buffer.alloc(0))
    const method = entry.method ?? (data.length > 0 ? 8 : 0)
    const body = method === 8 ? deflateRawSync(data) : data
    const size = entry.declaredSize ?? data.length
    const flags = (entry.flags ?? 0) | 0x800
    const crc = crc32(data)
    // The fields from "version needed" to "extra field length" are the same in both headers.
    const shared = (buffer: Buffer, at: number) => {
      buffer.writeUInt16LE(20, at)
      buffer.writeUInt16LE(flags, at + 2)
      buffer.writeUInt16LE(method, at + 4)
      buffer.writeUInt16LE(0, at + 6)
      buffer.writeUInt16LE(0x21, at + 8)
      buffer.writeUInt32LE(crc, at + 10)
      buffer.writeUInt32LE(body.length, at + 14)
      buffer.writeUInt32LE(size, at + 18)
      buffer.writeUInt16LE(name.length, at + 22)
    }
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    shared(local, 4)
    locals.push(local, name, body)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    shared(central, 6)
    const mode = entry.unixMode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644)
    central.writeUInt32LE(((mode << 16) | (entry.dosAttributes ?? 0)) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(0, 4)
  end.writeUInt16LE(0, 6)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  end.writeUInt16LE(0, 20)
  return Buffer.concat([...locals, cd, end])
}

/** A 1×1 PNG. */
export const tinyPng = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2' + '21bc330000000049454e44ae426082',
  'hex',
)

export interface SampleConnectorOptions {
  title?: string
  /** Write script.csx and scriptOperations. Default true. */
  script?: boolean
  icon?: boolean
  clientSecret?: string | null
  /** Add what the certification profile of cc validate asks for (contact, connector metadata, descriptions). */
  certifiable?: boolean
}

/**
 * Writes a connector folder that uses everything a solution carries: AAD OAuth with custom parameters, custom
 * code, an icon, policy templates, a parameter set; plus what it cannot carry (publisher, stackOwner,
 * capabilities) and a literal client secret that must never reach a package.
 */
export function writeSampleConnector(dir: string, options: SampleConnectorOptions = {}): void {
  mkdirSync(dir, {recursive: true})
  const swagger = {
    swagger: '2.0',
    info: {title: options.title ?? 'Contoso Payments API', description: 'Payments & refunds <for> "Contoso".', version: '1.0'},
    host: 'api.contoso.com',
    basePath: '/v1',
    schemes: ['https'],
    paths: {
      '/payments': {get: {operationId: 'ListPayments', summary: 'List payments', responses: {'200': {description: 'OK', schema: {type: 'object', properties: {count: {type: 'integer', example: 9007199254740991}}}}}}},
      '/refunds': {post: {operationId: 'CreateRefund', summary: 'Create refund', responses: {'201': {description: 'Created'}}}},
    },
    securityDefinitions: {oauth2: {type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://login.windows.net/common/oauth2/authorize', tokenUrl: 'https://login.windows.net/common/oauth2/authorize', scopes: {}}},
  }
  if (options.certifiable) {
    Object.assign(swagger.info, {title: options.title ?? 'Contoso Payments', contact: {name: 'Contoso support', url: 'https://contoso.com/support', email: 'support@contoso.com'}})
    Object.assign(swagger, {
      'x-ms-connector-metadata': [
        {propertyName: 'Website', propertyValue: 'https://contoso.com'},
        {propertyName: 'Privacy policy', propertyValue: 'https://contoso.com/privacy'},
        {propertyName: 'Categories', propertyValue: 'Finance'},
      ],
    })
    swagger.paths['/payments'].get = {...swagger.paths['/payments'].get, description: 'Lists the payments of the account.'} as typeof swagger.paths['/payments']['get']
    Object.assign(swagger.paths['/refunds'].post, {
      description: 'Creates a refund for a payment.',
      responses: {'201': {description: 'Created', schema: {type: 'object', properties: {id: {type: 'string', description: 'Refund id', 'x-ms-summary': 'Refund ID'}}}}},
    })
  }
  const oauth = (secret: string | null | undefined) => ({
    identityProvider: 'aad',
    clientId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c',
    ...(secret === undefined ? {} : {clientSecret: secret}),
    scopes: [],
    redirectMode: 'GlobalPerConnector',
    redirectUrl: 'https://global.consent.azure-apim.net/redirect',
    properties: {IsFirstParty: 'False', AzureActiveDirectoryResourceId: 'https://api.contoso.com', IsOnbehalfofLoginSupported: false},
    customParameters: {
      loginUri: {value: 'https://login.windows.net'},
      tenantId: {value: 'common'},
      resourceUri: {value: 'https://api.contoso.com'},
      enableOnbehalfOfLogin: {value: 'false'},
    },
  })
  const properties: Record<string, unknown> = {
    connectionParameters: {token: {type: 'oauthSetting', oAuthSettings: oauth(options.clientSecret === undefined ? (options.certifiable ? undefined : 's3cret-value') : options.clientSecret)}},
    iconBrandColor: '#0f6cbd',
    capabilities: ['actions'],
    policyTemplateInstances: [{templateId: 'setheader', title: 'Set version', parameters: {'x-ms-apimTemplateParameter.name': 'api-version', 'x-ms-apimTemplateParameter.value': '2024-01-01'}}],
    publisher: 'Contoso',
    stackOwner: 'Contoso Ltd',
  }
  if (options.script !== false) properties.scriptOperations = ['CreateRefund']
  writeFileSync(join(dir, 'apiDefinition.swagger.json'), JSON.stringify(swagger, null, 2) + '\n')
  writeFileSync(join(dir, 'apiProperties.json'), JSON.stringify({properties}, null, 2) + '\n')
  if (options.script !== false) writeFileSync(join(dir, 'script.csx'), 'public class Script : ScriptBase\n{\n    public override Task<HttpResponseMessage> ExecuteAsync() => Context.SendAsync(Context.Request, CancellationToken);\n}\n')
  if (options.icon !== false) writeFileSync(join(dir, 'icon.png'), tinyPng)
}

/** A CoreContext for calling solution core functions in-process; warnings are collected. */
export function solutionTestContext(cwd: string): CoreContext & {warnings: string[]} {
  const warnings: string[] = []
  return {
    configDir: process.env.CC_CONFIG_DIR ?? cwd,
    cwd,
    env: process.env,
    interactive: false,
    warnings,
    reporter: {step() {}, progress() {}, debug() {}, warn: (message: string) => warnings.push(message)},
  }
}

/**
 * A flow solution as an export has it, made from the files of a connector solution: the same connector plus one
 * cloud flow (a `Workflow` in customizations.xml and its definition under Workflows/).
 */
export function flowSolutionFiles(connectorSolution: ReadonlyArray<{path: string; data: string | Buffer}>, uniqueName = 'ContosoFlows'): Array<{path: string; data: string | Buffer}> {
  const flowFile = 'Workflows/ListPayments-7D1E3C52-8A4B-4F0E-9C1D-2B3A4C5D6E7F.json'
  return [
    ...connectorSolution.map((f) => {
      if (f.path === 'customizations.xml') {
        const workflow = `<Workflows><Workflow WorkflowId="{7d1e3c52-8a4b-4f0e-9c1d-2b3a4c5d6e7f}" Name="List payments"><JsonFileName>/${flowFile}</JsonFileName><Type>1</Type><Category>5</Category><StateCode>1</StateCode></Workflow></Workflows>`
        return {path: f.path, data: String(f.data).replace(/<Workflows\s*\/>/, workflow)}
      }
      if (f.path === 'solution.xml') return {path: f.path, data: String(f.data).replace(/<UniqueName>[^<]*<\/UniqueName>/, `<UniqueName>${uniqueName}</UniqueName>`)}
      return f
    }),
    {path: flowFile, data: JSON.stringify({properties: {definition: {triggers: {}, actions: {}}}})},
  ]
}

/** The CcError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function ccErrorOf(promise: Promise<unknown>): Promise<CcError> {
  let outcome: unknown
  try {
    outcome = await promise
  } catch (error) {
    if (error instanceof CcError) return error
    throw new Error(`expected a CcError, got ${String(error)}`, {cause: error})
  }
  throw new Error(`expected a CcError, but it succeeded with ${JSON.stringify(outcome)?.slice(0, 200)}`)
}
