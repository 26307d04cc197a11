import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {scaffoldConnector} from '../../../src/core/scaffold/scaffold.js'
import {authKinds} from '../../../src/core/scaffold/templates.js'
import {validateConnectors} from '../../../src/core/validate/validate.js'
import {tempDir} from '../../helpers/temp-dir.js'
import {connectorWith, context, writeConnectorFolder} from '../../helpers/validate-fixtures.js'

const repo = fileURLToPath(new URL('../../..', import.meta.url))
const errorsOf = (result: Awaited<ReturnType<typeof validateConnectors>>) =>
  result.connectors.flatMap((c) => c.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.message}`))

describe('what cc itself ships validates without errors', () => {
  it('every sample connector under connectors/, in both profiles', async () => {
    const folders = readdirSync(join(repo, 'connectors'), {withFileTypes: true}).filter((e) => e.isDirectory())
    expect(folders.length).toBeGreaterThan(0)
    for (const profile of ['base', 'certification'] as const) {
      const result = await validateConnectors({paths: ['connectors'], profile}, context(repo))
      expect(result.summary.connectors).toBe(folders.length)
      expect(errorsOf(result), profile).toEqual([])
    }
  })

  const variants = authKinds.flatMap((auth) => [
    {auth, managedIdentity: false, script: false},
    {auth, managedIdentity: false, script: true},
    ...(auth === 'aad' ? [{auth, managedIdentity: true, script: false}] : []),
  ])
  for (const variant of variants) {
    it(`the scaffolded template ${variant.auth}${variant.managedIdentity ? ' (managed identity)' : ''}${variant.script ? ' with custom code' : ''}, in both profiles`, async () => {
      const root = tempDir('scaffolded-')
      const out = join(root, 'contoso-items')
      await scaffoldConnector({name: 'contoso-items', auth: variant.auth, managedIdentity: variant.managedIdentity, script: variant.script, out}, context(root))
      for (const profile of ['base', 'certification'] as const) {
        const result = await validateConnectors({paths: [out], profile}, context(root))
        expect(errorsOf(result), profile).toEqual([])
      }
    })
  }

  it('the managed-identity representation of docs/architecture.md raises no finding at all', async () => {
    const dir = writeConnectorFolder(
      connectorWith((s, p) => {
        s.securityDefinitions = {
          oauth2_auth: {type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://login.windows.net/common/oauth2/authorize', tokenUrl: 'https://login.windows.net/common/oauth2/authorize', scopes: {}},
        }
        s.security = [{oauth2_auth: []}]
        p.properties.connectionParameters = {
          token: {
            type: 'oauthSetting',
            oAuthSettings: {
              identityProvider: 'aad',
              clientId: '5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c',
              scopes: [],
              redirectMode: 'GlobalPerConnector',
              redirectUrl: 'https://global.consent.azure-apim.net/redirect',
              properties: {IsFirstParty: 'False', AzureActiveDirectoryResourceId: 'https://management.azure.com/', IsOnbehalfofLoginSupported: false, UseManagedIdentity: 'True'},
              customParameters: {
                loginUri: {value: 'https://login.windows.net'},
                tenantId: {value: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60'},
                resourceUri: {value: 'https://management.azure.com/'},
                enableOnbehalfOfLogin: {value: 'false'},
              },
            },
          },
        }
      }),
    )
    for (const profile of ['base', 'certification'] as const) {
      const result = await validateConnectors({paths: [dir], profile}, context(join(dir, '..')))
      expect(result.connectors[0]!.findings, profile).toEqual([])
    }
  })
})
