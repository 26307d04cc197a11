import type {EnvVarDefinition, SolutionConnector, SolutionSpec} from './types.js'
import {nil, renderXml, xmlSafeText, xsiNamespace, type XmlTree} from './xml.js'

export const manifestPath = 'solution.xml'

/** Solution component types used in RootComponents (dataverse-and-solutions.md 2.1 and 3.3). */
export const ComponentType = {connector: 372, environmentVariableDefinition: 380} as const

/** The `ImportExportXml` attributes of the files cc writes (hand-built zips with 9.2 import; exports name a build). */
export function importExportAttributes(): XmlTree {
  return {
    '@_version': '9.2',
    '@_SolutionPackageVersion': '9.2',
    '@_languagecode': '1033',
    '@_generatedBy': 'CrmLive',
    '@_xmlns:xsi': xsiNamespace,
  }
}

const label = (description: string) => ({'@_description': xmlSafeText(description), '@_languagecode': '1033'})

/** The unset address block of a publisher, as exports write it (both addresses, every field nil). */
function address(number: 1 | 2): XmlTree {
  return {
    AddressNumber: String(number),
    AddressTypeCode: '1',
    City: nil,
    County: nil,
    Country: nil,
    Fax: nil,
    FreightTermsCode: nil,
    ImportSequenceNumber: nil,
    Latitude: nil,
    Line1: nil,
    Line2: nil,
    Line3: nil,
    Longitude: nil,
    Name: nil,
    PostalCode: nil,
    PostOfficeBox: nil,
    PrimaryContactName: nil,
    ShippingMethodCode: '1',
    StateOrProvince: nil,
    Telephone1: nil,
    Telephone2: nil,
    Telephone3: nil,
    TimeZoneRuleVersionNumber: nil,
    UPSZone: nil,
    UTCOffset: nil,
    UTCConversionTimeZoneCode: nil,
  }
}

/**
 * `solution.xml` (dataverse-and-solutions.md 3.3): the SolutionManifest children in export order, one type-372
 * RootComponent per connector (`id` in braces, equal to the connectorid) and one type-380 per environment
 * variable definition.
 */
export function renderManifest(spec: SolutionSpec, connectors: readonly SolutionConnector[], envVars: readonly EnvVarDefinition[]): string {
  const roots: XmlTree[] = [
    ...connectors.map((c) => ({'@_type': String(ComponentType.connector), '@_id': `{${c.connectorId}}`, '@_schemaName': c.name, '@_behavior': '0'})),
    ...envVars.map((v) => ({'@_type': String(ComponentType.environmentVariableDefinition), '@_schemaName': v.schemaName, '@_behavior': '0'})),
  ]
  return renderXml({
    ImportExportXml: {
      ...importExportAttributes(),
      SolutionManifest: {
        UniqueName: spec.uniqueName,
        LocalizedNames: {LocalizedName: [label(spec.displayName)]},
        Descriptions: spec.description ? {Description: [label(spec.description)]} : '',
        Version: spec.version,
        Managed: spec.managed ? '1' : '0',
        Publisher: {
          UniqueName: spec.publisher.uniqueName,
          LocalizedNames: {LocalizedName: [label(spec.publisher.displayName)]},
          Descriptions: '',
          EMailAddress: nil,
          SupportingWebsiteUrl: nil,
          CustomizationPrefix: spec.publisher.prefix,
          CustomizationOptionValuePrefix: String(spec.publisher.optionValuePrefix),
          Addresses: {Address: [address(1), address(2)]},
        },
        RootComponents: roots.length > 0 ? {RootComponent: roots} : '',
        MissingDependencies: '',
      },
    },
  })
}
