import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderPackage} from '../cli/render/package.js'
import {packageConnectors, packageKinds, type PackageResult} from '../core/package/index.js'

export default class Package extends BaseCommand<PackageResult> {
  static override summary = 'Build a zip of a connector to hand over, archive or import.'

  static override description = `--kind connector (the default) writes one zip per connector folder, in the layout of the PowerPlatformConnectors repository: apiDefinition.swagger.json, apiProperties.json, icon.png, script.csx and readme.md when present, at the root of the zip. A YAML API definition is written as JSON. Client secrets are stripped from apiProperties.json (connection parameters and parameter sets alike) and reported; they never go into a package. Other files of the folder (settings.json, notes) are left out.

The zip is deterministic: the same folder gives a byte-identical zip (fixed order, timestamps and permissions), so it can be checked in, hashed or compared. Files that are links to somewhere outside the connector folder, and settings.json entries that point outside it, are refused.

Before anything is written, the connectors are validated (the checks of \`cc validate\`, base profile, with cc.yaml's rule settings); an error stops packaging with exit code 3. --no-validate skips this.

Without a path, cc packages the current folder when it is a connector, else every connector in cc.yaml's connectors folder (or ./connectors). The zip goes to dist/<folder name>.zip unless --out says otherwise (a file for one connector, a folder for several).

--kind solution and --kind certification (Dataverse solution zip, certification package) are not available in this version yet.`

  static override examples = [
    {description: 'Package the connector in connectors/contoso into dist/contoso.zip', command: '<%= config.bin %> <%= command.id %> connectors/contoso'},
    {description: 'Choose the zip file', command: '<%= config.bin %> <%= command.id %> connectors/contoso --out build/contoso-1.2.zip'},
    {description: 'Every connector of the project, machine-readable result', command: '<%= config.bin %> <%= command.id %> --json'},
    {description: 'Package without the pre-flight validation', command: '<%= config.bin %> <%= command.id %> connectors/contoso --no-validate'},
  ]

  static override strict = false

  static override usage = '<%= command.id %> [PATH...] [--kind connector|solution|certification] [--out FILE] [--no-validate]'

  static override flags = {
    kind: Flags.option({options: packageKinds, summary: 'What to build: connector (zip of the connector files); solution and certification are not available yet.', default: 'connector' as const})(),
    out: Flags.string({char: 'o', summary: 'Zip file to write (one connector) or folder for the zips (several). Default: dist/<name>.zip.'}),
    validate: Flags.boolean({summary: 'Validate before packaging (--no-validate skips it).', default: true, allowNo: true}),
  }

  async run(): Promise<PackageResult> {
    const {argv, flags} = await this.parse(Package)
    const result = await packageConnectors(
      {kind: flags.kind, paths: argv as string[], ...(flags.out === undefined ? {} : {out: flags.out}), validate: flags.validate},
      this.context(),
    )
    if (!this.jsonEnabled()) {
      const {stdout, stderr} = renderPackage(result)
      if (stdout) this.log(stdout)
      if (stderr) process.stderr.write(stderr + '\n')
    }
    return result
  }
}
