import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags} from '../cli/flags/environment.js'
import {applyFlags, concurrencyFlag, identityFlags, importFlagOptions, skipIdentityFlag} from '../cli/flags/transfer.js'
import {askToApply, renderMigrate} from '../cli/render/transfer.js'
import type {CloudName} from '../core/environments/clouds.js'
import {migrateConnectors, type MigrateResult} from '../core/transfer/migrate.js'

export default class Migrate extends BaseCommand<MigrateResult> {
  static override summary = 'Move connectors from one environment to another: export, then import with the fix-ups.'

  static override description = `cc export from --from, then cc import into --to, in one go, with the same plan, confirmation and per-environment fix-ups (federated credentials for managed identity, redirect URIs, OAuth secrets, the target's cc.yaml parameters). See cc import --help.

The export folder is kept (default <config dir>/migrations/<from>--<to>, or --out): it holds the journals, so running the same migration again after an interruption carries on where it stopped, and a second run changes nothing. With --plan the export is refreshed locally and nothing changes in the target.

Exit codes: 0 done, 1 a connector failed or the plan found a problem, 2 bad flags or no --yes without a terminal, 4 not signed in.`

  static override examples = [
    {description: 'Everything from dev to test on the emulator, without asking', command: '<%= config.bin %> <%= command.id %> --from local:dev --to local:test --all --yes'},
    {description: 'See the plan first', command: '<%= config.bin %> <%= command.id %> --from dev --to prod --all --plan'},
    {description: 'One connector, its OAuth secret from a variable', command: '<%= config.bin %> <%= command.id %> --from test --to prod --connector "Contoso Payments" --yes --client-secret-env PROD_PAYMENTS_SECRET'},
  ]

  static override flags = {
    from: Flags.string({summary: 'The source environment (alias, id, display name or local[:NAME]).', required: true, helpValue: 'ENV'}),
    to: Flags.string({summary: 'The target environment.', required: true, helpValue: 'ENV'}),
    cloud: environmentFlags.cloud,
    tenant: environmentFlags.tenant,
    connector: Flags.string({summary: 'A connector to move (Power Apps name, Dataverse id, logical or display name; repeatable).', multiple: true, helpValue: 'ID|NAME'}),
    all: Flags.boolean({summary: 'Move every custom connector of the source.', default: false, exclusive: ['connector']}),
    out: Flags.string({summary: 'The export folder to use (default <config dir>/migrations/<from>--<to>).', helpValue: 'DIR'}),
    'source-target': Flags.option({options: ['rp', 'dataverse'] as const, summary: 'Read the source from rp or dataverse.'})(),
    target: Flags.option({options: ['rp', 'dataverse'] as const, summary: 'Write the target through rp or dataverse.'})(),
    solution: Flags.string({summary: 'Solution in the target for --target dataverse.', helpValue: 'NAME'}),
    ...applyFlags,
    ...concurrencyFlag,
    ...identityFlags,
    ...skipIdentityFlag,
  }

  async run(): Promise<MigrateResult> {
    const {flags} = await this.parse(Migrate)
    const result = await migrateConnectors(
      {
        from: flags.from,
        to: flags.to,
        ...(flags.cloud ? {cloud: flags.cloud as CloudName} : {}),
        ...(flags.tenant ? {tenant: flags.tenant} : {}),
        ...(flags.connector ? {connectors: flags.connector} : {}),
        all: flags.all,
        ...(flags.out ? {out: flags.out} : {}),
        ...(flags['source-target'] ? {sourceTarget: flags['source-target']} : {}),
        ...(flags.target ? {target: flags.target} : {}),
        ...(flags.solution ? {solution: flags.solution} : {}),
        confirm: askToApply,
        ...(await importFlagOptions(flags)),
      },
      this.context(),
    )
    if (result.export.counts.failed > 0 || result.import.counts.failed > 0) this.setExitCode(1)
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderMigrate(result)
      this.log(stdout)
      if (stderr) process.stderr.write(`${stderr}\n`)
    }
    return result
  }
}
