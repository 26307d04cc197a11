import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../cli/flags/environment.js'
import {concurrencyFlag} from '../cli/flags/transfer.js'
import {renderExport} from '../cli/render/transfer.js'
import {exportConnectors, type ExportResult} from '../core/transfer/export.js'

export default class Export extends BaseCommand<ExportResult> {
  static override summary = 'Export connectors of an environment into folders, with a manifest, for cc import.'

  static override description = `Writes one connector folder per connector (apiDefinition.swagger.json, apiProperties.json, icon.png, script.csx) and manifest.json: the source environment, each connector's ids, the surfaces it is on (Power Apps, Dataverse), its solutions and auth kind, and, as information only, its redirect URL and managed identity in the source (every environment has its own; cc import reads the target's).

Secrets are never exported, and the per-connector redirect URL is reset to the generic one. Folders are replaced atomically. Running the same export again resumes it: connectors unchanged in the source since they were exported are not read again (a journal in the folder records what is done). With --all, connectors the source no longer has leave the export; with --connector, other connectors already in the folder stay.

Exit codes: 0 exported, 1 a connector failed (the others are exported) or the folder is in use, 2 bad flags, 4 not signed in.`

  static override examples = [
    {description: 'Every custom connector of the emulator environment "dev"', command: '<%= config.bin %> <%= command.id %> --env local:dev --all --out exports/dev'},
    {description: 'Two connectors, by display name and by id', command: '<%= config.bin %> <%= command.id %> --env dev --connector "Contoso Payments" --connector shared_contoso-5finventory-5f0123 --out exports/dev'},
    {description: 'Read from the Power Apps resource provider instead of Dataverse', command: '<%= config.bin %> <%= command.id %> --env dev --all --target rp --out exports/dev --json'},
  ]

  static override flags = {
    ...environmentFlags,
    connector: Flags.string({summary: 'A connector to export: Power Apps name, Dataverse id or logical name, or display name (repeatable).', multiple: true, helpValue: 'ID|NAME'}),
    all: Flags.boolean({summary: 'Export every custom connector of the environment.', default: false, exclusive: ['connector']}),
    out: Flags.string({summary: 'The export folder (created; an export of the same environment there is resumed).', required: true, helpValue: 'DIR'}),
    target: Flags.option({options: ['rp', 'dataverse'] as const, summary: 'Read from rp (Power Apps) or dataverse (default where the environment has it).'})(),
    ...concurrencyFlag,
  }

  async run(): Promise<ExportResult> {
    const {flags} = await this.parse(Export)
    const result = await exportConnectors(
      {
        ...environmentRequest(flags),
        ...(flags.connector ? {connectors: flags.connector} : {}),
        all: flags.all,
        out: flags.out,
        ...(flags.target ? {target: flags.target} : {}),
        concurrency: flags.concurrency,
      },
      this.context(),
    )
    if (result.counts.failed > 0) this.setExitCode(1)
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderExport(result)
      this.log(stdout)
      if (stderr) process.stderr.write(`${stderr}\n`)
    }
    return result
  }
}
