import {defineRules, type RuleFamily} from '../rule.js'
import {publisherKind} from './properties.js'

/** icon.png. */
export const R = defineRules({
  format: {id: 'icon/format', severity: 'error', description: 'icon.png is a PNG image (the service rejects other formats).'},
  size: {
    id: 'icon/size',
    severity: 'warning',
    profile: 'certification',
    description: 'The icon is a 230×230 square (a ~160×160 logo on a coloured background), under 1 MB.',
  },
  background: {
    id: 'icon/background',
    severity: 'warning',
    profile: 'certification',
    description: 'The icon background is opaque, not white and not #007ee5, and the same colour as iconBrandColor (checked on the corner pixel of uncompressed-palette and RGB PNGs).',
  },
  ipNone: {
    id: 'icon/ip-none',
    severity: 'error',
    profile: 'certification',
    description: 'Independent publisher connectors ship no icon (Microsoft adds the standard one).',
  },
})

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export interface PngInfo {
  width: number
  height: number
  colorType: number
  bitDepth: number
}

/** Reads the IHDR chunk of a PNG; undefined when the bytes are not a PNG. */
export function readPngHeader(bytes: Uint8Array): PngInfo | undefined {
  if (bytes.length < 33 || !signature.every((b, i) => bytes[i] === b)) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined
  return {width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24]!, colorType: bytes[25]!}
}

function describeFormat(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty'
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'it is a JPEG'
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'it is a GIF'
  if (bytes[0] === 0x3c) return 'it looks like SVG or HTML text'
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'it is a BMP'
  return 'it does not start with the PNG signature'
}

export const icon: RuleFamily = {
  name: 'icon',
  rules: Object.values(R),
  check(ctx) {
    const file = ctx.connector.icon
    if (!file) return
    if (ctx.profile === 'certification' && publisherKind(ctx) === 'independent') {
      ctx.report(R.ipNone, {file: 'icon'}, 'independent publisher connectors must not include an icon', {fix: 'Remove icon.png.'})
    }
    const png = readPngHeader(file.bytes)
    if (!png) {
      ctx.report(R.format, {file: 'icon'}, `${file.name} is not a PNG image: ${describeFormat(file.bytes)}`, {fix: 'Save the icon as PNG.'})
      return
    }
    if (png.width !== 230 || png.height !== 230 || file.bytes.length >= 1_048_576) {
      ctx.report(R.size, {file: 'icon'}, `the icon is ${png.width}×${png.height} pixels${file.bytes.length >= 1_048_576 ? ' and over 1 MB' : ''}; certification expects 230×230`)
    }
    if (png.colorType === 4 || png.colorType === 6) {
      ctx.report(R.background, {file: 'icon'}, 'the icon has an alpha channel; certification expects an opaque background in the brand colour', {fix: 'Flatten the icon onto a background of iconBrandColor.'})
    }
  },
}
