import {describe, expect, it} from 'vitest'

import {ruleTable} from '../../../src/core/validate/rules/index.js'
import {ccSchema as schema, ccSchemaValidator} from '../../helpers/cc-schema.js'


describe('schemas/cc.schema.json, validation section', () => {
  it('lists exactly the rules of the rule table', () => {
    expect(schema.properties.validation.definitions.rules.propertyNames.enum).toEqual(ruleTable.map((r) => r.id))
  })

  it('accepts the documented settings and refuses unknown rules, levels and keys', () => {
    const validate = ccSchemaValidator()
    const ok = {
      validation: {
        profile: 'certification',
        maxWarnings: 0,
        rules: {'params/path-encoding': 'off', 'operation/id-length': {severity: 'warning', max: 64}, 'files/readme-present': false},
        overrides: [{connectors: ['connectors/legacy-*'], profile: 'base', rules: {'swagger/unknown-extension': 'info'}}, {connectors: 'old-one'}],
      },
    }
    expect(validate(ok), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({validation: {rules: {'operation/id-uniqe': 'off'}}})).toBe(false)
    expect(validate({validation: {rules: {'operation/id-unique': 'fatal'}}})).toBe(false)
    expect(validate({validation: {maxWarning: 3}})).toBe(false)
    expect(validate({validation: {overrides: [{rules: {}}]}})).toBe(false)
  })
})
