import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest, promptSecret, readSecretFromStdin, secretFlags} from '../cli/flags/environment.js'
import {renderPush, renderSolutionImport} from '../cli/render/push.js'
import {isCcError, UsageError} from '../core/errors.js'
import {pushConnector, type PushOptions, type PushResult} from '../core/push/push.js'
import {importSolutions, type SolutionImportResult} from '../core/push/solution-import.js'

export default class Push extends BaseCommand<PushResult | SolutionImportResult> {
  static override summary = 'Create or update a connector in an environment (idempotent; Power Apps or Dataverse).'

  static override description = `Creates the connector in the environment, or updates it in place: a second push never makes a duplicate. The connector is found by the id remembered for that environment (cc.yaml, or a paconn settings.json of the same environment), else by its name; the ids are written back after a successful push.

Two surfaces: --target rp uses the Power Apps resource provider as paconn does (the service checks the definition, the icon and script go to blob storage); --target dataverse writes a row of the Dataverse connector table, in --solution (named with that solution's publisher prefix) and with the same deterministic connectorid in every environment. Default: dataverse when the environment has a Dataverse database, else rp.

Before sending, cc validates the folder (--no-validate skips it) and applies the environment's parameters from cc.yaml (host, base path, OAuth client id, resource, tenant, any value by JSON pointer). The OAuth client secret comes from --client-secret-env VAR or --client-secret-stdin; it is needed to create an OAuth connector and kept by the service afterwards. An update without script.csx keeps the connector's existing custom code unless --remove-script.

Prints what changed, the connector id, the per-connector OAuth redirect URL, the managed-identity issuer and subject when the connector uses one, and a maker portal link.

--solution-zip imports solution zips instead (the Dataverse ImportSolution action, as \`pac solution import\` does): connector solutions go before the flow solutions whose connection references use them, whatever the order given, and each connector is reported on both surfaces, its Dataverse row and the runtime connector Power Apps serves. Importing the same zip again updates the same rows: the connectorid travels in the zip.

Exit codes: 0 pushed, 3 validation errors (local or the service's check), 4 not signed in or the sign-in expired, 2 bad flags or a missing secret, 1 other failures (the service's request id is in the message).`

  static override examples = [
    {description: 'Push the connector in the current folder to the embedded emulator', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Push to the environment "test" of cc.yaml, OAuth secret from a variable', command: '<%= config.bin %> <%= command.id %> connectors/contoso --env test --client-secret-env CONTOSO_CLIENT_SECRET'},
    {description: 'Into a solution, through Dataverse', command: '<%= config.bin %> <%= command.id %> connectors/contoso --env dev --target dataverse --solution ContosoConnectors'},
    {description: 'Import solution zips (connectors first, then the flows that use them)', command: '<%= config.bin %> <%= command.id %> --solution-zip dist/ContosoFlows.zip --solution-zip dist/ContosoConnectors.zip --env test'},
    {description: 'The way paconn does it, and remove custom code the folder no longer has', command: '<%= config.bin %> <%= command.id %> connectors/contoso --env dev --target rp --remove-script'},
  ]

  static override args = {
    path: Args.string({description: 'Connector folder (default: the current folder).', required: false}),
  }

  static override flags = {
    ...environmentFlags,
    target: Flags.option({options: ['rp', 'dataverse'] as const, summary: 'rp (Power Apps resource provider, like paconn) or dataverse (the connector table, solution-aware).'})(),
    solution: Flags.string({summary: 'Unique name of the solution to put the connector in (--target dataverse).', helpValue: 'NAME'}),
    'connector-id': Flags.string({summary: 'Update this connector (Power Apps name shared_… or Dataverse connectorid) instead of looking it up.', helpValue: 'ID'}),
    ...secretFlags,
    'remove-script': Flags.boolean({summary: "On update, remove the connector's custom code when the folder has no script.csx.", default: false}),
    validate: Flags.boolean({summary: 'Validate first (base profile) and let the service check the definition.', default: true, allowNo: true}),
    'solution-zip': Flags.string({
      summary: 'Import this solution zip through Dataverse instead of pushing a folder (repeatable).',
      multiple: true,
      helpValue: 'FILE',
      exclusive: ['target', 'solution', 'connector-id', 'client-secret-env', 'client-secret-stdin', 'remove-script'],
    }),
    'convert-to-managed': Flags.boolean({summary: 'With --solution-zip: import unmanaged solutions as managed.', dependsOn: ['solution-zip']}),
  }

  async run(): Promise<PushResult | SolutionImportResult> {
    const {args, flags} = await this.parse(Push)
    const ctx = this.context()
    if (flags['solution-zip']) {
      if (args.path) throw new UsageError(`Give either a connector folder (${args.path}) or --solution-zip, not both.`, {code: 'USAGE', suggestions: ['cc push --solution-zip FILE --env ENV']})
      const result = await importSolutions({...environmentRequest(flags), files: flags['solution-zip'], convertToManaged: flags['convert-to-managed'] === true}, ctx)
      if (!this.jsonEnabled()) this.log(renderSolutionImport(result))
      return result
    }
    const options: PushOptions = {
      ...environmentRequest(flags),
      ...(args.path ? {path: args.path} : {}),
      ...(flags.target ? {target: flags.target} : {}),
      ...(flags.solution ? {solution: flags.solution} : {}),
      ...(flags['connector-id'] ? {connectorId: flags['connector-id']} : {}),
      ...(flags['client-secret-env'] ? {clientSecretEnv: flags['client-secret-env']} : {}),
      ...(flags['client-secret-stdin'] ? {clientSecret: await readSecretFromStdin()} : {}),
      removeScript: flags['remove-script'],
      validate: flags.validate,
    }
    let result: PushResult
    try {
      result = await pushConnector(options, ctx)
    } catch (error) {
      // At a terminal, ask for a missing OAuth secret instead of failing.
      if (!(isCcError(error) && error.code === 'OAUTH_SECRET_REQUIRED' && ctx.interactive && !this.jsonEnabled())) throw error
      const secret = await promptSecret(`${error.message}\nClient secret (not shown): `)
      result = await pushConnector({...options, clientSecret: secret}, ctx)
    }
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderPush(result)
      this.log(stdout)
      if (stderr) process.stderr.write(stderr + '\n')
    }
    return result
  }
}
