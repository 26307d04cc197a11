import {inflateSync} from 'node:zlib'

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
    description: 'The icon background (its top-left pixel) is opaque, not white and not #007ee5, and the same colour as iconBrandColor.',
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
    if (!ctx.on(R.background)) return
    const corner = cornerPixel(file.bytes, png)
    if (!corner) return
    const hex = `#${corner.rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`
    const brand = typeof ctx.properties?.iconBrandColor === 'string' ? ctx.properties.iconBrandColor.toLowerCase() : undefined
    if (corner.alpha < 255) {
      ctx.report(R.background, {file: 'icon'}, `the icon background is ${corner.alpha === 0 ? 'transparent' : 'semi-transparent'}; certification expects an opaque background`, {fix: 'Flatten the icon onto a background of iconBrandColor.'})
    } else if (hex === '#ffffff' || hex === '#007ee5') {
      ctx.report(R.background, {file: 'icon'}, `the icon background is ${hex}, which certification does not allow`)
    } else if (brand && /^#[0-9a-f]{6}$/.test(brand) && hex !== brand) {
      ctx.report(R.background, {file: 'icon'}, `the icon background is ${hex} but iconBrandColor is ${brand}; they should be the same`)
    }
  },
}

/**
 * The colour of the top-left pixel. For the first pixel of the first row every PNG filter adds zero, so the
 * inflated bytes after the filter byte are the pixel itself; palette images look the colour up in PLTE/tRNS.
 */
export function cornerPixel(bytes: Uint8Array, png: PngInfo): {rgb: [number, number, number]; alpha: number} | undefined {
  if (png.bitDepth !== 8 || ![2, 3, 6].includes(png.colorType)) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const data: Uint8Array[] = []
  let palette: Uint8Array | undefined
  let transparency: Uint8Array | undefined
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const length = view.getUint32(offset)
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8))
    const body = bytes.subarray(offset + 8, offset + 8 + length)
    if (type === 'IDAT') data.push(body)
    else if (type === 'PLTE') palette = body
    else if (type === 'tRNS') transparency = body
    else if (type === 'IEND') break
    offset += 12 + length
  }
  let raw: Uint8Array
  try {
    raw = inflateSync(Buffer.concat(data))
  } catch {
    return undefined
  }
  if (png.colorType === 3) {
    const index = raw[1]
    if (index === undefined || !palette || palette.length < index * 3 + 3) return undefined
    return {rgb: [palette[index * 3]!, palette[index * 3 + 1]!, palette[index * 3 + 2]!], alpha: transparency && index < transparency.length ? transparency[index]! : 255}
  }
  if (raw.length < (png.colorType === 6 ? 5 : 4)) return undefined
  return {rgb: [raw[1]!, raw[2]!, raw[3]!], alpha: png.colorType === 6 ? raw[4]! : 255}
}
