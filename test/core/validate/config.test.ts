import {describe, expect, it} from 'vitest'

import type {ProjectFile} from '../../../src/core/project/project-file.js'
import {readValidationSettings, settingsFor} from '../../../src/core/validate/config.js'

function project(text: string, data: Record<string, unknown>): ProjectFile {
  return {path: '/work/app/cc.yaml', dir: '/work/app', data, text}
}

describe('the validation section of cc.yaml', () => {
  it('merges rules, options and overrides for each connector folder (later overrides win)', async () => {
    const settings = await readValidationSettings(
      project('', {
        validation: {
          profile: 'certification',
          maxWarnings: 5,
          rules: {'params/path-encoding': 'off', 'operation/id-length': {severity: 'error', max: 40}},
          overrides: [
            {connectors: ['connectors/legacy-*'], profile: 'base', rules: {'params/path-encoding': 'warning', 'operation/id-length': {max: 100}}},
            {connectors: 'legacy-b', rules: {'params/path-encoding': 'info'}},
          ],
        },
      }),
    )
    expect(settings).toMatchObject({profile: 'certification', maxWarnings: 5})
    const plain = settingsFor(settings, '/work/app/connectors/new')
    expect(plain.profile).toBe('certification')
    expect(plain.levels.get('params/path-encoding')).toBe('off')
    expect(plain.options.get('operation/id-length')).toEqual({max: 40})
    const legacyA = settingsFor(settings, '/work/app/connectors/legacy-a')
    expect(legacyA).toMatchObject({profile: 'base'})
    expect(legacyA.levels.get('params/path-encoding')).toBe('warning')
    expect(legacyA.levels.get('operation/id-length')).toBe('error')
    expect(legacyA.options.get('operation/id-length')).toEqual({max: 100})
    expect(settingsFor(settings, '/work/app/connectors/legacy-b').levels.get('params/path-encoding')).toBe('info')
  })

  it('refuses unknown rules, levels, options and keys with their line in cc.yaml', async () => {
    const text = 'validation:\n  rules:\n    operation/id-length: {max: "long"}\n'
    await expect(readValidationSettings(project(text, {validation: {rules: {'operation/id-length': {max: 'long'}}}}))).rejects.toThrow(/option "max" must be a number/)
    const bad = async (validation: unknown, text = 'validation:\n') => {
      try {
        await readValidationSettings(project(text, {validation}))
      } catch (error) {
        return error as {code: string; message: string; line?: number}
      }
      throw new Error('no error')
    }
    expect(await bad({rules: {'operation/id-unique': 'fatal'}}, 'validation:\n  rules:\n    operation/id-unique: fatal\n')).toMatchObject({code: 'PROJECT_FILE_INVALID', line: 3})
    expect((await bad({rules: {'operation/id-unique': {maximum: 3}}})).message).toContain('takes no options')
    expect((await bad({profile: 'strict'})).message).toContain('must be one of base, certification')
    expect((await bad({maxWarning: 3})).message).toContain('unknown key "validation.maxWarning"')
    expect((await bad({overrides: [{rules: {}}]})).message).toContain('connectors must be a folder name or glob')
  })
})
