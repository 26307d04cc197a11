import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderScaffold} from '../cli/render/scaffold.js'
import {type ScaffoldResult, scaffoldConnector} from '../core/scaffold/scaffold.js'
import {authKinds} from '../core/scaffold/templates.js'

export default class Scaffold extends BaseCommand<ScaffoldResult> {
  static override summary = 'Create a connector folder from a template or from an OpenAPI file.'

  static override description = `Writes a new custom connector folder: apiDefinition.swagger.json, apiProperties.json, icon.png (230×230, in the brand colour), readme.md and, with --script, script.csx (a working Script : ScriptBase class and its scriptOperations entry). The templates are real connector files that pass \`cc validate\`, certification profile included; replace the sample API (Contoso items) with yours.

--auth picks the authentication: none, basic, apikey, oauth2 (any OAuth 2.0 provider) or aad (Microsoft Entra ID). --managed-identity (aad only) makes the connector sign in with a managed identity instead of a client secret. Client secrets never go into the files: \`cc push\` takes them from an environment variable or standard input.

--from starts from an existing OpenAPI file, 2.0 or 3.x, JSON or YAML. OpenAPI 3.x is converted to Swagger 2.0, the only version connectors accept, as far as the format allows; whatever cannot be converted (callbacks, links, cookie parameters, extra servers, oneOf and anyOf that do not reduce to one schema…) is listed with its JSON pointer and the reason, on stderr and in the --json result. Title, description and auth come from the file unless flags say otherwise.

The folder is ./<name>, or <connectors>/<name> when a cc.yaml above the current folder names a connectors folder; --out chooses another. A folder that exists and is not empty is replaced only with --force (on a terminal cc asks first); without a terminal it is never replaced without --force.`

  static override examples = [
    {description: 'A connector without authentication, in ./contoso-orders', command: '<%= config.bin %> <%= command.id %> contoso-orders'},
    {description: 'Microsoft Entra ID with a managed identity, and custom code', command: '<%= config.bin %> <%= command.id %> contoso-orders --auth aad --managed-identity --script'},
    {description: 'Start from an OpenAPI 3 file; auth is taken from it', command: '<%= config.bin %> <%= command.id %> petstore --from openapi.yaml --out connectors/petstore'},
    {description: 'Replace an existing folder, machine-readable result', command: '<%= config.bin %> <%= command.id %> contoso-orders --auth apikey --force --json'},
  ]

  static override args = {
    name: Args.string({description: 'Connector name: the folder name and, without --from, the source of the title.', required: true}),
  }

  static override flags = {
    auth: Flags.option({options: authKinds, summary: 'Authentication: none, basic, apikey, oauth2 or aad (Microsoft Entra ID). Default: what --from uses, else none.'})(),
    'managed-identity': Flags.boolean({summary: 'Entra ID with a managed identity instead of a client secret (aad only).', default: false}),
    script: Flags.boolean({summary: 'Add script.csx (custom code) and its scriptOperations entry.', default: false}),
    from: Flags.string({summary: 'OpenAPI 2.0 or 3.x file (JSON or YAML) to start from.'}),
    out: Flags.string({char: 'o', summary: 'Folder to create. Default: ./<name>, or <connectors>/<name> when cc.yaml names a connectors folder.'}),
    force: Flags.boolean({summary: 'Replace the connector files of a folder that is not empty.', default: false}),
  }

  async run(): Promise<ScaffoldResult> {
    const {args, flags} = await this.parse(Scaffold)
    const result = await scaffoldConnector(
      {
        name: args.name,
        ...(flags.auth ? {auth: flags.auth} : {}),
        managedIdentity: flags['managed-identity'],
        script: flags.script,
        ...(flags.from === undefined ? {} : {from: flags.from}),
        ...(flags.out === undefined ? {} : {out: flags.out}),
        force: flags.force,
        ...(this.jsonEnabled() ? {} : {confirmOverwrite: (dir: string) => this.confirm(`${dir} is not empty. Replace its connector files? [y/N] `)}),
      },
      this.context(),
    )
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderScaffold(result)
      this.log(stdout)
      if (stderr) process.stderr.write(stderr + '\n')
    }
    return result
  }

  private async confirm(question: string): Promise<boolean> {
    const {createInterface} = await import('node:readline/promises')
    const rl = createInterface({input: process.stdin, output: process.stderr})
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim())
    } finally {
      rl.close()
    }
  }
}
