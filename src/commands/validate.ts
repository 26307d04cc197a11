import {Flags} from '@oclif/core'

import {BaseCommand, writeJsonToStdout} from '../cli/base-command.js'
import {renderValidation} from '../cli/render/validate.js'
import {ExitCode} from '../core/exit-codes.js'
import {validateConnectors, type ValidationResult} from '../core/validate/validate.js'

export default class Validate extends BaseCommand<ValidationResult> {
  static override summary = 'Check connector folders offline: every file, every rule, exact positions.'

  static override description = `Validates custom connector folders without signing in: apiDefinition.swagger.json (strict JSON, Swagger 2.0, Microsoft's x-ms-* extensions, operations, parameters, schemas, references, security, dynamic values, triggers and webhooks, limits), apiProperties.json (connection parameters, OAuth settings, parameter sets, policy templates, brand colour), script.csx and icon.png, and how they fit together.

Every finding has a rule id, Microsoft's code where one exists, a severity, the file with line:column and JSON pointer, a message and a fix hint. The base profile (default) applies what the service enforces when a connector is created or updated; --profile certification adds the certification content rules (title, descriptions, contact, x-ms-connector-metadata, publisher, brand colour, icon, readme).

Paths may be connector folders, files inside one, or folders holding many (searched recursively). Without a path: the current folder when it is a connector, else the connectors folder named in cc.yaml, else ./connectors. Rules are turned off or re-levelled in cc.yaml (validation.rules, and validation.overrides for some connector folders).

Exit codes: 0 no errors, 3 errors found (or more warnings than --max-warnings), 2 bad arguments or paths, 1 other failures.`

  static override examples = [
    {description: 'Validate the connector in the current folder (or every connector under connectors/)', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Validate two connectors with the certification rules', command: '<%= config.bin %> <%= command.id %> connectors/contoso connectors/fabrikam --profile certification'},
    {description: 'Fail a pull request on any warning, with GitHub annotations', command: '<%= config.bin %> <%= command.id %> connectors --max-warnings 0 --format github'},
    {description: 'SARIF for GitHub code scanning', command: '<%= config.bin %> <%= command.id %> connectors --format sarif > cc.sarif'},
    {description: 'Machine-readable result in the standard envelope', command: '<%= config.bin %> <%= command.id %> connectors/contoso --json'},
  ]

  static override strict = false

  static override args = {}

  static override flags = {
    profile: Flags.option({options: ['base', 'certification'] as const, summary: 'Rule profile: base (what the service enforces) or certification (adds the certification content rules).'})(),
    format: Flags.option({options: ['stylish', 'json', 'sarif', 'github'] as const, summary: 'Output format.', default: 'stylish' as const})(),
    'max-warnings': Flags.integer({min: 0, summary: 'Exit with 3 when there are more warnings than this.'}),
    quiet: Flags.boolean({summary: 'Report errors only (stylish, github and sarif formats).', default: false}),
    'code-frame': Flags.boolean({summary: 'Show the source lines around each error and warning (stylish format).', default: true, allowNo: true}),
  }

  static override usage = '<%= command.id %> [PATH...] [--profile base|certification] [--format stylish|json|sarif|github] [--max-warnings N]'

  async run(): Promise<ValidationResult> {
    const {argv, flags} = await this.parse(Validate)
    const ctx = this.context()
    const result = await validateConnectors(
      {paths: argv as string[], ...(flags.profile ? {profile: flags.profile} : {}), ...(flags['max-warnings'] === undefined ? {} : {maxWarnings: flags['max-warnings']})},
      ctx,
    )
    if (!result.summary.passed) this.setExitCode(ExitCode.findings)
    if (this.jsonEnabled()) return result
    const output = renderValidation(result, {
      format: flags.format,
      quiet: flags.quiet,
      codeFrame: flags['code-frame'],
      cwd: ctx.cwd,
      toolVersion: this.config.version,
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    })
    if (output.json !== undefined) writeJsonToStdout(output.json)
    else if (output.stdout) process.stdout.write(output.stdout)
    if (output.stderr) process.stderr.write(output.stderr)
    return result
  }
}

