import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {renderEmulatorInfo} from '../../cli/render/emulator.js'
import type {EmulatorInfo} from '../../emulator/index.js'

export default class EmulatorInfoCommand extends BaseCommand<EmulatorInfo> {
  static override summary = "Show the emulator's URL, tenant, environments, apps and emulator-only credentials."

  static override description = `Tells whether an emulator runs for the data folder (or at CC_EMULATOR_URL) and prints what every fresh emulator is seeded with: the tenant, the environments dev, test and prod (with their names for --env and their Dataverse URLs), the users that device-code sign-in can use, the app registrations (including the one of the sample azure-resource-manager connector), and the emulator-only credentials of the CI service principal. Those credentials are public on purpose: they open nothing outside the emulator.

Exit codes: 0 always when the information could be gathered; 1 when CC_EMULATOR_URL names an emulator that does not answer.`

  static override examples = [
    {description: 'Everything, for people', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The CI client id and secret, for scripts', command: "<%= config.bin %> <%= command.id %> --json | jq '.result.credentials[0]'"},
    {description: 'An emulator started on another data folder', command: '<%= config.bin %> <%= command.id %> --data ./.emulator'},
  ]

  static override flags = {
    data: Flags.string({description: 'Data folder (default: <config dir>/emulator, or CC_EMULATOR_DATA).', helpValue: 'DIR'}),
  }

  async run(): Promise<EmulatorInfo> {
    const {flags} = await this.parse(EmulatorInfoCommand)
    const context = this.context()
    const {emulatorInfo, resolveDataDir} = await import('../../emulator/index.js')
    const info = await emulatorInfo({dataDir: resolveDataDir({data: flags.data, configDir: context.configDir, cwd: context.cwd, env: context.env}), env: context.env})
    if (!this.jsonEnabled()) this.log(renderEmulatorInfo(info))
    return info
  }
}
