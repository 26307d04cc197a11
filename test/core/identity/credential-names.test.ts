import {describe, expect, it} from 'vitest'

import {credentialDescription, credentialName, credentialOwner, environmentSuffix, isValidCredentialName} from '../../../src/core/identity/credential-names.js'

describe('federated credential names', () => {
  it('are the connector name plus a short environment suffix, the same on every run', () => {
    expect(credentialName('Azure Resource Manager', '3f6d2a1b-7c84-4e59-a0b3-6c2d1e0f9a87')).toBe('Azure-Resource-Manager-3f6d2a1b')
    expect(credentialName('Azure Resource Manager', 'Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60')).toBe('Azure-Resource-Manager-8a7f5b2e')
    expect(environmentSuffix('C1E4B7A2-5D36-4F80-9B1C-2E3F4A5B6C7D')).toBe('c1e4b7a2')
  })

  it('follow Graph rules for any display name: 3–120 characters of letters, digits, - and _, alphanumeric first', () => {
    const names = ['  Contoso: Payments & Refunds (v2) ', 'Café Déjà-vu', '日本語のコネクタ', '---', '_x', 'A'.repeat(300), 'a', 'Open-Meteo Weather']
    for (const displayName of names) {
      const name = credentialName(displayName, 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d')
      expect(isValidCredentialName(name), `${displayName} → ${name}`).toBe(true)
    }
    expect(credentialName('Contoso: Payments & Refunds (v2)', 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d')).toBe('Contoso-Payments-Refunds-v2-c1e4b7a2')
    expect(credentialName('Café Déjà-vu', 'c1e4b7a2-0000-0000-0000-000000000000')).toBe('Cafe-Deja-vu-c1e4b7a2')
    expect(credentialName('日本語のコネクタ', 'c1e4b7a2-0000-0000-0000-000000000000')).toBe('connector-c1e4b7a2')
    expect(credentialName('A'.repeat(300), 'c1e4b7a2-0000-0000-0000-000000000000')).toHaveLength(120)
  })

  it('mark the credentials cc writes, with the connector and environment, and nobody else’s', () => {
    const description = credentialDescription({name: 'shared_contoso-5f1234', displayName: 'Contoso', environmentId: 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d'})
    expect(description.length).toBeLessThanOrEqual(600)
    expect(credentialOwner(description)).toEqual({connector: 'shared_contoso-5f1234', environmentId: 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d'})
    expect(credentialOwner('Added by hand for the Contoso connector')).toBeUndefined()
    expect(credentialOwner(null)).toBeUndefined()
    expect(credentialDescription({name: 'shared_x', displayName: 'D'.repeat(1000), environmentId: 'e'}).length).toBeLessThanOrEqual(600)
  })
})
