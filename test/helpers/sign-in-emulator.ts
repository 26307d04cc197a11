import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach} from 'vitest'

import type {CoreContext} from '../../src/core/context.js'
import {startEmulator, type RunningEmulator, type StartEmulatorOptions} from '../../src/emulator/index.js'
import {tinyPng} from './solution-zip-fixtures.js'
import {tempDir} from './temp-dir.js'

/** Area E (sign-in, push, pull): a real emulator on port 0 with its own data folder, closed after the test. */

const running: RunningEmulator[] = []

afterEach(async () => {
  while (running.length > 0) await running.pop()!.close()
})

export async function startTestEmulator(options: Partial<StartEmulatorOptions> = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({dataDir: tempDir('cc-emu-'), port: 0, deviceCodeApprovalDelayMs: 0, discoveryFile: false, ...options})
  running.push(emulator)
  return emulator
}

/** Environment variables of a clean shell pointed at an emulator: no Azure credentials, no CC_ENV. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AZURE_|ACTIONS_ID_TOKEN|SYSTEM_ACCESSTOKEN|CC_ENV$|CC_AUTH$|CC_CLOUD$|CC_TENANT$|CC_EMULATOR|DEBUG$)/.test(key)) continue
    env[key] = value
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

export interface TestContext extends CoreContext {
  warnings: string[]
  steps: string[]
  debugLines: string[]
}

/** A CoreContext with its own config folder, collecting what the core reports. */
export function testContext(options: {emulatorUrl?: string; cwd?: string; configDir?: string; env?: Record<string, string | undefined>} = {}): TestContext {
  const warnings: string[] = []
  const steps: string[] = []
  const debugLines: string[] = []
  return {
    configDir: options.configDir ?? tempDir('cc-config-'),
    cwd: options.cwd ?? tempDir('cc-cwd-'),
    env: cleanEnv({...(options.emulatorUrl ? {CC_EMULATOR_URL: options.emulatorUrl} : {}), ...options.env}),
    interactive: false,
    warnings,
    steps,
    debugLines,
    reporter: {
      step: (message) => steps.push(message),
      progress() {},
      warn: (message) => warnings.push(message),
      debug: (message) => debugLines.push(message),
    },
  }
}

/** Calls an emulator admin route (`/_emulator/...`). */
export async function emulatorAdmin<T = unknown>(url: string, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const response = await fetch(`${url}/_emulator/${path}`, {method, ...(body === undefined ? {} : {headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})})
  return (await response.json()) as T
}

/** Whether the emulator stored this client secret for a connector (it keeps only HMACs). */
export async function secretMatches(url: string, environment: string, name: string, secret: string): Promise<boolean> {
  return (await emulatorAdmin<{matches: boolean}>(url, `connectors/${environment}/${name}/verify-secret`, {secret})).matches
}

/** A small no-auth connector folder (apiDefinition, apiProperties, optional icon and script). */
export function writeSimpleConnector(dir: string, options: {title?: string; host?: string; script?: string; icon?: boolean} = {}): void {
  mkdirSync(dir, {recursive: true})
  const swagger = {
    swagger: '2.0',
    info: {title: options.title ?? 'Contoso Inventory', description: 'Stock levels of the Contoso warehouses.', version: '1.0'},
    host: options.host ?? 'inventory.contoso.com',
    basePath: '/api',
    schemes: ['https'],
    consumes: [],
    produces: ['application/json'],
    paths: {'/items': {get: {operationId: 'ListItems', summary: 'List items', description: 'Lists the items in stock.', responses: {'200': {description: 'OK'}}}}},
    definitions: {},
    parameters: {},
    responses: {},
    securityDefinitions: {},
    security: [],
    tags: [],
  }
  writeFileSync(join(dir, 'apiDefinition.swagger.json'), JSON.stringify(swagger, null, 2) + '\n')
  const properties: Record<string, unknown> = {connectionParameters: {}, iconBrandColor: '#107c10', capabilities: [], publisher: 'Contoso'}
  if (options.script !== undefined) properties.scriptOperations = ['ListItems']
  writeFileSync(join(dir, 'apiProperties.json'), JSON.stringify({properties}, null, 2) + '\n')
  if (options.script !== undefined) writeFileSync(join(dir, 'script.csx'), options.script)
  if (options.icon !== false) writeFileSync(join(dir, 'icon.png'), tinyPng)
}

/**
 * Environment overrides for runCommand: an emulator, a fresh config folder (oclif reads CC_CONFIG_DIR when the
 * command loads its Config), and no Azure credentials or CC_ENV from the outer shell.
 */
export function commandEnv(emulatorUrl: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {CC_EMULATOR_URL: emulatorUrl, CC_CONFIG_DIR: tempDir('cc-cmd-config-')}
  for (const key of Object.keys(process.env)) {
    if (/^(AZURE_|ACTIONS_ID_TOKEN|SYSTEM_ACCESSTOKEN|CC_ENV$|CC_AUTH$|CC_CLOUD$|CC_TENANT$|DEBUG$)/.test(key)) env[key] = undefined
  }
  return {...env, ...extra}
}

/** Seeded emulator ids (docs/architecture.md, "Seeded emulator identities"). */
export const seeded = {
  tenantId: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60',
  otherTenantId: '2d4c6e8a-1b3f-4a5c-8e7d-9f0a1b2c3d4e',
  ciAppId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  devEnvironment: 'Default-8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60',
  testEnvironment: '3f6d2a1b-7c84-4e59-a0b3-6c2d1e0f9a87',
  prodEnvironment: 'c1e4b7a2-5d36-4f80-9b1c-2e3f4a5b6c7d',
} as const

/** A script.csx the validator accepts (it overrides ExecuteAsync). */
export const passThroughScript = 'public class Script : ScriptBase\n{\n    public override Task<HttpResponseMessage> ExecuteAsync() => Context.SendAsync(Context.Request, CancellationToken);\n}\n'
