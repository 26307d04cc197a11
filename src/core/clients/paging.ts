import type {HttpClient, HttpRequest} from './http.js'

/** A page of a list answer: `value` plus the link to the next page (ARM `nextLink`, OData `@odata.nextLink`). */
interface Page<T> {
  value?: T[]
  nextLink?: string
  '@odata.nextLink'?: string
}

/**
 * Every item of a paged list, following next links until there are none. Stops with a clear error when a
 * service keeps answering with the same link (instead of looping forever).
 */
export async function collectPages<T>(http: HttpClient, first: HttpRequest, options: {maxPages?: number; onPage?: (count: number) => void} = {}): Promise<T[]> {
  const items: T[] = []
  const seen = new Set<string>()
  let request: HttpRequest = first
  for (let page = 0; page < (options.maxPages ?? 1000); page++) {
    const body = (await http.request<Page<T>>(request)).body
    items.push(...(Array.isArray(body?.value) ? body.value : []))
    options.onPage?.(items.length)
    const next = body?.['@odata.nextLink'] ?? body?.nextLink
    if (!next || seen.has(next)) return items
    seen.add(next)
    request = {method: 'GET', path: next, ...(first.headers ? {headers: first.headers} : {}), ...(first.purpose ? {purpose: first.purpose} : {})}
  }
  return items
}
