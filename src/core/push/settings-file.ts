import {join} from 'node:path'

import {CanonicalFile} from '../connector/layout.js'
import type {Connector, PaconnSettings} from '../connector/types.js'
import {serializeJson} from '../connector/write.js'
import {powerAppsApiVersion} from '../clients/powerapps-rp.js'

/**
 * paconn's settings.json (powerapps-api.md section 4), kept compatible: the keys paconn writes, in its order
 * (connectorId, environment, apiProperties, apiDefinition, icon, script, powerAppsUrl, powerAppsApiVersion),
 * followed by any other keys the file already had (flowUrl, clientId… which paconn would drop). `connectorId` is
 * always the Power Apps name (`shared_…`), so that paconn can keep using the file.
 */
export interface SettingsUpdate {
  connectorId: string
  environment: string
  /** File names in the folder (null when absent, as paconn writes them). */
  apiProperties: string
  apiDefinition: string
  icon: string | null
  script: string | null
  /** Omitted for the local emulator (its URL changes from run to run). */
  powerAppsUrl?: string
}

export function settingsContent(existing: PaconnSettings | undefined, update: SettingsUpdate): PaconnSettings {
  const out: PaconnSettings = {
    connectorId: update.connectorId,
    environment: update.environment,
    apiProperties: update.apiProperties,
    apiDefinition: update.apiDefinition,
    icon: update.icon,
    ...(update.script === null ? {} : {script: update.script}),
    ...(update.powerAppsUrl ? {powerAppsUrl: update.powerAppsUrl} : existing?.powerAppsUrl ? {powerAppsUrl: existing.powerAppsUrl} : {}),
    powerAppsApiVersion: existing?.powerAppsApiVersion ?? powerAppsApiVersion,
  }
  for (const [key, value] of Object.entries(existing ?? {})) if (!(key in out) && key !== 'script') out[key] = value
  return out
}

/** The settings.json of a pushed connector folder, ready for an atomic write. */
export function settingsFileFor(connector: Connector, update: Omit<SettingsUpdate, 'apiProperties' | 'apiDefinition' | 'icon' | 'script'>): {path: string; data: string; content: PaconnSettings} {
  const content = settingsContent(connector.settings?.value, {
    ...update,
    apiProperties: connector.apiProperties?.name ?? CanonicalFile.apiProperties,
    apiDefinition: connector.apiDefinition?.name ?? CanonicalFile.apiDefinition,
    icon: connector.icon?.name ?? null,
    script: connector.script?.name ?? null,
  })
  return {path: join(connector.dir, connector.settings?.name ?? CanonicalFile.settings), data: serializeJson(content), content}
}

/** The connector id settings.json remembers for an environment (only when it names that environment). */
export function settingsConnectorId(connector: Connector, environmentId: string): string | undefined {
  const s = connector.settings?.value
  if (!s || typeof s.connectorId !== 'string' || s.connectorId === '') return undefined
  if (typeof s.environment !== 'string' || s.environment.toLowerCase() !== environmentId.toLowerCase()) return undefined
  return s.connectorId
}
