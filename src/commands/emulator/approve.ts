import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {renderApprove} from '../../cli/render/emulator.js'
import type {ApproveResult} from '../../emulator/index.js'

export default class EmulatorApprove extends BaseCommand<ApproveResult> {
  static override summary = 'Approve (or decline) a device-code sign-in waiting in the emulator.'

  static override description = `Does what a person does on the device-login page: enters the code that a device-code sign-in printed and signs in as one of the emulator's users (by default avery@contoso.onmicrosoft.com). Useful with \`cc emulator start --device-code-delay manual\`; by default codes approve themselves after a second. The page itself is at <emulator url>/devicelogin.

Exit codes: 0 approved or declined; 1 no such code is waiting (wrong data folder, expired, already used) or the user is unknown; 2 bad arguments.`

  static override examples = [
    {description: 'Approve as the default user', command: '<%= config.bin %> <%= command.id %> FQK5HW3UF'},
    {description: 'Approve as the user without directory roles', command: '<%= config.bin %> <%= command.id %> FQK5HW3UF --user dana@contoso.onmicrosoft.com'},
    {description: 'Decline the sign-in', command: '<%= config.bin %> <%= command.id %> FQK5HW3UF --deny'},
  ]

  static override args = {
    code: Args.string({description: 'The user code the sign-in printed.', required: true}),
  }

  static override flags = {
    user: Flags.string({description: 'User principal name or object id to sign in as.', helpValue: 'UPN'}),
    deny: Flags.boolean({description: 'Decline the sign-in instead.', default: false}),
    data: Flags.string({description: 'Data folder (default: <config dir>/emulator, or CC_EMULATOR_DATA).', helpValue: 'DIR'}),
  }

  async run(): Promise<ApproveResult> {
    const {args, flags} = await this.parse(EmulatorApprove)
    const context = this.context()
    const {approveDeviceCode, resolveDataDir} = await import('../../emulator/index.js')
    const result = await approveDeviceCode({
      dataDir: resolveDataDir({data: flags.data, configDir: context.configDir, cwd: context.cwd, env: context.env}),
      userCode: args.code,
      deny: flags.deny,
      env: context.env,
      ...(flags.user === undefined ? {} : {user: flags.user}),
    })
    if (!this.jsonEnabled()) this.log(renderApprove(result))
    return result
  }
}
