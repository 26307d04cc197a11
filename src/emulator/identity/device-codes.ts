import {randomBytes, randomInt} from 'node:crypto'

import {defaultUser} from '../seed-identities.js'
import {collections, type DeviceCodeRecord, type UserRecord} from '../state/records.js'
import type {Store} from '../state/store.js'
import {hashToken} from './tokens.js'

export const deviceCodeLifetimeSeconds = 900

const userCodeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A new device code and its record (only the code's hash is stored). */
export function newDeviceCode(fields: Omit<DeviceCodeRecord, 'deviceCodeHash' | 'userCode' | 'expiresAt' | 'state'>): {deviceCode: string; record: DeviceCodeRecord} {
  const deviceCode = `DAQAB${randomBytes(48).toString('base64url')}`
  let userCode = ''
  for (let i = 0; i < 9; i++) userCode += userCodeAlphabet[randomInt(userCodeAlphabet.length)]
  return {
    deviceCode,
    record: {...fields, deviceCodeHash: hashToken(deviceCode), userCode, expiresAt: fields.createdAt + deviceCodeLifetimeSeconds * 1000, state: 'pending'},
  }
}

export function normalizeUserCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase()
}

export interface ApproveOptions {
  userCode: string
  /** User principal name or object id; default: the seeded default user. */
  user?: string
  /** Decline instead of approving. */
  deny?: boolean
  now: number
}

export interface ApproveResult {
  userCode: string
  clientId: string
  state: 'approved' | 'declined'
  user?: {id: string; userPrincipalName: string; displayName: string}
}

export class DeviceCodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-found' | 'expired' | 'not-pending' | 'unknown-user',
  ) {
    super(message)
  }
}

/** Approves (or declines) a pending device code in a data folder's store. Works with or without a running server. */
export async function approveDeviceCodeInStore(store: Store, options: ApproveOptions): Promise<ApproveResult> {
  const code = normalizeUserCode(options.userCode)
  return store.transaction(async (tx) => {
    const records = await tx.list<DeviceCodeRecord>(collections.deviceCodes)
    const record = records.find((r) => r.userCode === code)
    if (!record) throw new DeviceCodeError(`No device code ${code} is waiting for sign-in.`, 'not-found')
    if (record.expiresAt <= options.now) throw new DeviceCodeError(`The device code ${code} expired; start the sign-in again.`, 'expired')
    if (record.state !== 'pending') throw new DeviceCodeError(`The device code ${code} was already ${record.state}.`, 'not-pending')
    if (options.deny) {
      tx.put(collections.deviceCodes, record.deviceCodeHash, {...record, state: 'declined'})
      return {userCode: code, clientId: record.clientId, state: 'declined' as const}
    }
    const wanted = (options.user ?? defaultUser.userPrincipalName).toLowerCase()
    const user = (await tx.list<UserRecord>(collections.users)).find((u) => u.id === wanted || u.userPrincipalName.toLowerCase() === wanted)
    if (!user) throw new DeviceCodeError(`There is no user ${options.user} in the emulator's directory.`, 'unknown-user')
    tx.put(collections.deviceCodes, record.deviceCodeHash, {...record, state: 'approved', userId: user.id})
    return {userCode: code, clientId: record.clientId, state: 'approved' as const, user: {id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName}}
  })
}
