import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../cli/flags/environment.js'
import {renderLogout} from '../cli/render/auth.js'
import {logout, type LogoutResult} from '../core/auth/logout.js'

export default class Logout extends BaseCommand<LogoutResult> {
  static override summary = 'Forget the sign-in of an environment (or all of them) and its cached tokens.'

  static override description = `Removes the remembered sign-in for the cloud and tenant of an environment and deletes its tokens from the token cache. With --all, every sign-in and the whole cache are removed. Nothing is revoked at Microsoft (as with az logout); works offline.

Exit codes: 0 done, 2 bad flags, 1 other failures.`

  static override examples = [
    {description: 'Sign out of the environment "dev" of cc.yaml', command: '<%= config.bin %> <%= command.id %> --env dev'},
    {description: 'Forget everything', command: '<%= config.bin %> <%= command.id %> --all'},
  ]

  static override flags = {
    ...environmentFlags,
    all: Flags.boolean({summary: 'Forget every sign-in and empty the token cache.', default: false}),
  }

  async run(): Promise<LogoutResult> {
    const {flags} = await this.parse(Logout)
    const result = await logout({...environmentRequest(flags), all: flags.all}, this.context())
    if (!this.jsonEnabled()) this.log(renderLogout(result))
    return result
  }
}
