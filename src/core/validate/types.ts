import type {PointerSegment} from '../json/pointer.js'

export type Severity = 'error' | 'warning' | 'info'
export type RuleLevel = Severity | 'off'
export type Profile = 'base' | 'certification'

export const severities: readonly Severity[] = ['error', 'warning', 'info']
export const profiles: readonly Profile[] = ['base', 'certification']

/** One problem found in a connector. The same record is printed by every format and by --json. */
export interface Finding {
  /** cc's stable rule id, e.g. `operation/id-unique`. */
  ruleId: string
  /** Microsoft's code for the same check (the service's validator or the certification rules), where one exists. */
  msCode?: string
  severity: Severity
  /** The file, as a path relative to the current folder (forward slashes). */
  file: string
  /** JSON pointer (RFC 6901) of the place in a JSON file; '' for the whole file or for non-JSON files. */
  pointer: string
  /** 1-based line. */
  line: number
  /** 1-based column (UTF-16 code units, as editors count). */
  column: number
  message: string
  /** How to fix it, where known. */
  fix?: string
}

/** What the rule table says about one rule: data, exported for docs, SARIF rule metadata and tests. */
export interface RuleMeta {
  id: string
  /** Microsoft's code(s); a finding names the one that applies. */
  msCode?: string
  /** Level in the base profile (or, for certification-only rules, in the certification profile). */
  severity: Severity
  /** Level in the certification profile when it differs (rules that are warnings in base, errors for certification). */
  certification?: Severity
  /** `certification`: the rule runs only with `--profile certification`. */
  profile: Profile
  /** What the rule checks, in one or two sentences (docs, SARIF). */
  description: string
  /** The usual fix. */
  fix?: string
  /** Rule options settable in cc.yaml, with their defaults. */
  options?: Record<string, number | string | boolean>
}

/** Which file of the connector a finding is about. */
export type FileRole = 'apiDefinition' | 'apiProperties' | 'settings' | 'script' | 'icon' | 'readme'

export interface ReportTarget {
  /** A role, or a file name inside the connector folder. */
  file: FileRole | {name: string}
  /** Place inside a JSON file. */
  path?: readonly PointerSegment[]
  /** Point at the property name instead of the value (for "missing" or "not allowed here" findings). */
  at?: 'key' | 'value'
  /** For text files: the 0-based offset in the text. */
  offset?: number
  /** When the place is already known as line:column (load problems). */
  line?: number
  column?: number
}

export interface ReportExtra {
  fix?: string
  /** The Microsoft code that applies when the rule covers several. */
  msCode?: string
  /** A lower level than the rule's for this finding only (e.g. a lenient case of the same check). */
  severity?: Severity
}
