/**
 * Names and descriptions of the federated identity credentials cc writes for connectors that use a managed
 * identity: one per connector per environment on the connector's client app.
 *
 * The name is the connector's display name (Microsoft's guidance is to name the credential after the connector)
 * plus a short environment suffix, within Graph's rules: 3–120 characters, letters, digits, `-` and `_`,
 * starting with a letter or digit; immutable, so it must never depend on anything that changes. The
 * description marks the credential as cc's and records the connector and the environment, which is how
 * `cc identity prune` knows which credentials it may remove.
 */
export const credentialLimit = 20
export const credentialNameMax = 120

/** The first eight hex digits of the environment's GUID (of the tenant for `Default-<tenant>`). */
export function environmentSuffix(environmentId: string): string {
  const hex = environmentId.toLowerCase().replace(/^default-/, '').replace(/[^0-9a-f]/g, '')
  return hex.length >= 8 ? hex.slice(0, 8) : environmentId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8) || 'env'
}

export function credentialName(displayName: string, environmentId: string): string {
  const suffix = `-${environmentSuffix(environmentId)}`
  let base = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
  if (base === '') base = 'connector'
  base = base.slice(0, credentialNameMax - suffix.length).replace(/[-_]+$/, '')
  const name = `${base}${suffix}`
  return name.length >= 3 ? name : `${name}-mi`
}

export function isValidCredentialName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/.test(name)
}

const marker = 'Managed by cc:'

/** `Managed by cc: connector <name> in environment <id> ("<display name>")`, at most 600 characters. */
export function credentialDescription(connector: {name: string; displayName: string; environmentId: string}): string {
  const head = `${marker} connector ${connector.name} in environment ${connector.environmentId}`
  const room = 600 - head.length - 5
  return room > 0 ? `${head} ("${connector.displayName.slice(0, room)}")` : head.slice(0, 600)
}

export interface CredentialOwner {
  connector: string
  environmentId: string
}

/** The connector and environment of a credential cc wrote; undefined for anyone else's. */
export function credentialOwner(description: string | null | undefined): CredentialOwner | undefined {
  const m = /^Managed by cc: connector (\S+) in environment (\S+)/.exec(description ?? '')
  return m ? {connector: m[1]!, environmentId: m[2]!} : undefined
}
