/** Canonical file names of a connector folder (the PowerPlatformConnectors repository layout). */
export const CanonicalFile = {
  apiDefinition: 'apiDefinition.swagger.json',
  apiDefinitionYaml: 'apiDefinition.swagger.yaml',
  apiProperties: 'apiProperties.json',
  icon: 'icon.png',
  script: 'script.csx',
  settings: 'settings.json',
  readme: 'readme.md',
} as const

/**
 * Which file of a folder plays which role. Matching is case-insensitive, as Windows-made connectors in the
 * corpus spell names every which way (`apidefinition.swagger.json`, `README.MD`, `Script.csx`).
 */
export interface FileRoles {
  apiDefinition?: string
  apiProperties?: string
  icon?: string
  script?: string
  settings?: string
  readme?: string
  other: string[]
  /** Role → extra candidates that were not used (e.g. two swagger files). */
  ambiguous: Array<{role: string; used: string; ignored: string[]}>
}

const exact: Array<[keyof Omit<FileRoles, 'other' | 'ambiguous'>, RegExp]> = [
  ['apiDefinition', /^apidefinition\.swagger\.(json|ya?ml)$/i],
  ['apiProperties', /^apiproperties\.json$/i],
  ['icon', /^icon\.png$/i],
  ['script', /^script\.csx$/i],
  ['settings', /^settings\.json$/i],
  ['readme', /^readme\.md$/i],
]

const fallback: Array<[keyof Omit<FileRoles, 'other' | 'ambiguous'>, RegExp]> = [
  ['apiDefinition', /\.swagger\.(json|ya?ml)$/i],
  ['script', /\.csx$/i],
]

export function assignFileRoles(names: readonly string[]): FileRoles {
  const roles: FileRoles = {other: [], ambiguous: []}
  const used = new Set<string>()
  for (const rules of [exact, fallback]) {
    for (const [role, pattern] of rules) {
      if (roles[role]) continue
      // Prefer the canonical spelling, then JSON over YAML, then name order.
      const matches = names.filter((n) => pattern.test(n) && !used.has(n)).sort(rank)
      if (matches.length === 0) continue
      roles[role] = matches[0]!
      used.add(matches[0]!)
      if (matches.length > 1) roles.ambiguous.push({role, used: matches[0]!, ignored: matches.slice(1)})
    }
  }
  roles.other = names.filter((n) => !used.has(n))
  return roles
}

const canonicalNames = new Set<string>(Object.values(CanonicalFile))

function rank(a: string, b: string): number {
  const score = (n: string) => (canonicalNames.has(n) ? 0 : 1) + (/\.json$/i.test(n) ? 0 : 2)
  return score(a) - score(b) || a.localeCompare(b)
}
