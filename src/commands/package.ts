import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderPackage} from '../cli/render/package.js'
import {renderCertificationPackage, renderSolutionPackage} from '../cli/render/solution.js'
import {type AnyPackageResult, packageConnectors, packageKinds} from '../core/package/index.js'
import {versionParts} from '../core/solution/options.js'

export default class Package extends BaseCommand<AnyPackageResult> {
  static override summary = 'Build a zip of a connector to hand over, archive or import.'

  static override description = `--kind connector (the default) writes one zip per connector folder, in the layout of the PowerPlatformConnectors repository: apiDefinition.swagger.json, apiProperties.json, icon.png, script.csx and readme.md when present, at the root of the zip. A YAML API definition is written as JSON. Client secrets are stripped from apiProperties.json (connection parameters and parameter sets alike) and reported; they never go into a package. Other files of the folder (settings.json, notes) are left out.

The zip is deterministic: the same folder gives a byte-identical zip (fixed order, timestamps and permissions), so it can be checked in, hashed or compared. Files that are links to somewhere outside the connector folder, and settings.json entries that point outside it, are refused.

Before anything is written, the connectors are validated (the checks of \`cc validate\`, base profile, with cc.yaml's rule settings); an error stops packaging with exit code 3. --no-validate skips this.

Without a path, cc packages the current folder when it is a connector, else every connector in cc.yaml's connectors folder (or ./connectors). The zip goes to dist/<folder name>.zip unless --out says otherwise (a file for one connector, a folder for several).

--kind solution puts all the connectors given into one Dataverse solution zip, laid out as real exports are: solution.xml (one type-372 root component per connector), customizations.xml, [Content_Types].xml and the Connector/ files (the bare connectionParameters, the API definition, policy templates, custom code, icon). Connector logical names are <publisher prefix>_<escaped display name>; the connectorid is a name-based UUID, so importing again updates the same row in every environment. The publisher prefix (--publisher-prefix or cc.yaml solution.publisher.prefix) is required: names can never change after import. --env-var turns host, base path, client id, client secret and other OAuth values into environment variables (type 380) so one zip serves every environment; a deployment settings file for pac solution import --settings-file is written beside the zip. The solution zip goes to dist/<Solution>_<version>.zip unless --out or cc.yaml solution.output says otherwise; defaults for every solution flag come from cc.yaml solution:.

--kind certification runs the certification profile of cc validate, then writes the package Microsoft's ConnectorPackageValidator expects: intro.md and a package zip whose PkgAssets folder holds the connector solution and the flow solution given with --flow-solution.

No secret ever enters a package. The same input gives the same bytes.`

  static override examples = [
    {description: 'Package the connector in connectors/contoso into dist/contoso.zip', command: '<%= config.bin %> <%= command.id %> connectors/contoso'},
    {description: 'Choose the zip file', command: '<%= config.bin %> <%= command.id %> connectors/contoso --out build/contoso-1.2.zip'},
    {description: 'Every connector of the project, machine-readable result', command: '<%= config.bin %> <%= command.id %> --json'},
    {description: 'Package without the pre-flight validation', command: '<%= config.bin %> <%= command.id %> connectors/contoso --no-validate'},
    {description: 'A Dataverse solution zip with two connectors', command: '<%= config.bin %> <%= command.id %> connectors/contoso connectors/fabrikam --kind solution --publisher-prefix contoso --solution-name ContosoConnectors'},
    {
      description: 'One zip for every environment: host and client id as environment variables, next revision',
      command: '<%= config.bin %> <%= command.id %> connectors/contoso --kind solution --publisher-prefix contoso --env-var host --env-var clientId --bump-version revision',
    },
    {description: 'The certification package, with the flow solution', command: '<%= config.bin %> <%= command.id %> connectors/contoso --kind certification --publisher-prefix contoso --flow-solution flows/ContosoFlows_1_0_0_0.zip'},
  ]

  static override strict = false

  static override usage = '<%= command.id %> [PATH...] [--kind connector|solution|certification] [--out FILE] [--no-validate] [solution flags]'

  static override flags = {
    kind: Flags.option({
      options: packageKinds,
      summary: 'What to build: connector (zip of the connector files), solution (Dataverse solution zip), certification (package for Partner Center).',
      default: 'connector' as const,
    })(),
    out: Flags.string({char: 'o', summary: 'Zip file to write (one connector) or folder for the zips (several). Default: dist/<name>.zip.'}),
    validate: Flags.boolean({summary: 'Validate before packaging (--no-validate skips it).', default: true, allowNo: true}),
    'solution-name': Flags.string({summary: 'Solution unique name (letters, digits, _). Default: cc.yaml, else from the connector title.', helpGroup: 'SOLUTION'}),
    'solution-version': Flags.string({summary: 'Solution version, major.minor.build.revision. Default: cc.yaml, else 1.0.0.0.', helpGroup: 'SOLUTION'}),
    'bump-version': Flags.option({options: versionParts, summary: 'Increment this part of the version (written back to cc.yaml when it came from there).', helpGroup: 'SOLUTION'})(),
    'publisher-name': Flags.string({summary: 'Publisher unique name. Default: cc.yaml, else the prefix.', helpGroup: 'SOLUTION'}),
    'publisher-prefix': Flags.string({summary: 'Publisher customization prefix, 2 to 8 letters or digits (required, or cc.yaml solution.publisher.prefix).', helpGroup: 'SOLUTION'}),
    managed: Flags.boolean({summary: 'Mark the solution managed.', helpGroup: 'SOLUTION'}),
    'env-var': Flags.string({
      summary: 'Make a connector value an environment variable: [connector:]target[=schemaName]; targets host, basePath, clientId, clientSecret, resourceUri, tenantId, loginUri, authorizationUrl, tokenUrl, refreshUrl.',
      multiple: true,
      // One value per --env-var, so that connector paths after it stay paths.
      multipleNonGreedy: true,
      helpGroup: 'SOLUTION',
    }),
    'flow-solution': Flags.string({summary: 'Flow solution zip to put beside the connector solution (--kind certification).', helpGroup: 'SOLUTION'}),
    intro: Flags.string({summary: 'intro.md for the certification package. Default: the connector readme, else a generated outline.', helpGroup: 'SOLUTION'}),
  }

  async run(): Promise<AnyPackageResult> {
    const {argv, flags} = await this.parse(Package)
    const solution = {
      solutionName: flags['solution-name'],
      solutionVersion: flags['solution-version'],
      bumpVersion: flags['bump-version'],
      publisherName: flags['publisher-name'],
      publisherPrefix: flags['publisher-prefix'],
      managed: flags.managed,
      envVars: flags['env-var'],
      flowSolution: flags['flow-solution'],
      intro: flags.intro,
    }
    const given = Object.fromEntries(Object.entries(solution).filter(([, value]) => value !== undefined))
    const result = await packageConnectors(
      {kind: flags.kind, paths: argv as string[], ...(flags.out === undefined ? {} : {out: flags.out}), validate: flags.validate, ...given},
      this.context(),
    )
    if (!this.jsonEnabled()) {
      const {stdout, stderr} =
        result.kind === 'solution' ? renderSolutionPackage(result) : result.kind === 'certification' ? renderCertificationPackage(result) : renderPackage(result)
      if (stdout) this.log(stdout)
      if (stderr) process.stderr.write(stderr + '\n')
    }
    return result
  }
}
