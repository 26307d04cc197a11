import {createHash} from 'node:crypto'

/**
 * Names and ids of connectors on the platform, shared by every area (push to Dataverse, solution zips, the
 * emulator) so that the same connector gets the same names everywhere.
 *
 * Escaping follows what the platform does with display names (dataverse-and-solutions.md 3.7, powerapps-api.md
 * 2.12): lower-cased, ASCII letters and digits kept, every other character as `-` plus its two-digit lower-case
 * hex code per UTF-8 byte (space → `-20`, underscore → `-5f`, hyphen → `-2d`).
 */
export function escapeConnectorName(displayName: string): string {
  let out = ''
  for (const byte of Buffer.from(displayName.trim().toLowerCase(), 'utf8')) {
    const isAlnum = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
    out += isAlnum ? String.fromCharCode(byte) : `-${byte.toString(16).padStart(2, '0')}`
  }
  return out
}

/** Dataverse logical name of a connector: `<publisher prefix>_<escaped display name>`. */
export function connectorLogicalName(prefix: string, displayName: string): string {
  return `${prefix.toLowerCase()}_${escapeConnectorName(displayName)}`
}

/** The namespace of cc's name-based connector ids (a fixed, random GUID). */
export const connectorIdNamespace = '3b0f6c52-8d3e-4f1a-9c27-5e4d8a1b6f09'

/**
 * The Dataverse `connectorid` for a logical name: an RFC 4122 version 5 (SHA-1, name-based) UUID in cc's
 * namespace, so that pushing or importing the same connector updates the same row in every environment.
 */
export function deterministicConnectorId(logicalName: string): string {
  return uuidV5(logicalName.toLowerCase(), connectorIdNamespace)
}

export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex')
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x50
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Publisher prefixes: 2 to 8 characters, letters and digits, starting with a letter, not `mscrm`. */
export function isValidPublisherPrefix(prefix: string): boolean {
  return /^[a-z][a-z0-9]{1,7}$/i.test(prefix) && !/^mscrm/i.test(prefix)
}
