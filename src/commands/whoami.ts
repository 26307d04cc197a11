import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../cli/flags/environment.js'
import {renderWhoami} from '../cli/render/auth.js'
import {whoami, type WhoamiResult} from '../core/auth/whoami.js'

export default class Whoami extends BaseCommand<WhoamiResult> {
  static override summary = 'Show who cc acts as in an environment, and how it signs in.'

  static override description = `Gets a token for the environment's Power Apps service (silently: from the token cache, environment variables, or the emulator's default) and shows whom it belongs to: user or service principal, tenant, object id, and where the credential came from. No token is ever printed.

Exit codes: 0 signed in, 4 not signed in or the sign-in expired (the message names the cc login to run), 1 other failures.`

  static override examples = [
    {description: 'Who am I in the emulator?', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Who am I in the environment "prod" of cc.yaml, as JSON', command: '<%= config.bin %> <%= command.id %> --env prod --json'},
  ]

  static override flags = {...environmentFlags}

  async run(): Promise<WhoamiResult> {
    const {flags} = await this.parse(Whoami)
    const result = await whoami(environmentRequest(flags), this.context())
    if (!this.jsonEnabled()) this.log(renderWhoami(result))
    return result
  }
}
