import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {renderReset} from '../../cli/render/emulator.js'
import type {ResetResult} from '../../emulator/index.js'

export default class EmulatorReset extends BaseCommand<ResetResult> {
  static override summary = "Empty the emulator's state: connectors, solutions, apps, credentials, tokens and blobs."

  static override description = `Brings the emulator back to its seeded state. When an emulator runs on the data folder (or at CC_EMULATOR_URL) it is reset in place and reseeds at once; otherwise the emulator's files are removed from the folder and the next start seeds it afresh. Tokens issued before the reset stop working (the signing key is new). Only the emulator's own files are touched.

Exit codes: 0 reset, 1 the running emulator refused or the folder could not be emptied.`

  static override examples = [
    {description: 'Reset the default emulator', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Reset a data folder used by tests', command: '<%= config.bin %> <%= command.id %> --data ./.emulator'},
  ]

  static override flags = {
    data: Flags.string({description: 'Data folder (default: <config dir>/emulator, or CC_EMULATOR_DATA).', helpValue: 'DIR'}),
  }

  async run(): Promise<ResetResult> {
    const {flags} = await this.parse(EmulatorReset)
    const context = this.context()
    const {resetEmulator, resolveDataDir} = await import('../../emulator/index.js')
    const result = await resetEmulator({dataDir: resolveDataDir({data: flags.data, configDir: context.configDir, cwd: context.cwd, env: context.env}), env: context.env})
    if (!this.jsonEnabled()) this.log(renderReset(result))
    return result
  }
}
