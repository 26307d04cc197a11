import {readFileSync} from 'node:fs'
import {Ajv, type ValidateFunction} from 'ajv'
import addFormatsModule from 'ajv-formats'

/** schemas/cc.schema.json as parsed JSON. */
export const ccSchema = JSON.parse(readFileSync(new URL('../../schemas/cc.schema.json', import.meta.url), 'utf8'))

let compiled: ValidateFunction | undefined

/** A validator for cc.yaml documents against schemas/cc.schema.json (formats such as "uri" checked too). */
export function ccSchemaValidator(): ValidateFunction {
  if (compiled) return compiled
  const ajv = new Ajv({strict: false, allErrors: true})
  const addFormats = (addFormatsModule as unknown as {default?: typeof addFormatsModule}).default ?? addFormatsModule
  ;(addFormats as unknown as (ajv: Ajv) => void)(ajv)
  compiled = ajv.compile(ccSchema)
  return compiled
}
