import type {Connector} from '../connector/types.js'
import type {SwaggerModel, Obj} from './model.js'
import type {Profile, ReportExtra, ReportTarget, RuleMeta, Severity} from './types.js'

/** What a rule family sees while it checks one connector. */
export interface RuleContext {
  readonly connector: Connector
  readonly profile: Profile
  /** The API definition, when it parsed to an object. */
  readonly swagger: Obj | undefined
  /** The operations, parameters and schemas of the API definition (undefined without one). */
  readonly model: SwaggerModel | undefined
  /** apiProperties.json's root object, when it parsed to one. */
  readonly propertiesFile: Obj | undefined
  /** apiProperties.json's `properties` object, when there is one. */
  readonly properties: Obj | undefined
  /** True when the rule is on for this connector (families skip costly work for rules that are off). */
  on(rule: RuleMeta): boolean
  /** A rule option from cc.yaml, or its default. */
  option<T extends number | string | boolean>(rule: RuleMeta, name: string): T
  report(rule: RuleMeta, target: ReportTarget, message: string, extra?: ReportExtra): void
}

/** Rules that share a walk over the connector: data (the rule table entries) and one check function. */
export interface RuleFamily {
  name: string
  rules: RuleMeta[]
  check(ctx: RuleContext): void
}

type RuleSpec = Omit<RuleMeta, 'profile'> & {profile?: Profile}

/** Declares a family's rules: `profile` defaults to base. */
export function defineRules<T extends Record<string, RuleSpec>>(specs: T): {[K in keyof T]: RuleMeta} {
  const out = {} as {[K in keyof T]: RuleMeta}
  for (const key of Object.keys(specs) as Array<keyof T>) {
    const spec = specs[key]!
    out[key] = {...spec, profile: spec.profile ?? 'base'}
  }
  return out
}

/** The level a rule has in a profile before cc.yaml settings: undefined when the rule does not run in it. */
export function defaultLevel(rule: RuleMeta, profile: Profile): Severity | undefined {
  if (rule.profile === 'certification' && profile !== 'certification') return undefined
  return profile === 'certification' ? (rule.certification ?? rule.severity) : rule.severity
}
