import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {cloudNames} from '../../../src/core/environments/clouds.js'
import {parameterKeys} from '../../../src/core/environments/project-environments.js'
import {ccSchema as schema, ccSchemaValidator} from '../../helpers/cc-schema.js'

const validate = ccSchemaValidator()

describe('schemas/cc.schema.json: environments and defaultEnvironment', () => {
  it('accepts what the loader accepts', () => {
    const doc = parse(`
defaultEnvironment: dev
environments:
  dev:
    cloud: public
    environmentId: Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60
    tenant: contoso.onmicrosoft.com
    dataverseUrl: https://contoso-dev.crm.dynamics.com
    solution: ContosoConnectors
    target: dataverse
    parameters: {host: api-dev.contoso.com, scopes: [a], definition: {/info/title: Dev}}
    connectors:
      payments: {id: shared_p, dataverseId: 6f1c2d3e-4a5b-5c6d-8e7f-9a0b1c2d3e4f, parameters: {basePath: /v2}}
      empty:
  emu:
    cloud: local
`)
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
  })

  it('refuses unknown settings and parameters, bad clouds, and a real environment without its id', () => {
    for (const bad of [
      'environments: {dev: {cloud: local, colud: x}}',
      'environments: {dev: {cloud: local, parameters: {hots: x}}}',
      'environments: {dev: {cloud: azure, environmentId: x}}',
      'environments: {dev: {cloud: public}}',
      'environments: {dev: {cloud: local, connectors: {p: {id: 1}}}}',
    ]) {
      expect(validate(parse(bad)), bad).toBe(false)
    }
  })

  it('lists the same clouds and parameters as the code', () => {
    const env = schema.properties.environments
    expect(env.additionalProperties.properties.cloud.enum).toEqual([...cloudNames])
    expect(Object.keys(env.definitions.connectorParameters.properties)).toEqual([...parameterKeys])
  })
})
