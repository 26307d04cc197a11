import {constants, createHash, createPublicKey, createSign, verify, type KeyObject} from 'node:crypto'

/** JSON Web Tokens with node:crypto only: RS256 signing, RS256/PS256 verification, JWK export. */

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url')
}

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
}

export function signJwt(payload: Record<string, unknown>, key: SigningKey, extraHeader: Record<string, unknown> = {}): string {
  const header = {typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid, ...extraHeader}
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey)
  return `${input}.${base64url(signature)}`
}

export interface DecodedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

/** Splits and parses a compact JWT; undefined when it is not one. Does not verify anything. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'))
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    if (!isObject(header) || !isObject(payload)) return undefined
    return {header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url')}
  } catch {
    return undefined
  }
}

/** Checks the signature with an RSA public key; RS256 and PS256 (what MSAL uses for certificates) are accepted. */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const data = Buffer.from(jwt.signingInput)
  try {
    if (jwt.header.alg === 'RS256') return verify('RSA-SHA256', data, publicKey, jwt.signature)
    if (jwt.header.alg === 'PS256') {
      return verify('RSA-SHA256', data, {key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO}, jwt.signature)
    }
  } catch {
    return false
  }
  return false
}

/** The public half as a JWK for the keys (JWKS) document. */
export function publicJwk(key: SigningKey): Record<string, unknown> {
  const jwk = key.publicKey.export({format: 'jwk'}) as {n: string; e: string}
  return {kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e}
}

/** RFC 7638 thumbprint of an RSA public key, used as the key id. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({format: 'jwk'}) as {n: string; e: string}
  return base64url(createHash('sha256').update(JSON.stringify({e: jwk.e, kty: 'RSA', n: jwk.n})).digest())
}

/** A public key from a JWK (RSA) as found in another issuer's JWKS document. */
export function keyFromJwk(jwk: Record<string, unknown>): KeyObject | undefined {
  try {
    return createPublicKey({key: jwk as never, format: 'jwk'})
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
