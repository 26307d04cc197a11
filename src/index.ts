// The programmatic API of cc: the core functions the commands call, usable without the CLI.
export * from './core/errors.js'
export * from './core/exit-codes.js'
export type {CoreContext, Reporter} from './core/context.js'
export {loadConnector} from './core/connector/load.js'
export {contentOf, serializeJson, writeConnector} from './core/connector/write.js'
export type * from './core/connector/types.js'
export {parseJsonDocument} from './core/json/document.js'
