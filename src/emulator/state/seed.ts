import {createHash, randomUUID, X509Certificate} from 'node:crypto'
import {join} from 'node:path'

import {writeFileAtomic} from '../../core/fs/atomic.js'
import {ciCertificatePem, ciPrivateKeyPem} from '../seed-certificate.js'
import * as seed from '../seed-identities.js'
import {secretDigest, type EmulatorKeys} from './keys.js'
import {
  collections,
  type ApplicationRecord,
  type EnvironmentRecord,
  type KeyCredentialRecord,
  type PublisherRecord,
  type ServicePrincipalRecord,
  type SolutionRecord,
  type TenantRecord,
  type UserRecord,
} from './records.js'
import type {Store, Transaction} from './store.js'

export const seedVersion = 1
const seededAt = '2026-01-01T00:00:00Z'

/** Path of the PEM file (certificate + private key) of the seeded CI service principal. */
export function ciCertificatePath(dataDir: string): string {
  return join(dataDir, 'ci-certificate.pem')
}

/** Fills an empty data folder with the seeded tenant, users, apps and environments. Does nothing when seeded. */
export async function seedState(dataDir: string, store: Store, keys: EmulatorKeys): Promise<void> {
  if (await store.get(collections.meta, 'seed')) return
  await store.transaction(async (tx) => {
    if (await tx.get(collections.meta, 'seed')) return
    writeSeed(tx, keys)
    tx.put(collections.meta, 'seed', {version: seedVersion, at: new Date().toISOString()})
  })
  await writeFileAtomic(ciCertificatePath(dataDir), `${ciPrivateKeyPem}${ciCertificatePem}`, {mode: 0o600})
}

function writeSeed(tx: Transaction, keys: EmulatorKeys): void {
  for (const t of [seed.tenant, seed.otherTenant]) tx.put<TenantRecord>(collections.tenants, t.id, {...t})
  for (const u of seed.users) tx.put<UserRecord>(collections.users, u.id, {...u, tenantId: seed.tenant.id})
  for (const app of seed.seedApps) {
    tx.put<ApplicationRecord>(collections.applications, app.objectId, {
      ...newApplication(app.tenantId, app.displayName, app.owners, app.objectId, app.appId, seededAt),
      web: {...newApplication('', '', []).web, redirectUris: [...app.redirectUris]},
      keyCredentials: app.certificate ? [keyCredentialFromPem(ciCertificatePem, 'cc CI certificate (emulator)')] : [],
      passwordCredentials: app.secret
        ? [{keyId: uuidFrom(`${app.appId}/secret`), displayName: 'emulator', hint: app.secret.slice(0, 3), startDateTime: seededAt, endDateTime: '2126-01-01T00:00:00Z', digest: secretDigest(keys, app.secret)}]
        : [],
    })
    tx.put<ServicePrincipalRecord>(collections.servicePrincipals, app.servicePrincipalId, {
      id: app.servicePrincipalId,
      appId: app.appId,
      tenantId: app.tenantId,
      displayName: app.displayName,
      servicePrincipalType: 'Application',
      accountEnabled: true,
      appOwnerOrganizationId: app.tenantId,
      servicePrincipalNames: [app.appId],
      graphRoles: [...app.graphRoles],
    })
  }
  for (const r of seed.resourceApps) {
    const id = uuidFrom(`sp/${r.appId}`)
    tx.put<ServicePrincipalRecord>(collections.servicePrincipals, id, {
      id,
      appId: r.appId,
      tenantId: seed.tenant.id,
      displayName: r.displayName,
      servicePrincipalType: 'Application',
      accountEnabled: true,
      appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
      servicePrincipalNames: [r.appId, ...r.identifierUris],
      graphRoles: [],
    })
  }
  for (const e of seed.environments) {
    tx.put<EnvironmentRecord>(collections.environments, e.id, {...e, tenantId: seed.tenant.id, createdTime: seededAt})
    seedDataverse(tx, e.id)
  }
}

/** The out-of-the-box rows of a Dataverse org: the default publisher and the Default solution. */
function seedDataverse(tx: Transaction, environmentId: string): void {
  const publisher: PublisherRecord = {
    publisherid: uuidFrom(`${environmentId}/publisher/default`),
    uniquename: 'DefaultPublisher',
    friendlyname: 'Default Publisher',
    customizationprefix: 'new',
    customizationoptionvalueprefix: 10000,
    description: null,
  }
  tx.put(collections.publishers(environmentId), publisher.publisherid, publisher)
  const solution: SolutionRecord = {
    solutionid: uuidFrom(`${environmentId}/solution/default`),
    uniquename: 'Default',
    friendlyname: 'Default Solution',
    version: '1.0',
    ismanaged: false,
    isvisible: false,
    publisherid: publisher.publisherid,
    description: null,
    installedon: seededAt,
    modifiedon: seededAt,
  }
  tx.put(collections.solutions(environmentId), solution.solutionid, solution)
}

/** A new application registration with Graph's defaults. */
export function newApplication(tenantId: string, displayName: string, owners: string[], id: string = randomUUID(), appId: string = randomUUID(), createdDateTime = new Date().toISOString()): ApplicationRecord {
  return {
    id,
    appId,
    tenantId,
    displayName,
    description: null,
    createdDateTime,
    signInAudience: 'AzureADMyOrg',
    identifierUris: [],
    isFallbackPublicClient: false,
    web: {redirectUris: [], homePageUrl: null, logoutUrl: null, implicitGrantSettings: {enableAccessTokenIssuance: false, enableIdTokenIssuance: false}},
    spa: {redirectUris: []},
    publicClient: {redirectUris: []},
    requiredResourceAccess: [],
    tags: [],
    notes: null,
    keyCredentials: [],
    passwordCredentials: [],
    federatedIdentityCredentials: [],
    owners: [...owners],
  }
}

/** A key credential record from a PEM or base64 DER certificate; undefined when it is not a certificate. */
export function keyCredentialFromPem(certificate: string, displayName: string, keyId?: string): KeyCredentialRecord {
  const x509 = new X509Certificate(certificate.includes('-----BEGIN') ? certificate : Buffer.from(certificate, 'base64'))
  const sha1 = createHash('sha1').update(x509.raw).digest()
  const sha256 = createHash('sha256').update(x509.raw).digest()
  return {
    keyId: keyId ?? uuidFrom(`cert/${sha256.toString('hex')}`),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    displayName,
    startDateTime: new Date(x509.validFrom).toISOString(),
    endDateTime: new Date(x509.validTo).toISOString(),
    customKeyIdentifier: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
    certificate: x509.raw.toString('base64'),
  }
}

/** A stable GUID from a text (name-based, version 4 bits set so it looks like the platform's random ids). */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(`cc-emulator:${text}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x40
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}
