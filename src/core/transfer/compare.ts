import {isDeepStrictEqual} from 'node:util'

import {downloadBlob} from '../clients/blob-storage.js'
import type {ConnectorRow} from '../clients/dataverse.js'
import type {ApiRegistration} from '../clients/powerapps-rp.js'
import type {Session} from '../environments/session.js'
import {oauthSettingsOf} from '../push/oauth.js'
import {upsertBody} from '../push/rp-surface.js'
import type {PreparedConnector} from '../push/types.js'
import {connectorRow} from '../push/dataverse-surface.js'

/**
 * What would change if a prepared connector were written over the one in the environment, per surface: the
 * names of the parts that differ (`definition`, `connection parameters`, `icon`, `script`…), empty when the
 * connector is up to date. Secrets (write-only) and the per-connector redirect URL (the platform's own) are
 * not compared; a folder without a script or icon leaves the connector's own alone, as push does.
 */
export function dataverseChanges(prepared: PreparedConnector, actual: ConnectorRow): string[] {
  const expected = connectorRow(prepared, {create: false, removeScript: false})
  const changes: string[] = []
  const differ = (label: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b) && !changes.includes(label)) changes.push(label)
  }
  differ('display name', text(expected.displayname), text(actual.displayname))
  differ('description', text(expected.description), text(actual.description))
  differ('definition', parse(expected.openapidefinition), parse(actual.openapidefinition))
  differ('connection parameters', parameters(expected.connectionparameters), parameters(actual.connectionparameters))
  differ('connection parameters', parameters(expected.connectionparametersets), parameters(actual.connectionparametersets))
  differ('policies', parse(expected.policytemplateinstances) ?? [], parse(actual.policytemplateinstances) ?? [])
  differ('brand colour', expected.iconbrandcolor ?? null, actual.iconbrandcolor ?? null)
  differ('script operations', parse(expected.scriptoperations) ?? null, parse(actual.scriptoperations) ?? null)
  differ('capabilities', optionSet(expected.capabilities), optionSet(actual.capabilities))
  if (prepared.script !== undefined) differ('script', prepared.script, actual.customcodeblobcontent ?? undefined)
  if (expected.iconblob) differ('icon', expected.iconblob, actual.iconblob ?? undefined)
  return changes
}

/** The same for a connector of the Power Apps resource provider (its definition, script and icon are blobs). */
export async function rpChanges(session: Session, prepared: PreparedConnector, environmentId: string, registration: ApiRegistration): Promise<string[]> {
  const expected = upsertBody(prepared, environmentId, {create: false}).properties
  const actual = registration.properties ?? {}
  const changes: string[] = []
  const differ = (label: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b) && !changes.includes(label)) changes.push(label)
  }
  differ('description', text(expected.description), text(actual.description))
  differ('connection parameters', normalizeParameters(expected.connectionParameters ?? {}), normalizeParameters(actual.connectionParameters ?? {}))
  differ('connection parameters', normalizeParameters(expected.connectionParameterSets ?? null), normalizeParameters(actual.connectionParameterSets ?? null))
  differ('backend', expected.backendService, actual.backendService)
  for (const [key, label] of [
    ['policyTemplateInstances', 'policies'],
    ['iconBrandColor', 'brand colour'],
    ['scriptOperations', 'script operations'],
    ['capabilities', 'capabilities'],
    ['publisher', 'publisher'],
    ['stackOwner', 'stack owner'],
  ] as const) {
    if (expected[key] !== undefined) differ(label, expected[key], actual[key])
  }
  const download = (url: string | undefined, what: string) => (url ? downloadBlob(session.storage, url, `downloading the ${what} to compare`) : Promise.resolve(undefined))
  const [swagger, script, icon] = await Promise.all([
    download(actual.apiDefinitions?.originalSwaggerUrl, 'API definition'),
    prepared.script !== undefined ? download(actual.scriptDefinitionUrl, 'script') : Promise.resolve(undefined),
    prepared.icon && actual.iconUri && !/\/defaulticons\//i.test(actual.iconUri) ? download(actual.iconUri, 'icon') : Promise.resolve(undefined),
  ])
  differ('definition', prepared.apiDefinition, swagger ? parse(swagger.toString('utf8').replace(/^\uFEFF/, '')) : undefined)
  if (prepared.script !== undefined) differ('script', prepared.script, script?.toString('utf8'))
  if (prepared.icon && !(icon && Buffer.from(prepared.icon).equals(icon))) changes.push('icon')
  return changes
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function parse(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

function parameters(value: unknown): unknown {
  return normalizeParameters(parse(value) ?? null)
}

function optionSet(value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split(',').map((v) => v.trim()).sort() : []
}

/** Connection parameters without what the platform owns or never shows: secrets and per-connector redirect URLs. */
function normalizeParameters(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value ?? null
  const copy = structuredClone(value) as Record<string, unknown>
  const isSets = Array.isArray((copy as {values?: unknown}).values)
  const refs = oauthSettingsOf({properties: isSets ? {connectionParameterSets: copy as never} : {connectionParameters: copy as never}})
  for (const {settings} of refs) {
    delete settings.clientSecret
    if (String(settings.redirectMode ?? '').toLowerCase() === 'globalperconnector') delete settings.redirectUrl
  }
  return copy
}
