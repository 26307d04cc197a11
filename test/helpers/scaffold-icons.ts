import {crc32, deflateSync, inflateSync} from 'node:zlib'

/**
 * How the icons of templates/ and connectors/ were drawn, and a PNG reader to check them. The icons follow the
 * certification rules (validation-rules.md §3): a 230×230 opaque canvas in the connector's brand colour (never white
 * or #007ee5) with a white logo inside the central 160×160 square. Regenerate one with
 * `npx tsx -e "import('./test/helpers/scaffold-icons.ts').then(m => m.writeIcon('plug', '#5c2d91', 'templates/common/icon.png'))"`.
 */

export type IconDesign = 'plug' | 'cube' | 'weather'
export const iconSize = 230
export const logoBox = {min: 35, max: 195} as const

type Shape = (x: number, y: number) => boolean

const rect = (x0: number, y0: number, x1: number, y1: number, r = 0): Shape => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r))
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r))
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= r * r
}
const circle = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const ring = (cx: number, cy: number, r: number, width: number): Shape => (x, y) => {
  const d = Math.hypot(x - cx, y - cy)
  return d <= r && d >= r - width
}
const segment = (ax: number, ay: number, bx: number, by: number, width: number): Shape => (x, y) => {
  const vx = bx - ax
  const vy = by - ay
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)))
  return Math.hypot(x - (ax + t * vx), y - (ay + t * vy)) <= width / 2
}
const union = (...shapes: Shape[]): Shape => (x, y) => shapes.some((s) => s(x, y))
const minus = (a: Shape, b: Shape): Shape => (x, y) => a(x, y) && !b(x, y)

function logo(design: IconDesign): Shape {
  switch (design) {
    case 'plug':
      // A plug: two prongs, a rounded body and a cable.
      return union(rect(92, 52, 106, 96, 4), rect(124, 52, 138, 96, 4), rect(72, 92, 158, 150, 18), rect(108, 146, 122, 184, 3))
    case 'cube': {
      // An isometric cube drawn as an outline (Azure resources), 8 px strokes.
      const c = {x: 115, y: 115}
      const top = {x: 115, y: 48}
      const bottom = {x: 115, y: 182}
      const ul = {x: 57, y: 81}
      const ur = {x: 173, y: 81}
      const ll = {x: 57, y: 149}
      const lr = {x: 173, y: 149}
      const w = 9
      return union(
        segment(top.x, top.y, ur.x, ur.y, w), segment(ur.x, ur.y, lr.x, lr.y, w), segment(lr.x, lr.y, bottom.x, bottom.y, w),
        segment(bottom.x, bottom.y, ll.x, ll.y, w), segment(ll.x, ll.y, ul.x, ul.y, w), segment(ul.x, ul.y, top.x, top.y, w),
        segment(ul.x, ul.y, c.x, c.y, w), segment(ur.x, ur.y, c.x, c.y, w), segment(c.x, c.y, bottom.x, bottom.y, w),
      )
    }
    case 'weather': {
      // A sun behind a cloud.
      const sun = union(ring(98, 96, 30, 9), ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
        const a = (i * Math.PI) / 4
        return segment(98 + Math.cos(a) * 40, 96 + Math.sin(a) * 40, 98 + Math.cos(a) * 52, 96 + Math.sin(a) * 52, 8)
      }))
      const cloud = union(circle(112, 140, 26), circle(142, 126, 32), circle(170, 146, 20), rect(86, 140, 184, 166, 12))
      const cloudEdge = union(circle(112, 140, 34), circle(142, 126, 40), circle(170, 146, 28), rect(78, 132, 192, 174, 20))
      return union(minus(sun, cloudEdge), cloud)
    }
  }
}

/** RGB pixels of an icon: the brand colour with the white logo, anti-aliased by 4×4 supersampling. */
export function drawIcon(design: IconDesign, brandColor: string): Uint8Array {
  const bg = hexColor(brandColor)
  const shape = logo(design)
  const pixels = new Uint8Array(iconSize * iconSize * 3)
  for (let y = 0; y < iconSize; y++) {
    for (let x = 0; x < iconSize; x++) {
      let hits = 0
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (shape(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits++
      const coverage = hits / 16
      for (let c = 0; c < 3; c++) pixels[(y * iconSize + x) * 3 + c] = Math.round(bg[c]! * (1 - coverage) + 255 * coverage)
    }
  }
  return pixels
}

export function hexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`)
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)]
}

/** An 8-bit RGB PNG (colour type 2, no alpha: opaque by construction). */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, {level: 9})), chunk('IEND', Buffer.alloc(0))])
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

export interface DecodedPng {
  width: number
  height: number
  colorType: number
  bitDepth: number
  /** RGBA, 4 bytes per pixel (alpha 255 for colour types without alpha). */
  rgba: Uint8Array
}

/** Reads an 8-bit non-interlaced PNG of colour type 2 (RGB) or 6 (RGBA), checking every chunk's CRC. */
export function decodePng(bytes: Buffer): DecodedPng {
  if (!bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) throw new Error('not a PNG signature')
  let offset = 8
  let header: {width: number; height: number; bitDepth: number; colorType: number; interlace: number} | undefined
  const idat: Buffer[] = []
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('ascii', offset + 4, offset + 8)
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length)) throw new Error(`bad CRC in ${type}`)
    if (type === 'IHDR') header = {width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colorType: data[9]!, interlace: data[12]!}
    if (type === 'IDAT') idat.push(data)
    offset += 12 + length
    if (type === 'IEND') break
  }
  if (!header) throw new Error('no IHDR')
  if (header.bitDepth !== 8 || header.interlace !== 0 || ![2, 6].includes(header.colorType)) throw new Error('unsupported PNG variant')
  const channels = header.colorType === 6 ? 4 : 3
  const stride = header.width * channels
  const raw = inflateSync(Buffer.concat(idat))
  const out = new Uint8Array(header.width * header.height * channels)
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!
      const a = i >= channels ? out[y * stride + i - channels]! : 0
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0
      const c = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels]! : 0
      const p = a + b - c
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]
      if (predictor === undefined) throw new Error(`bad filter ${filter}`)
      out[y * stride + i] = (x + predictor) & 0xff
    }
  }
  const rgba = new Uint8Array(header.width * header.height * 4)
  for (let p = 0; p < header.width * header.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = out[p * channels + c]!
    rgba[p * 4 + 3] = channels === 4 ? out[p * channels + 3]! : 255
  }
  return {width: header.width, height: header.height, colorType: header.colorType, bitDepth: header.bitDepth, rgba}
}

/** Writes an icon file (used once to make the committed icons). */
export async function writeIcon(design: IconDesign, brandColor: string, path: string): Promise<void> {
  const {writeFileSync} = await import('node:fs')
  writeFileSync(path, encodePng(iconSize, iconSize, drawIcon(design, brandColor)))
}
