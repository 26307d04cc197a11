import type {EmulatorContext} from '../context.js'
import {blobError, type EmulatorRequest, type EmulatorResponse} from '../http.js'
import type {RouteDefinition} from '../router.js'
import {blobAccount, findConnectorAnywhere, sasSignature} from './connectors.js'

/**
 * Blob storage for the SAS URLs the RP hands out, path-style like Azurite: `/blob/<account>/<container>/<blob>`.
 * Upload containers come from generateResourceStorage (container SAS, `sp=rw`); a connector's original swagger,
 * runtime swagger and script are served read-only (blob SAS, `sp=r`) from its record; icons are public.
 */
export function blobRoutes(): RouteDefinition[] {
  const route = (method: string, name: string, handler: RouteDefinition['handler']): RouteDefinition => ({
    method,
    path: '/blob/{account}/{container}/{blob*}',
    name,
    service: 'blob',
    auth: 'none',
    handler,
    bodyLimit: 64 * 1024 * 1024,
  })
  return [route('PUT', 'blob.put', put), route('GET', 'blob.get', get)]
}

/** A 1×1 PNG standing in for the platform's default connector icon. */
const defaultIcon = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

function checkAccount(req: EmulatorRequest): void {
  if (req.params.account !== blobAccount) throw blobError(404, 'ResourceNotFound', `The specified resource does not exist. (The emulator's storage account is '${blobAccount}'.)`)
}

/** Checks a SAS signed by the emulator: signature, expiry and permission. */
function checkSas(req: EmulatorRequest, ctx: EmulatorContext, permission: 'r' | 'w'): void {
  const q = req.query
  const sig = q.get('sig')
  if (!sig) throw blobError(404, 'ResourceNotFound', 'The specified resource does not exist.')
  const sr = q.get('sr') ?? ''
  const sp = q.get('sp') ?? ''
  const se = q.get('se') ?? ''
  const blob = sr === 'b' ? req.params.blob! : ''
  if (sasSignature(ctx, req.params.container!, blob, sr, sp, se) !== sig) {
    throw blobError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.')
  }
  if (!(Date.parse(se) > ctx.now())) throw blobError(403, 'AuthenticationFailed', `Signature not valid in the specified time frame: expired at ${se}.`)
  if (!sp.includes(permission)) throw blobError(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.')
}

async function put(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  checkAccount(req)
  checkSas(req, ctx, 'w')
  const type = req.header('x-ms-blob-type')
  if (!type) throw blobError(400, 'MissingRequiredHeader', "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type.")
  if (type !== 'BlockBlob') throw blobError(400, 'InvalidHeaderValue', `The value for one of the HTTP headers is not in the correct format: x-ms-blob-type '${type}' (the emulator stores block blobs).`)
  const contentType = req.header('x-ms-blob-content-type') ?? req.header('content-type') ?? 'application/octet-stream'
  const properties = await ctx.blobs.put(blobAccount, req.params.container!, req.params.blob!, await req.body(), contentType)
  return {
    status: 201,
    headers: {etag: properties.etag, 'last-modified': properties.lastModified, 'content-md5': properties.contentMd5, 'x-ms-request-server-encrypted': 'true', 'x-ms-version': req.header('x-ms-version') ?? '2019-02-02'},
  }
}

async function get(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse> {
  checkAccount(req)
  const container = req.params.container!
  const blob = req.params.blob!
  if (container === 'defaulticons') return bytes(defaultIcon, 'image/png')
  if (container === 'api-icons') {
    const record = await findConnectorAnywhere(ctx, blob.replace(/\.png$/i, ''))
    const icon = record?.iconBlob ? await ctx.blobs.get(blobAccount, 'connector-icons', `${record.environment}/${record.name}`) : undefined
    if (!icon) throw notFound()
    return bytes(icon.data, icon.properties.contentType)
  }
  checkSas(req, ctx, 'r')
  if (container === 'api-swagger-files') {
    const original = blob.endsWith('.json_original')
    const record = await findConnectorAnywhere(ctx, blob.replace(/\.json(_original)?$/, ''))
    if (!record) throw notFound()
    if (original) return bytes(Buffer.from(record.openApiDefinition, 'utf8'), 'application/octet-stream')
    const swagger = JSON.parse(record.openApiDefinition) as Record<string, unknown>
    return bytes(Buffer.from(JSON.stringify({...swagger, host: `europe-002.azure-apim.net`, basePath: `/apim/${blob.replace(/\.json$/, '')}`, schemes: ['https']})), 'application/octet-stream')
  }
  if (container === 'api-scripts') {
    const record = await findConnectorAnywhere(ctx, blob.replace(/\.csx$/, ''))
    if (!record || record.script === null) throw notFound()
    return bytes(Buffer.from(record.script, 'utf8'), 'application/octet-stream')
  }
  const stored = await ctx.blobs.get(blobAccount, container, blob)
  if (!stored) throw notFound()
  return bytes(stored.data, stored.properties.contentType, stored.properties.etag)
}

function notFound() {
  return blobError(404, 'BlobNotFound', 'The specified blob does not exist.')
}

function bytes(data: Buffer, contentType: string, etag?: string): EmulatorResponse {
  return {status: 200, headers: {'content-type': contentType, 'x-ms-blob-type': 'BlockBlob', ...(etag ? {etag} : {})}, body: data}
}
