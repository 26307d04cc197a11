/** The claims of an access token that `cc` shows or uses (never the token itself). Decoded, not verified. */
export interface TokenClaims {
  tid?: string
  oid?: string
  appid?: string
  azp?: string
  upn?: string
  preferred_username?: string
  unique_name?: string
  name?: string
  aud?: string
  iss?: string
  exp?: number
  idtyp?: string
  scp?: string
  roles?: string[]
}

export function decodeClaims(token: string): TokenClaims {
  const payload = token.split('.')[1]
  if (!payload) return {}
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims
  } catch {
    return {}
  }
}

/** Who a token belongs to, for messages and `cc whoami`. */
export function principalOf(claims: TokenClaims): {kind: 'user' | 'app'; username?: string; objectId?: string; clientId?: string; displayName?: string} {
  const username = claims.upn ?? claims.preferred_username ?? claims.unique_name
  const isUser = claims.idtyp === 'user' || (claims.idtyp === undefined && (username !== undefined || claims.scp !== undefined))
  return {
    kind: isUser ? 'user' : 'app',
    ...(username ? {username} : {}),
    ...(claims.oid ? {objectId: claims.oid} : {}),
    ...((claims.appid ?? claims.azp) ? {clientId: claims.appid ?? claims.azp} : {}),
    ...(claims.name ? {displayName: claims.name} : {}),
  }
}
