import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../../cli/flags/environment.js'
import {applyFlags} from '../../cli/flags/transfer.js'
import {askToPrune, renderPrune} from '../../cli/render/identity.js'
import {pruneCredentials, type PruneResult} from '../../core/identity/prune.js'

export default class IdentityPrune extends BaseCommand<PruneResult> {
  static override summary = 'Remove the stale federated credentials cc created (connector deleted or re-created), and only those.'

  static override description = `Microsoft Graph allows 20 federated credentials per app. Every managed-identity connector in every environment uses one; when a connector is deleted, or re-created (which gives it a new managed identity), its credential stays behind. This removes exactly those: credentials whose description says cc wrote them, whose connector no longer exists in its environment or now has another issuer and subject. Credentials anyone else made, and those of environments the signed-in account cannot read, are never touched.

--app names the client apps (repeatable; default: the client apps of the custom connectors of --env). --env also says which cloud and tenant to sign in to. --plan lists what would go; --yes skips the question a terminal gets.

Exit codes: 0 done (or nothing stale), 1 an app is missing or Graph refused, 2 bad flags or no --yes without a terminal, 4 not signed in.`

  static override examples = [
    {description: 'See what is stale on one app', command: '<%= config.bin %> <%= command.id %> --app 5c0b6a1e-2f3d-4e8a-9b7c-0d1e2f3a4b5c --env prod --plan'},
    {description: 'Prune the apps of every connector in prod, without asking', command: '<%= config.bin %> <%= command.id %> --env prod --yes'},
  ]

  static override flags = {
    ...environmentFlags,
    app: Flags.string({summary: 'Application (client) id of a client app (repeatable).', multiple: true, helpValue: 'APP_ID'}),
    ...applyFlags,
  }

  async run(): Promise<PruneResult> {
    const {flags} = await this.parse(IdentityPrune)
    const result = await pruneCredentials({...environmentRequest(flags), ...(flags.app ? {apps: flags.app} : {}), plan: flags.plan, yes: flags.yes, confirm: askToPrune}, this.context())
    if (!this.jsonEnabled()) this.log(renderPrune(result))
    return result
  }
}
