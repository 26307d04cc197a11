import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../cli/flags/environment.js'
import {renderPull, renderSolutionExport} from '../cli/render/pull.js'
import {pullConnector, type PullResult} from '../core/pull/pull.js'
import {exportSolution, type SolutionExportResult} from '../core/pull/solution-export.js'

export default class Pull extends BaseCommand<PullResult | SolutionExportResult> {
  static override summary = 'Download a connector from an environment into a folder (paconn download, both surfaces).'

  static override description = `Writes the connector's files into a folder: apiProperties.json (paconn's key order), the original apiDefinition.swagger.json, icon.png, script.csx and a paconn-compatible settings.json. All files are written at once. Files that already exist and differ are local changes: nothing is written unless --force. OAuth client secrets are never returned by the platform, so none is written.

--connector takes the Power Apps name (shared_…, what cc connector list shows), a Dataverse connectorid, or the display name. --target dataverse reads the Dataverse connector table instead of the Power Apps resource provider (the default for a connectorid).

--solution exports a whole solution instead (the Dataverse ExportSolution action, as \`pac solution export\` does) into a zip, named as the portal names it unless --out says otherwise; --unpack DIR also turns its connectors into connector folders, as \`cc unpack\` does. An existing zip that differs is replaced only with --force.

Exit codes: 0 pulled, 4 not signed in, 1 not found, local changes (without --force) or other failures.`

  static override examples = [
    {description: 'Pull a connector of the emulator by name into ./contoso-payments-api', command: '<%= config.bin %> <%= command.id %> --connector "Contoso Payments API"'},
    {description: 'Pull by id from "dev" into a folder, replacing local changes', command: '<%= config.bin %> <%= command.id %> --env dev --connector shared_contoso-20payments-20api-5f0027f520b23e81c1-5f9888a90360086012 --out connectors/contoso --force'},
    {description: 'Export a solution and unpack its connectors', command: '<%= config.bin %> <%= command.id %> --env dev --solution ContosoConnectors --out dist/ContosoConnectors.zip --unpack connectors'},
    {description: 'From the Dataverse connector table', command: '<%= config.bin %> <%= command.id %> --env dev --connector 6f1c2d3e-4a5b-5c6d-8e7f-9a0b1c2d3e4f --target dataverse'},
  ]

  static override flags = {
    ...environmentFlags,
    connector: Flags.string({char: 'c', summary: 'The connector: Power Apps name, Dataverse connectorid, or display name.', helpValue: 'ID|NAME', exactlyOne: ['connector', 'solution']}),
    solution: Flags.string({summary: 'Export this solution (unique name) as a zip instead of pulling one connector.', helpValue: 'NAME', exactlyOne: ['connector', 'solution']}),
    out: Flags.string({char: 'o', summary: 'Destination folder (default: ./<connector name>); with --solution, the zip file.', helpValue: 'DIR|FILE'}),
    force: Flags.boolean({summary: 'Overwrite local files that differ.', default: false}),
    target: Flags.option({options: ['rp', 'dataverse'] as const, summary: 'Read from the Power Apps resource provider (rp, default) or the Dataverse connector table.', exclusive: ['solution']})(),
    managed: Flags.boolean({summary: 'With --solution: export as managed.', dependsOn: ['solution']}),
    unpack: Flags.string({summary: "With --solution: also write the solution's connectors as connector folders into DIR.", helpValue: 'DIR', dependsOn: ['solution']}),
  }

  async run(): Promise<PullResult | SolutionExportResult> {
    const {flags} = await this.parse(Pull)
    if (flags.solution) {
      const exported = await exportSolution(
        {...environmentRequest(flags), solution: flags.solution, managed: flags.managed === true, force: flags.force, ...(flags.out ? {out: flags.out} : {}), ...(flags.unpack ? {unpack: flags.unpack} : {})},
        this.context(),
      )
      if (!this.jsonEnabled()) this.log(renderSolutionExport(exported))
      return exported
    }
    const result = await pullConnector(
      {...environmentRequest(flags), connector: flags.connector!, ...(flags.out ? {out: flags.out} : {}), force: flags.force, ...(flags.target ? {target: flags.target} : {})},
      this.context(),
    )
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderPull(result)
      this.log(stdout)
      if (stderr) process.stderr.write(stderr + '\n')
    }
    return result
  }
}
