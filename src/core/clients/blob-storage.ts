import type {HttpClient} from './http.js'

/**
 * Azure Blob Storage through SAS URLs (no bearer token): what paconn does for icons and scripts (powerapps-api.md
 * 2.8). A container SAS `https://acct.blob…/container?sv=…` plus a blob name gives `…/container/<name>?sv=…`.
 */
export function blobUrl(containerSas: string, blobName: string): string {
  const url = new URL(containerSas)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(blobName)}`
  return url.toString()
}

/** Uploads bytes as a block blob; returns the blob's SAS URL (what goes into `iconUri` / `scriptDefinitionUrl`). */
export async function uploadBlob(http: HttpClient, containerSas: string, blobName: string, data: Uint8Array, contentType?: string): Promise<string> {
  const url = blobUrl(containerSas, blobName)
  await http.request({
    method: 'PUT',
    path: url,
    anonymous: true,
    body: data,
    headers: {
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-version': '2019-02-02',
      'content-type': 'application/octet-stream',
      ...(contentType ? {'x-ms-blob-content-type': contentType} : {}),
    },
    purpose: `uploading ${blobName}`,
  })
  return url
}

/** Downloads a blob (or any URL the service handed out) as bytes, without a token. */
export async function downloadBlob(http: HttpClient, url: string, purpose: string): Promise<Buffer> {
  return (await http.request<Buffer>({method: 'GET', path: url, anonymous: true, responseType: 'bytes', headers: {accept: '*/*'}, purpose})).body
}
