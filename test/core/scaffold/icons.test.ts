import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {decodePng, drawIcon, hexColor, iconSize, type IconDesign, logoBox} from '../../helpers/scaffold-icons.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

const icons: Array<{icon: string; properties: string; design: IconDesign}> = [
  {icon: 'templates/common/icon.png', properties: 'templates/none/apiProperties.json', design: 'plug'},
  {icon: 'connectors/azure-resource-manager/icon.png', properties: 'connectors/azure-resource-manager/apiProperties.json', design: 'cube'},
  {icon: 'connectors/open-meteo-weather/icon.png', properties: 'connectors/open-meteo-weather/apiProperties.json', design: 'weather'},
]

describe('icons of the templates and sample connectors', () => {
  for (const {icon, properties, design} of icons) {
    it(`${icon} follows the certification rules for icons`, () => {
      const png = decodePng(readFileSync(`${root}${icon}`))
      const brand = JSON.parse(readFileSync(`${root}${properties}`, 'utf8')).properties.iconBrandColor as string
      expect(brand).toMatch(/^#[0-9a-f]{6}$/i)
      expect(['#ffffff', '#007ee5']).not.toContain(brand.toLowerCase())
      expect([png.width, png.height]).toEqual([iconSize, iconSize])
      expect(png.colorType).toBe(2) // RGB without alpha: opaque
      const [r, g, b] = hexColor(brand)
      const pixel = (x: number, y: number) => [...png.rgba.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)]
      let white = 0
      for (let y = 0; y < png.height; y++) {
        for (let x = 0; x < png.width; x++) {
          const [pr, pg, pb] = pixel(x, y)
          const background = pr === r && pg === g && pb === b
          const inside = x >= logoBox.min && x < logoBox.max && y >= logoBox.min && y < logoBox.max
          if (!inside) expect(background, `pixel ${x},${y} outside the 160×160 logo area`).toBe(true)
          if (pr === 255 && pg === 255 && pb === 255) white++
        }
      }
      expect(white).toBeGreaterThan(1000) // there is a logo
    })

    it(`${icon} is the drawing of test/helpers/scaffold-icons.ts`, () => {
      const png = decodePng(readFileSync(`${root}${icon}`))
      const brand = JSON.parse(readFileSync(`${root}${properties}`, 'utf8')).properties.iconBrandColor as string
      const expected = drawIcon(design, brand)
      const rgb = new Uint8Array(iconSize * iconSize * 3)
      for (let p = 0; p < iconSize * iconSize; p++) rgb.set(png.rgba.subarray(p * 4, p * 4 + 3), p * 3)
      expect(Buffer.from(rgb).equals(Buffer.from(expected))).toBe(true)
    })
  }

  it('every auth template uses the brand colour of the shared icon', () => {
    for (const kind of ['none', 'basic', 'apikey', 'oauth2', 'aad', 'aad-managed-identity']) {
      expect(JSON.parse(readFileSync(`${root}templates/${kind}/apiProperties.json`, 'utf8')).properties.iconBrandColor, kind).toBe('#5c2d91')
    }
  })
})
