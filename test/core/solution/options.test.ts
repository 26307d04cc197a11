import {load} from 'js-yaml'
import {describe, expect, it} from 'vitest'

import {CcError, UsageError} from '../../../src/core/errors.js'
import type {ProjectFile} from '../../../src/core/project/project-file.js'
import {ccSchemaValidator} from '../../helpers/cc-schema.js'
import {
  bumpVersion,
  optionValuePrefixFor,
  parseEnvVarSpec,
  parseSolutionVersion,
  readSolutionConfig,
  replaceProjectVersion,
  resolveSolution,
} from '../../../src/core/solution/options.js'

function project(text: string, data: Record<string, unknown>): ProjectFile {
  return {path: '/work/app/cc.yaml', dir: '/work/app', text, data}
}

function thrown(fn: () => unknown): CcError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CcError)
    return error as CcError
  }
  throw new Error('expected an error')
}

describe('solution versions', () => {
  it('accepts four parts and fills up shorter ones', () => {
    expect(parseSolutionVersion('1.2.3.4')).toBe('1.2.3.4')
    expect(parseSolutionVersion('1.2')).toBe('1.2.0.0')
    expect(parseSolutionVersion('01.002.0.7')).toBe('1.2.0.7')
  })

  it('refuses other shapes with the fix', () => {
    for (const bad of ['1', '1.2.3.4.5', 'v1.0.0.0', '1.0.0.x', '']) {
      const error = thrown(() => parseSolutionVersion(bad))
      expect(error).toBeInstanceOf(UsageError)
      expect(error.code).toBe('SOLUTION_VERSION_INVALID')
      expect(error.suggestions).toEqual(['--solution-version 1.0.0.0'])
    }
    const fromFile = thrown(() => parseSolutionVersion('one', {file: '/p/cc.yaml', text: 'solution:\n  version: one\n'}))
    expect(fromFile.exitCode).toBe(1)
    expect(fromFile.location).toBe('/p/cc.yaml:2:1')
  })

  it('bumps one part and zeroes the ones after it', () => {
    expect(bumpVersion('1.2.3.4', 'revision')).toBe('1.2.3.5')
    expect(bumpVersion('1.2.3.4', 'build')).toBe('1.2.4.0')
    expect(bumpVersion('1.2.3.4', 'minor')).toBe('1.3.0.0')
    expect(bumpVersion('1.2.3.4', 'major')).toBe('2.0.0.0')
  })

  it('rewrites solution.version in cc.yaml keeping comments, quoting and other keys', async () => {
    const text = '# project\nconnectors: connectors\nsolution:\n  name: Contoso # the unique name\n  version: 1.0.0.3   # bumped by cc\n  publisher:\n    version: not-this-one\n'
    // eemeli/yaml keeps the comment; it writes it one space after the value.
    expect(await replaceProjectVersion(text, '1.0.0.4')).toBe(text.replace('1.0.0.3   #', '1.0.0.4 #'))
    expect(await replaceProjectVersion('solution:\n  version: "2.0.0.0"\n', '2.0.0.1')).toBe('solution:\n  version: "2.0.0.1"\n')
    expect(await replaceProjectVersion('solution: {name: X, version: 1.0.0.0}\n', '1.0.0.1')).toBe('solution: { name: X, version: 1.0.0.1 }\n')
    expect(await replaceProjectVersion('solution:\n  name: X\n', '1.0.0.1')).toBeUndefined()
    expect(await replaceProjectVersion('solution: [\n', '1.0.0.1')).toBeUndefined()
  })
})

describe('--env-var specs', () => {
  it('parses [connector:]target[=schemaName]', () => {
    expect(parseEnvVarSpec('host')).toEqual({target: 'host'})
    expect(parseEnvVarSpec('clientid=contoso_ClientId')).toEqual({target: 'clientId', schemaName: 'contoso_ClientId'})
    expect(parseEnvVarSpec('Pet Store:baseUrl')).toEqual({target: 'basePath', connector: 'Pet Store'})
  })

  it('refuses unknown targets and lists the known ones', () => {
    const error = thrown(() => parseEnvVarSpec('password'))
    expect(error.code).toBe('ENV_VAR_INVALID')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain('host, basePath, clientId, clientSecret')
  })
})

describe('resolveSolution', () => {
  it('requires a publisher prefix and explains why', () => {
    const error = thrown(() => resolveSolution({flags: {}, config: {}, connectorTitles: ['Pet Store']}))
    expect(error.code).toBe('PUBLISHER_PREFIX_REQUIRED')
    expect(error.exitCode).toBe(2)
    expect(error.suggestions[0]).toContain('--publisher-prefix')
  })

  it('validates the prefix: 2 to 8 letters or digits, starting with a letter, not mscrm', () => {
    for (const bad of ['c', 'contosoltd', '1abc', 'ab_c', 'mscrmx']) {
      const error = thrown(() => resolveSolution({flags: {publisherPrefix: bad}, config: {}, connectorTitles: ['X']}))
      expect(error.code).toBe('PUBLISHER_PREFIX_INVALID')
    }
    for (const good of ['cr', 'Contoso', 'ab12cd34']) {
      expect(resolveSolution({flags: {publisherPrefix: good}, config: {}, connectorTitles: ['X']}).spec.publisher.prefix).toBe(good.toLowerCase())
    }
  })

  it('derives names and a deterministic option value prefix from a single connector', () => {
    const resolved = resolveSolution({flags: {publisherPrefix: 'contoso'}, config: {}, connectorTitles: ['Pet store (v2)']})
    expect(resolved.spec).toEqual({
      uniqueName: 'PetStoreV2',
      displayName: 'PetStoreV2',
      version: '1.0.0.0',
      managed: false,
      publisher: {uniqueName: 'contoso', displayName: 'contoso', prefix: 'contoso', optionValuePrefix: optionValuePrefixFor('contoso')},
    })
    expect(resolved.versionSource).toBe('default')
    expect(optionValuePrefixFor('contoso')).toBeGreaterThanOrEqual(10_000)
    expect(optionValuePrefixFor('contoso')).toBeLessThan(100_000)
    expect(resolveSolution({flags: {publisherPrefix: 'ab'}, config: {}, connectorTitles: ['A', 'B']}).spec.uniqueName).toBe('AbConnectors')
  })

  it('takes cc.yaml values, lets flags win, and bumps the version', () => {
    const text = 'solution:\n  name: ContosoConnectors\n  displayName: Contoso connectors\n  version: 2.1.0.0\n  managed: true\n  publisher:\n    name: ContosoLtd\n    displayName: Contoso Ltd\n    prefix: contoso\n    optionValuePrefix: 12345\n  environmentVariables:\n    - host\n    - {target: clientId, schemaName: contoso_ClientId, connector: petstore}\n'
    const data = {
      solution: {
        name: 'ContosoConnectors',
        displayName: 'Contoso connectors',
        version: '2.1.0.0',
        managed: true,
        publisher: {name: 'ContosoLtd', displayName: 'Contoso Ltd', prefix: 'contoso', optionValuePrefix: 12345},
        environmentVariables: ['host', {target: 'clientId', schemaName: 'contoso_ClientId', connector: 'petstore'}],
      },
    }
    const p = project(text, data)
    const config = readSolutionConfig(p)
    const fromYaml = resolveSolution({flags: {bumpVersion: 'build'}, config, project: p, connectorTitles: ['X']})
    expect(fromYaml.spec).toMatchObject({uniqueName: 'ContosoConnectors', displayName: 'Contoso connectors', version: '2.1.1.0', managed: true})
    expect(fromYaml.spec.publisher).toEqual({uniqueName: 'ContosoLtd', displayName: 'Contoso Ltd', prefix: 'contoso', optionValuePrefix: 12345})
    expect(fromYaml.versionSource).toBe('project')
    expect(fromYaml.bumpedFrom).toBe('2.1.0.0')
    expect(fromYaml.envVars).toEqual([{target: 'host'}, {target: 'clientId', schemaName: 'contoso_ClientId', connector: 'petstore'}])

    const fromFlags = resolveSolution({
      flags: {solutionName: 'Other', solutionVersion: '3.0', managed: false, publisherPrefix: 'fab', envVars: ['basePath']},
      config,
      project: p,
      connectorTitles: ['X'],
    })
    expect(fromFlags.spec).toMatchObject({uniqueName: 'Other', displayName: 'Other', version: '3.0.0.0', managed: false})
    expect(fromFlags.spec.publisher.prefix).toBe('fab')
    expect(fromFlags.versionSource).toBe('flag')
    expect(fromFlags.envVars).toEqual([{target: 'basePath'}])
  })

  it('names cc.yaml and the line when a setting there is wrong', () => {
    const p = project('solution:\n  publisher:\n    prefix: x\n', {solution: {publisher: {prefix: 'x'}}})
    const error = thrown(() => resolveSolution({flags: {}, config: readSolutionConfig(p), project: p, connectorTitles: ['X']}))
    expect(error.code).toBe('PUBLISHER_PREFIX_INVALID')
    expect(error.exitCode).toBe(1)
    expect(error.location).toBe('/work/app/cc.yaml:3:1')

    const typed = thrown(() => readSolutionConfig(project('solution:\n  managed: yes please\n', {solution: {managed: 'yes please'}})))
    expect(typed.code).toBe('PROJECT_FILE_INVALID')
    expect(typed.message).toContain('solution.managed')
    expect(typed.line).toBe(2)
  })
})

describe('cc.yaml solution: section', () => {
  const example = `solution:
  name: ContosoConnectors
  displayName: Contoso connectors
  version: 1.0.0.0
  managed: false
  publisher:
    name: Contoso
    displayName: Contoso Ltd
    prefix: contoso
  environmentVariables:
    - host
    - clientSecret
    - target: clientId
      schemaName: contoso_PetstoreClientId
      connector: petstore
  output: dist
  certification:
    flowSolution: flows/ContosoFlows_1_0_0_0.zip
    intro: docs/intro.md
`

  it('matches schemas/cc.schema.json, and the schema refuses what the reader refuses', () => {
    const validate = ccSchemaValidator()
    const data = load(example) as Record<string, unknown>
    expect(validate(data)).toBe(true)
    expect(readSolutionConfig(project(example, data))).toMatchObject({name: 'ContosoConnectors', publisher: {prefix: 'contoso'}, certification: {intro: 'docs/intro.md'}})

    const typo = load(example.replace('    prefix: contoso', '    prefx: contoso')) as Record<string, unknown>
    expect(validate(typo)).toBe(false)
    const error = thrown(() => readSolutionConfig(project(example.replace('    prefix: contoso', '    prefx: contoso'), typo)))
    expect(error.code).toBe('PROJECT_FILE_INVALID')
    expect(error.message).toContain('solution.publisher.prefx is not a setting cc knows')
    expect(error.line).toBe(9)
    expect(validate(load(example.replace('prefix: contoso', 'prefix: c')))).toBe(false)
  })
})
