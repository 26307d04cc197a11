import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../cli/base-command.js'
import {environmentFlags, environmentRequest} from '../../../cli/flags/environment.js'
import {renderEntraApp} from '../../../cli/render/entra.js'
import {createEntraApp, type EntraAppResult} from '../../../core/identity/entra-app.js'

export default class EntraAppCreate extends BaseCommand<EntraAppResult> {
  static override summary = "Register the Entra ID app a connector signs in with: permission, secret or managed identity, client id in the connector."

  static override description = `Does the portal steps of Microsoft's custom connector tutorial for a connector with Entra ID OAuth: registers a single-tenant application (web), adds the delegated permission its resource needs (for the Azure Resource Manager sample: Azure Service Management user_impersonation), creates its service principal, and writes the application (client) id into the connector's apiProperties.json (its layout kept).

A connector that takes a client secret gets one (valid --secret-days, default 180): it is printed once, here, and stored nowhere (not in files, not in --json output: under --json none is created, unless --push hands it straight to the connector). A connector that uses managed identity gets no secret; its tenant id is set to the real tenant.

Then push the connector and run cc identity sync to add its redirect URL and federated credential to the app; or pass --push to do both now.

Exit codes: 0 registered, 1 the connector already names an existing app (--force) or a service error, 2 the connector has no Entra ID OAuth setting or bad flags, 4 not signed in.`

  static override examples = [
    {description: 'The Azure Resource Manager sample on the emulator, pushed and set up in one go', command: '<%= config.bin %> <%= command.id %> --connector connectors/azure-resource-manager --env local:dev --force --push'},
    {description: 'A new connector of the aad template; then push with the secret shown', command: '<%= config.bin %> <%= command.id %> --connector connectors/contoso --env dev'},
    {description: 'Name the app, no secret', command: '<%= config.bin %> <%= command.id %> --connector connectors/contoso --env dev --name "Contoso API (connector)" --no-secret'},
  ]

  static override flags = {
    ...environmentFlags,
    connector: Flags.string({summary: 'The connector folder.', required: true, helpValue: 'PATH'}),
    name: Flags.string({summary: 'Display name of the app (default: "<connector title> (custom connector)").', helpValue: 'NAME'}),
    secret: Flags.boolean({summary: 'Create a client secret when the connector takes one.', default: true, allowNo: true}),
    'secret-days': Flags.integer({summary: 'How long the client secret is valid, in days.', default: 180, min: 1, max: 730, helpValue: 'DAYS'}),
    force: Flags.boolean({summary: 'Register a new app even though the connector names one that exists.', default: false}),
    push: Flags.boolean({summary: 'Push the connector afterwards and add its redirect URL and federated credential to the app.', default: false}),
  }

  async run(): Promise<EntraAppResult> {
    const {flags} = await this.parse(EntraAppCreate)
    const json = this.jsonEnabled()
    const result = await createEntraApp(
      {
        ...environmentRequest(flags),
        path: flags.connector,
        ...(flags.name ? {name: flags.name} : {}),
        secret: flags.secret,
        secretDays: flags['secret-days'],
        force: flags.force,
        push: flags.push,
        // The secret is shown once, here, and never in --json output.
        ...(json ? {} : {onSecret: (secret: string) => this.log(`Client secret (shown once, stored nowhere; keep it now): ${secret}`)}),
      },
      this.context(),
    )
    if (!json) {
      const {stdout, stderr} = renderEntraApp(result)
      this.log(stdout)
      if (stderr) process.stderr.write(`${stderr}\n`)
    }
    return result
  }
}
