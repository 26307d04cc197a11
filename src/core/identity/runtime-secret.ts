import {downloadBlob} from '../clients/blob-storage.js'
import type {ResolvedEnvironment, Session} from '../environments/session.js'
import {CcError} from '../errors.js'
import {injectSecret} from '../push/oauth.js'

/**
 * Puts an OAuth client secret back on a connector that exists already, as the CoE toolkit does after a solution
 * import: the connector is read from the Power Apps resource provider and PATCHed with its own connection
 * parameters (the secret added), definition and backend. Nothing else changes. The secret is never returned.
 */
export async function applyRuntimeSecret(session: Session, env: ResolvedEnvironment, name: string, secret: string): Promise<void> {
  const registration = await session.powerApps.getConnector(env.environmentId, name)
  const props = registration?.properties
  if (!props) throw new CcError(`There is no connector ${name} in ${env.displayName ?? env.environmentId}.`, {code: 'CONNECTOR_NOT_FOUND'})
  const swaggerUrl = props.apiDefinitions?.originalSwaggerUrl
  const apiProperties = {properties: {connectionParameters: structuredClone(props.connectionParameters ?? {}), ...(props.connectionParameterSets ? {connectionParameterSets: structuredClone(props.connectionParameterSets)} : {})}} as Parameters<typeof injectSecret>[0]
  if (injectSecret(apiProperties, secret) === 0) throw new CcError(`${props.displayName ?? name} has no OAuth setting that takes a client secret.`, {code: 'OAUTH_SECRET_NOT_APPLICABLE'})
  const swagger = swaggerUrl ? JSON.parse((await downloadBlob(session.storage, swaggerUrl, 'downloading the API definition')).toString('utf8').replace(/^\uFEFF/, '')) : undefined
  await session.powerApps.updateConnector(env.environmentId, name, {
    properties: {
      ...apiProperties.properties,
      environment: {name: env.environmentId},
      ...(swagger ? {openApiDefinition: swagger} : {}),
      ...(props.backendService ? {backendService: props.backendService} : {}),
      ...(props.policyTemplateInstances ? {policyTemplateInstances: props.policyTemplateInstances} : {}),
    },
  })
}
