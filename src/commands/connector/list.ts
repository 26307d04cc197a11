import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../../cli/flags/environment.js'
import {renderConnectorList} from '../../cli/render/listing.js'
import {type ConnectorListResult, listConnectors} from '../../core/listing/listing.js'

export default class ConnectorList extends BaseCommand<ConnectorListResult> {
  static override summary = 'List the custom connectors of an environment (every page).'

  static override description = `Lists the custom connectors of an environment, following every page of the answer. --target rp (default) asks the Power Apps resource provider, which shows every custom connector (also those made through Dataverse or solutions) with the name paconn and cc pull take; --target dataverse lists the rows of the Dataverse connector table (solution-aware connectors) with their connectorid and logical name. Microsoft's own connectors are left out.

Exit codes: 0 listed, 4 not signed in, 1 other failures.`

  static override examples = [
    {description: 'Custom connectors in the emulator', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'In the environment "dev" of cc.yaml, as JSON', command: '<%= config.bin %> <%= command.id %> --env dev --json'},
    {description: 'Solution-aware connectors (Dataverse rows)', command: '<%= config.bin %> <%= command.id %> --env dev --target dataverse'},
  ]

  static override flags = {
    ...environmentFlags,
    target: Flags.option({options: ['rp', 'dataverse'] as const, summary: 'Where to list from: the Power Apps resource provider (rp) or the Dataverse connector table.', default: 'rp' as const})(),
  }

  async run(): Promise<ConnectorListResult> {
    const {flags} = await this.parse(ConnectorList)
    const result = await listConnectors({...environmentRequest(flags), target: flags.target}, this.context())
    if (!this.jsonEnabled()) this.log(renderConnectorList(result))
    return result
  }
}
