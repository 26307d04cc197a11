import {importExportAttributes} from './manifest.js'
import type {SolutionConnector} from './types.js'
import {renderXml, xmlSafeText, type XmlTree} from './xml.js'

export const customizationsPath = 'customizations.xml'

/** The folder of connector files in a packed solution zip: `Connector`, singular (what import and the certification validator read). */
export const connectorFolder = 'Connector'

/** The files of one connector in the zip, by customizations.xml element (dataverse-and-solutions.md 3.1 and 3.4). */
export function connectorFilePaths(connector: SolutionConnector): {
  openapidefinition: string
  connectionparameters: string
  connectionparametersets?: string
  policytemplateinstances: string
  customcodeblobcontent?: string
  iconblob?: string
} {
  const base = `${connectorFolder}/${connector.name}`
  return {
    openapidefinition: `${base}_openapidefinition.json`,
    connectionparameters: `${base}_connectionparameters.json`,
    ...(connector.connectionParameterSets === undefined ? {} : {connectionparametersets: `${base}_connectionparametersets.json`}),
    policytemplateinstances: `${base}_policytemplateinstances.json`,
    ...(connector.customCode === undefined ? {} : {customcodeblobcontent: `${base}_customcodeblobcontent.csx`}),
    ...(connector.icon === undefined ? {} : {iconblob: `${base}_iconblob.Png`}),
  }
}

/** The `Connector` element: children in export order; file references start with `/Connector/`. */
function connectorElement(connector: SolutionConnector): XmlTree {
  const files = connectorFilePaths(connector)
  const ref = (path: string | undefined) => (path === undefined ? undefined : `/${path}`)
  return {
    connectorid: connector.connectorId,
    description: xmlSafeText(connector.description),
    displayname: xmlSafeText(connector.displayName),
    iconbrandcolor: connector.iconBrandColor === undefined ? undefined : xmlSafeText(connector.iconBrandColor),
    name: connector.name,
    connectortype: '1',
    scriptoperations: connector.scriptOperations,
    openapidefinition: ref(files.openapidefinition),
    connectionparameters: ref(files.connectionparameters),
    connectionparametersets: ref(files.connectionparametersets),
    policytemplateinstances: ref(files.policytemplateinstances),
    customcodeblobcontent: ref(files.customcodeblobcontent),
    iconblob: ref(files.iconblob),
  }
}

/**
 * `customizations.xml` of a connector-only solution (dataverse-and-solutions.md 3.4): the empty sibling nodes a
 * connector-only export has, in export order, then `Connectors` and `Languages`. `Workflows` stays empty, so the
 * certification validator classifies the solution as a connector solution.
 */
export function renderCustomizations(connectors: readonly SolutionConnector[]): string {
  return renderXml({
    ImportExportXml: {
      '@_xmlns:xsi': importExportAttributes()['@_xmlns:xsi'] as string,
      Entities: '',
      Roles: '',
      Workflows: '',
      FieldSecurityProfiles: '',
      Templates: '',
      EntityMaps: '',
      EntityRelationships: '',
      OrganizationSettings: '',
      optionsets: '',
      CustomControls: '',
      EntityDataProviders: '',
      Connectors: connectors.length > 0 ? {Connector: connectors.map(connectorElement)} : '',
      Languages: {Language: ['1033']},
    },
  })
}
