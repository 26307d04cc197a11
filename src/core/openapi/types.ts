import type {SecurityDefinition, Swagger} from '../connector/types.js'

/** Something of the input that did not make it into the connector as it was: where (a JSON pointer) and why. */
export interface ConversionNote {
  /** JSON pointer into the input document, e.g. `#/paths/~1pets/get/callbacks`. */
  pointer: string
  reason: string
}

/** An OpenAPI file turned into a connector's Swagger 2.0 definition. */
export interface ImportedDefinition {
  /** The input file, as given. */
  file: string
  syntax: 'json' | 'yaml'
  /** The input's `swagger` or `openapi` version, e.g. "2.0", "3.0.3", "3.1.0". */
  version: string
  swagger: Swagger
  /** Parts of the input the connector format cannot express; they are left out. */
  notConverted: ConversionNote[]
  /** Parts converted with a loss or change of meaning (e.g. oneOf merged into one object), and what cc added. */
  approximated: ConversionNote[]
  /** What @readme/openapi-parser found wrong with the input itself (the conversion went ahead anyway). */
  inputProblems: string[]
  /** The auth kind the input's security scheme maps to, when it has a usable one. */
  auth?: DetectedAuth
}

export interface DetectedAuth {
  kind: 'basic' | 'apikey' | 'oauth2' | 'aad'
  /** Name of the security definition in the converted document. */
  name: string
  definition: SecurityDefinition
}
