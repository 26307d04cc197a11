import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../cli/flags/environment.js'
import {applyFlags, concurrencyFlag, identityFlags, importFlagOptions, skipIdentityFlag} from '../cli/flags/transfer.js'
import {askToApply, renderImport} from '../cli/render/transfer.js'
import {importConnectors, type ImportResult} from '../core/transfer/import.js'

export default class Import extends BaseCommand<ImportResult> {
  static override summary = 'Import exported connectors into an environment, with its credentials, redirect URIs, secrets and parameters.'

  static override description = `Creates or updates each connector of an export folder in the environment, exactly as cc push would (found again by the id remembered, the deterministic Dataverse id, the logical or display name: never a duplicate), with the environment's parameters from cc.yaml (host, base path, client id, resource…) instead of the source's. Then the per-environment fix-ups:

- managed identity: the connector's issuer and subject in this environment are read from the platform after the import and added as a federated identity credential to its client app (Microsoft Graph; named after the connector plus an environment suffix; one write per app at a time). A credential with the same issuer and subject counts as done.
- OAuth redirect URL: the connector's per-connector redirect URL is added to the client app's web redirect URIs (existing ones are kept).
- OAuth client secrets (never exported): from --client-secret-env VAR (every connector) or FOLDER=VAR (one), or --client-secret-stdin. A connector that needs one cannot be created without it; the summary lists them.

First a plan is made, reading only; problems that would do damage stop the import before any write: two connectors with one name, a client app that does not exist or that Graph will not let you change (403), a credential name someone else uses, an app that would pass Graph's limit of 20 credentials (the message names the stale credentials cc created, which cc identity prune removes). --plan prints the plan and changes nothing. At a terminal cc asks before it changes anything; without one, pass --yes.

Connectors are imported --concurrency at a time; 429 and 5xx answers are retried (Retry-After). A journal in the export folder lets an interrupted import resume without duplicates: run the same command again.

Exit codes: 0 done (or nothing to do), 1 a connector failed (the summary says why) or the plan found a problem, 2 bad flags or no --yes without a terminal, 4 not signed in.`

  static override examples = [
    {description: 'See what importing into test would change', command: '<%= config.bin %> <%= command.id %> exports/dev --env test --plan'},
    {description: 'Import into test without asking, OAuth secret from a variable', command: '<%= config.bin %> <%= command.id %> exports/dev --env test --yes --client-secret-env TEST_OAUTH_SECRET'},
    {description: 'One secret per connector', command: '<%= config.bin %> <%= command.id %> exports/dev --env prod --yes --client-secret-env contoso-payments=PAYMENTS_SECRET --client-secret-env contoso-crm=CRM_SECRET'},
    {description: 'Managed-identity values pasted from the portal', command: '<%= config.bin %> <%= command.id %> exports/dev --env prod --connector azure-resource-manager --issuer https://login.microsoftonline.com/<tenant>/v2.0 --subject /eid1/c/pub/t/…'},
  ]

  static override args = {
    dir: Args.string({description: 'The export folder (written by cc export).', required: true}),
  }

  static override flags = {
    ...environmentFlags,
    connector: Flags.string({summary: 'Only this connector of the export: its folder or display name (repeatable).', multiple: true, helpValue: 'FOLDER|NAME'}),
    target: Flags.option({options: ['rp', 'dataverse'] as const, summary: 'rp (Power Apps) or dataverse (default where the environment has it).'})(),
    solution: Flags.string({summary: "Solution for --target dataverse (default: the environment's, else the connector's source solution when the target has it).", helpValue: 'NAME'}),
    ...applyFlags,
    ...concurrencyFlag,
    ...identityFlags,
    ...skipIdentityFlag,
  }

  async run(): Promise<ImportResult> {
    const {args, flags} = await this.parse(Import)
    const result = await importConnectors(
      {
        ...environmentRequest(flags),
        dir: args.dir,
        ...(flags.connector ? {connectors: flags.connector} : {}),
        ...(flags.target ? {target: flags.target} : {}),
        ...(flags.solution ? {solution: flags.solution} : {}),
        confirm: askToApply,
        ...(await importFlagOptions(flags)),
      },
      this.context(),
    )
    if (result.counts.failed > 0) this.setExitCode(1)
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderImport(result)
      this.log(stdout)
      if (stderr) process.stderr.write(`${stderr}\n`)
    }
    return result
  }
}
