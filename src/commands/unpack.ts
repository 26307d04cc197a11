import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderUnpack} from '../cli/render/solution.js'
import {type UnpackResult, unpackSolution} from '../core/solution/unpack.js'

export default class Unpack extends BaseCommand<UnpackResult> {
  static override summary = 'Turn the connectors of a solution zip back into connector folders.'

  static override description = `Reads a Dataverse solution zip (exported from Power Apps, or written by \`cc package --kind solution\`) and writes one folder per custom connector: apiDefinition.swagger.json, apiProperties.json, icon.png and script.csx. A certification package is accepted too: its connector solution is unpacked.

The zip is checked before anything is written: entries that would land outside the target folder (zip slip), absolute paths, symbolic links, encrypted entries and oversized entries (zip bombs) are refused with an error naming the entry. Folder names come from the connectors' display names, never from paths inside the zip.

Values the solution turned into environment variables stay as @environmentVariables("…") references unless --resolve-env-vars puts each variable's default value back. Existing connector folders are only replaced with --force.`

  static override examples = [
    {description: 'Unpack into the current folder', command: '<%= config.bin %> <%= command.id %> ContosoPayments_1_0_0_0.zip'},
    {description: 'Unpack into connectors/, replacing folders that exist', command: '<%= config.bin %> <%= command.id %> ContosoPayments_1_0_0_0.zip --out connectors --force'},
    {description: 'Put the default values of environment variables back', command: '<%= config.bin %> <%= command.id %> ContosoPayments_1_0_0_0.zip --resolve-env-vars'},
    {description: 'Machine-readable result', command: '<%= config.bin %> <%= command.id %> ContosoPayments_1_0_0_0.zip --out connectors --json'},
  ]

  static override args = {
    zip: Args.string({description: 'Solution zip (or certification package) to unpack.', required: true}),
  }

  static override flags = {
    out: Flags.string({char: 'o', summary: 'Folder that receives one folder per connector.', default: '.'}),
    force: Flags.boolean({summary: 'Replace the connector files of folders that already exist.', default: false}),
    'resolve-env-vars': Flags.boolean({summary: 'Replace @environmentVariables("…") references by the default values the solution gives.', default: false}),
  }

  async run(): Promise<UnpackResult> {
    const {args, flags} = await this.parse(Unpack)
    const result = await unpackSolution({zip: args.zip, out: flags.out, force: flags.force, resolveEnvVars: flags['resolve-env-vars']}, this.context())
    if (!this.jsonEnabled()) this.log(renderUnpack(result))
    return result
  }
}
