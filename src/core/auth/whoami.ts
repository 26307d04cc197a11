import type {CoreContext} from '../context.js'
import type {CloudName} from '../environments/clouds.js'
import {defaultScope} from '../environments/clouds.js'
import type {EnvironmentRequest} from '../environments/resolve.js'
import {withSession} from '../environments/session.js'
import type {LoginMethod} from './methods.js'
import {describeSignIn, type TokenSource} from './token-source.js'

export interface WhoamiResult {
  environment: {ref: string; alias?: string; cloud: CloudName; source: string}
  /** Where the credential comes from: a `cc login` profile, AZURE_* variables, or the emulator's default. */
  origin: TokenSource['origin']
  method: LoginMethod
  kind: 'user' | 'app'
  username?: string
  displayName?: string
  objectId?: string
  clientId?: string
  tenantId?: string
  /** Expiry of the current access token (renewed silently). */
  expiresOn: string
}

/** Who `cc` acts as in an environment: gets a token (silently) and reads who it belongs to. */
export async function whoami(options: EnvironmentRequest, ctx: CoreContext): Promise<WhoamiResult> {
  return withSession(options, ctx, async (session) => {
    const who = await describeSignIn(session.tokens, defaultScope(session.cloud.audiences.powerApps))
    const {choice} = session
    return {
      environment: {ref: choice.ref, ...(choice.alias ? {alias: choice.alias} : {}), cloud: session.cloud.name, source: choice.source},
      origin: session.tokens.origin,
      method: session.tokens.method,
      ...who,
    }
  })
}
