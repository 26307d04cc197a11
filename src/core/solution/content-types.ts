import {renderXml} from './xml.js'

export const contentTypesPath = '[Content_Types].xml'

/**
 * `[Content_Types].xml` as Dataverse exports write it (dataverse-and-solutions.md 3.2): one line with a BOM, one
 * `Default` per file extension present, in order of first appearance, the extension's case kept (`Png`), every one
 * `application/octet-stream`; files without an extension get an `Override` by part name.
 */
export function renderContentTypes(paths: readonly string[]): string {
  const defaults: Array<{'@_Extension': string; '@_ContentType': string}> = []
  const overrides: Array<{'@_PartName': string; '@_ContentType': string}> = []
  const seen = new Set<string>(['xml'])
  defaults.push({'@_Extension': 'xml', '@_ContentType': 'application/octet-stream'})
  for (const path of paths) {
    const name = path.slice(path.lastIndexOf('/') + 1)
    const dot = name.lastIndexOf('.')
    if (dot <= 0) {
      overrides.push({'@_PartName': `/${path}`, '@_ContentType': 'application/octet-stream'})
      continue
    }
    const extension = name.slice(dot + 1)
    if (seen.has(extension.toLowerCase())) continue
    seen.add(extension.toLowerCase())
    defaults.push({'@_Extension': extension, '@_ContentType': 'application/octet-stream'})
  }
  return renderXml(
    {
      Types: {
        '@_xmlns': 'http://schemas.openxmlformats.org/package/2006/content-types',
        Default: defaults,
        ...(overrides.length > 0 ? {Override: overrides} : {}),
      },
    },
    {indent: false},
  )
}
