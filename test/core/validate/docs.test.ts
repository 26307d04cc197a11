import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {defaultLevel} from '../../../src/core/validate/rule.js'
import {ruleTable} from '../../../src/core/validate/rules/index.js'

describe('docs/readme/validate.md', () => {
  it('lists every rule with its levels in both profiles and its Microsoft code', () => {
    const text = readFileSync(new URL('../../../docs/readme/validate.md', import.meta.url), 'utf8')
    const rows = new Map(
      text
        .split('\n')
        .filter((l) => l.startsWith('| `') && l.split('|').length > 5)
        .map((l) => {
          const cells = l.split(/(?<!\\)\|/).map((c) => c.trim())
          return [cells[1]!.replaceAll('`', ''), cells] as const
        }),
    )
    for (const rule of ruleTable) {
      const cells = rows.get(rule.id)
      expect(cells, rule.id).toBeDefined()
      expect(cells![2], rule.id).toBe(defaultLevel(rule, 'base') ?? '–')
      expect(cells![3], rule.id).toBe(defaultLevel(rule, 'certification') ?? '–')
      expect(cells![4], rule.id).toBe(rule.msCode ? `\`${rule.msCode}\`` : '')
    }
    expect([...rows.keys()].filter((id) => id.includes('/')).sort()).toEqual(ruleTable.map((r) => r.id).sort())
  })
})
