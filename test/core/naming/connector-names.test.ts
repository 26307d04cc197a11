import {describe, expect, it} from 'vitest'

import {connectorLogicalName, deterministicConnectorId, escapeConnectorName, isValidPublisherPrefix, uuidV5} from '../../../src/core/naming/connector-names.js'

describe('connector names', () => {
  it('escapes display names the way the platform does', () => {
    expect(escapeConnectorName('My connector 2')).toBe('my-20connector-202')
    expect(escapeConnectorName('Contoso Payments API')).toBe('contoso-20payments-20api')
    expect(escapeConnectorName('gateway_lst-app')).toBe('gateway-5flst-2dapp')
    expect(escapeConnectorName('Brønnøy')).toBe('br-c3-b8nn-c3-b8y')
    expect(connectorLogicalName('Contoso', 'Contoso Payments API')).toBe('contoso_contoso-20payments-20api')
  })

  it('derives stable RFC 4122 v5 ids', () => {
    // The RFC 4122 appendix example: DNS namespace, "www.example.com".
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2')
    const id = deterministicConnectorId('contoso_contoso-20payments-20api')
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(deterministicConnectorId('CONTOSO_contoso-20payments-20api')).toBe(id)
    expect(deterministicConnectorId('contoso_other')).not.toBe(id)
  })

  it('checks publisher prefixes', () => {
    expect(['ab', 'contoso', 'cr1a6'].map(isValidPublisherPrefix)).toEqual([true, true, true])
    expect(['a', '1ab', 'toolongpx', 'mscrmx', 'a_b'].map(isValidPublisherPrefix)).toEqual([false, false, false, false, false])
  })
})
