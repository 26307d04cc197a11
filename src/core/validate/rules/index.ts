import type {RuleFamily} from '../rule.js'
import type {RuleMeta} from '../types.js'
import {certification} from './certification.js'
import {dynamic} from './dynamic.js'
import {files} from './files.js'
import {icon} from './icon.js'
import {operations} from './operations.js'
import {parameters} from './parameters.js'
import {paths} from './paths.js'
import {policies} from './policies.js'
import {properties} from './properties.js'
import {refs} from './refs.js'
import {schemas} from './schemas.js'
import {script} from './script.js'
import {security} from './security.js'
import {structure} from './structure.js'
import {triggers} from './triggers.js'

/** Every rule family: files first, then the API definition, then apiProperties.json, script and icon. */
export const families: readonly RuleFamily[] = [
  files,
  structure,
  paths,
  operations,
  parameters,
  refs,
  schemas,
  security,
  dynamic,
  triggers,
  certification,
  properties,
  policies,
  script,
  icon,
]

/** The rule table: every rule cc applies, with its id, levels, profile, description and fix. */
export const ruleTable: readonly RuleMeta[] = families.flatMap((f) => f.rules)

export const rulesById: ReadonlyMap<string, RuleMeta> = new Map(ruleTable.map((r) => [r.id, r]))
