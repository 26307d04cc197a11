import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../../cli/flags/environment.js'
import {applyFlags, concurrencyFlag, identityOptions, pastedIdentityFlags, secretSourceFlags} from '../../cli/flags/transfer.js'
import {askToSync, renderSync} from '../../cli/render/identity.js'
import {syncIdentity, type SyncResult} from '../../core/identity/sync.js'

export default class IdentitySync extends BaseCommand<SyncResult> {
  static override summary = "Set up connectors' federated credentials, redirect URIs and OAuth secrets in an environment (the import fix-ups alone)."

  static override description = `For connectors already in the environment (pushed, imported in a solution, or to repair): adds each managed-identity connector's issuer and subject, as the platform shows them in this environment, as a federated identity credential on its client app; adds each connector's per-connector redirect URL to the app's web redirect URIs (existing ones kept); and puts OAuth client secrets back when given (--client-secret-env, --client-secret-stdin). The client app is the connector's client id, else parameters.clientId of the environment in cc.yaml.

Same rules as cc import: a credential with the same issuer and subject counts as done; names are the connector's plus an environment suffix; one Graph write per app at a time; a plan first, and nothing is written when an app is missing, Graph refuses (403), a name is taken or an app would pass the limit of 20 credentials (cc identity prune removes the stale ones cc created). --plan shows the plan; --yes skips the question a terminal gets.

Exit codes: 0 done, 1 a connector failed or the plan found a problem, 2 bad flags or no --yes without a terminal, 4 not signed in.`

  static override examples = [
    {description: 'What would be set up for every connector of prod', command: '<%= config.bin %> <%= command.id %> --env prod --plan'},
    {description: 'One connector, without asking', command: '<%= config.bin %> <%= command.id %> --env prod --connector "Azure Resource Manager" --yes'},
    {description: 'Managed-identity values pasted from the portal', command: '<%= config.bin %> <%= command.id %> --env prod --connector "Azure Resource Manager" --issuer https://login.microsoftonline.com/<tenant>/v2.0 --subject /eid1/c/pub/t/… --yes'},
    {description: 'Put an OAuth secret back after a solution import', command: '<%= config.bin %> <%= command.id %> --env test --connector "Contoso Payments" --client-secret-env PAYMENTS_SECRET --yes'},
  ]

  static override flags = {
    ...environmentFlags,
    connector: Flags.string({summary: 'Only this connector (Power Apps name, Dataverse id, logical or display name; repeatable).', multiple: true, helpValue: 'ID|NAME'}),
    ...applyFlags,
    ...concurrencyFlag,
    ...secretSourceFlags,
    ...pastedIdentityFlags,
  }

  async run(): Promise<SyncResult> {
    const {flags} = await this.parse(IdentitySync)
    const result = await syncIdentity(
      {
        ...environmentRequest(flags),
        ...(flags.connector ? {connectors: flags.connector} : {}),
        plan: flags.plan,
        yes: flags.yes,
        confirm: askToSync,
        concurrency: flags.concurrency,
        ...(await identityOptions(flags)),
      },
      this.context(),
    )
    if (result.counts.failed > 0) this.setExitCode(1)
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderSync(result)
      this.log(stdout)
      if (stderr) process.stderr.write(`${stderr}\n`)
    }
    return result
  }
}
