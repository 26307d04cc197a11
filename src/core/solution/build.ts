import {contentTypesPath, renderContentTypes} from './content-types.js'
import {connectorFilePaths, customizationsPath, renderCustomizations} from './customizations.js'
import {envVarDefinitionPath, renderEnvVarDefinition} from './env-vars.js'
import {manifestPath, renderManifest} from './manifest.js'
import type {EnvVarDefinition, SolutionConnector, SolutionFile, SolutionSpec} from './types.js'

/**
 * Every file of a solution zip, in a fixed order: `[Content_Types].xml`, `solution.xml`, `customizations.xml`, the
 * `Connector/` files of each connector (in customizations.xml order), then the environment variable definitions.
 * Nothing depends on the clock or the machine, so the same input gives the same files.
 */
export function solutionFiles(spec: SolutionSpec, connectors: readonly SolutionConnector[], envVars: readonly EnvVarDefinition[]): SolutionFile[] {
  const files: SolutionFile[] = [
    {path: manifestPath, data: renderManifest(spec, connectors, envVars)},
    {path: customizationsPath, data: renderCustomizations(connectors)},
  ]
  for (const connector of connectors) {
    const paths = connectorFilePaths(connector)
    files.push({path: paths.openapidefinition, data: connector.openApiDefinition})
    files.push({path: paths.connectionparameters, data: connector.connectionParameters})
    if (paths.connectionparametersets) files.push({path: paths.connectionparametersets, data: connector.connectionParameterSets!})
    files.push({path: paths.policytemplateinstances, data: connector.policyTemplateInstances})
    if (paths.customcodeblobcontent) files.push({path: paths.customcodeblobcontent, data: connector.customCode!})
    if (paths.iconblob) files.push({path: paths.iconblob, data: connector.icon!})
  }
  for (const definition of envVars) {
    files.push({path: envVarDefinitionPath(definition.schemaName), data: renderEnvVarDefinition(definition, spec.version)})
  }
  return [{path: contentTypesPath, data: renderContentTypes(files.map((f) => f.path))}, ...files]
}
