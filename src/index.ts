// The programmatic API of cc: the core functions the commands call, usable without the CLI. Each takes an options
// object (and a CoreContext where it needs the config folder, a reporter or an abort signal) and returns the plain
// result that the matching command prints with --json.

// Errors, exit codes, context
export * from './core/errors.js'
export * from './core/exit-codes.js'
export type {CoreContext, Reporter} from './core/context.js'

// Connector folders
export {loadConnector} from './core/connector/load.js'
export {contentOf, serializeJson, writeConnector} from './core/connector/write.js'
export type * from './core/connector/types.js'
export {parseJsonDocument} from './core/json/document.js'
export {connectorLogicalName, deterministicConnectorId, escapeConnectorName, isValidPublisherPrefix} from './core/naming/connector-names.js'
export {loadProjectFile, readProjectFile} from './core/project/project-file.js'

// cc scaffold
export {scaffoldConnector} from './core/scaffold/scaffold.js'
export {authKinds} from './core/scaffold/templates.js'
export {importOpenApi} from './core/openapi/import.js'

// cc validate
export {validateConnectors} from './core/validate/validate.js'
export {preflightValidate} from './core/validate/preflight.js'
export {checkConnector} from './core/validate/engine.js'
export {ruleTable, rulesById} from './core/validate/rules/index.js'
export {toGithubAnnotations, toSarif} from './core/validate/report.js'
export {readValidationSettings, settingsFor} from './core/validate/config.js'
export {findConnectorFolders, resolveConnectorPaths} from './core/validate/discover.js'
export type {Finding, Profile, RuleMeta, Severity} from './core/validate/types.js'

// cc package, cc unpack
export {packageConnectors, packageKinds} from './core/package/index.js'
export {stripSecrets} from './core/package/secrets.js'
export {writeZipFile, zipToBuffer} from './core/zip/write.js'
export {defaultZipReadLimits, openZip, readZip} from './core/zip/read.js'
export {packageCertification, packageSolution} from './core/solution/package.js'
export {unpackSolution} from './core/solution/unpack.js'
export {prepareSolution} from './core/solution/prepare.js'
export {isSolutionZip, readSolutionZip} from './core/solution/read.js'
export {parseEnvVarSpec, readSolutionConfig} from './core/solution/options.js'

// Sign-in, environments, clients
export {login} from './core/auth/login.js'
export {logout} from './core/auth/logout.js'
export {whoami} from './core/auth/whoami.js'
export {openTokenSource, specFromEnvironment} from './core/auth/token-source.js'
export {openSession, withSession} from './core/environments/session.js'
export {chooseEnvironment, loginCommandFor} from './core/environments/resolve.js'
export {clouds, dataverseAudience, defaultScope, localCloud} from './core/environments/clouds.js'
export {loadProjectEnvironments, parametersFor, rememberConnectorIds} from './core/environments/project-environments.js'
export {HttpClient} from './core/clients/http.js'
export {PowerAppsClient} from './core/clients/powerapps-rp.js'
export {DataverseClient} from './core/clients/dataverse.js'
export {GraphClient} from './core/clients/graph.js'
export {BapClient, FlowClient} from './core/clients/environments-api.js'
export {downloadBlob, uploadBlob} from './core/clients/blob-storage.js'

// cc push, cc pull, listing
export {pushConnector} from './core/push/push.js'
export {applyParameters} from './core/push/parameters.js'
export {oauthSettingsOf, redirectUrlOf} from './core/push/oauth.js'
export {pullConnector} from './core/pull/pull.js'
export {importSolutions, type SolutionImportOptions, type SolutionImportResult} from './core/push/solution-import.js'
export {exportSolution, type SolutionExportOptions, type SolutionExportResult} from './core/pull/solution-export.js'
export {listConnectors, listEnvironments} from './core/listing/listing.js'

// cc export, import, migrate, identity, entra app
export {exportConnectors} from './core/transfer/export.js'
export {importConnectors} from './core/transfer/import.js'
export {migrateConnectors} from './core/transfer/migrate.js'
export {readManifest} from './core/transfer/manifest.js'
export {syncIdentity} from './core/identity/sync.js'
export {pruneCredentials} from './core/identity/prune.js'
export {createEntraApp} from './core/identity/entra-app.js'
export {credentialName} from './core/identity/credential-names.js'

// The local emulator
export {
  approveDeviceCode,
  emulatorInfo,
  findRunningEmulator,
  resetEmulator,
  seededIdentities,
  startEmulator,
} from './emulator/index.js'
