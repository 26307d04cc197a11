import {BaseCommand} from '../../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../../cli/flags/environment.js'
import {renderEnvironmentList} from '../../cli/render/environments.js'
import {type EnvironmentListResult, listEnvironments} from '../../core/listing/listing.js'

export default class EnvList extends BaseCommand<EnvironmentListResult> {
  static override summary = 'List the environments you can reach, with their ids, Dataverse URLs and cc.yaml aliases.'

  static override description = `Lists the Power Platform environments of the cloud and tenant that --env points at (default: the embedded emulator): id (what --env and paconn take), display name, default flag, type, Dataverse URL, and the cc.yaml aliases that name each one.

Exit codes: 0 listed, 4 not signed in (the message names the cc login to run), 1 other failures.`

  static override examples = [
    {description: "The emulator's environments", command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The environments of the tenant that the cc.yaml alias "prod" belongs to', command: '<%= config.bin %> <%= command.id %> --env prod'},
    {description: 'Another cloud and tenant, as JSON', command: '<%= config.bin %> <%= command.id %> --env Default-72f988bf-86f1-41af-91ab-2d7cd011db47 --cloud usgov --json'},
  ]

  static override flags = {...environmentFlags}

  async run(): Promise<EnvironmentListResult> {
    const {flags} = await this.parse(EnvList)
    const result = await listEnvironments(environmentRequest(flags), this.context())
    if (!this.jsonEnabled()) this.log(renderEnvironmentList(result))
    return result
  }
}
