import {createHash} from 'node:crypto'

/**
 * Fault injection. A spec is a list of rules separated by `;` (or new lines); a rule is a comma-separated list of
 * settings. Examples:
 *
 *   503,rate=20%                      one request in five answers 503
 *   latency=50ms                      every request waits 50 ms
 *   latency=20-80ms,rate=50%          half of the requests wait between 20 and 80 ms
 *   429,retry-after=2,route=POST /providers/Microsoft.PowerApps/apis,first=1
 *                                     the first connector create answers 429 with Retry-After: 2
 *   reset,rate=5%,route=dataverse.*   5% of Dataverse requests lose their connection
 *   seed=42                           the random draws (reproducible; the default seed is 1)
 *
 * Settings: a status code (`429`, `500`, `503`, any 4xx/5xx; or `status=N`), `reset` (drop the connection),
 * `latency=MS` or `latency=MIN-MAX` (`ms` or `s` units), `rate=P` (`20%` or `0.2`, default 100%),
 * `retry-after=S` (seconds, default 1 for 429 and 503), `route=PATTERN` (a route name such as
 * `powerapps.apis.create` or a path, optionally after a method, with `*` wildcards), `first=N` (only the first N
 * matching requests), `after=N` (skip the first N matching requests), `seed=N`.
 *
 * Latency rules add up; of the failing rules, the first that fires wins. The emulator's own `/_emulator/…`
 * routes never fail. Each rule draws from its own generator seeded by (seed, rule position), so a sequential
 * client sees the same faults on every run.
 */

export interface FaultRule {
  /** `status` answers an error, `reset` drops the connection, `latency` waits. */
  action: 'status' | 'reset' | 'latency'
  status?: number
  retryAfterSeconds?: number
  latencyMs?: [number, number]
  /** 0..1 */
  rate: number
  route?: string
  method?: string
  first?: number
  after?: number
}

export interface FaultPlan {
  seed: number
  rules: FaultRule[]
}

export class FaultSpecError extends Error {}

export function parseFaultSpec(spec: string): FaultPlan {
  const plan: FaultPlan = {seed: 1, rules: []}
  const ruleTexts = spec
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'))
  for (const text of ruleTexts) {
    const rule: Partial<FaultRule> & {rate: number} = {rate: 1}
    let onlySeed = true
    for (const rawItem of splitItems(text)) {
      const item = rawItem.trim()
      if (!item) continue
      const eq = item.indexOf('=')
      const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase()
      const value = eq < 0 ? '' : item.slice(eq + 1).trim()
      if (key !== 'seed') onlySeed = false
      if (eq < 0 && /^\d{3}$/.test(key)) setStatus(rule, Number(key), item)
      else if (eq < 0 && key === 'reset') setAction(rule, 'reset', item)
      else if (key === 'status') setStatus(rule, parseInteger(value, item), item)
      else if (key === 'latency' || key === 'delay') {
        setAction(rule, 'latency', item)
        rule.latencyMs = parseLatency(value, item)
      } else if (key === 'rate' || key === 'probability') rule.rate = parseRate(value, item)
      else if (key === 'retry-after' || key === 'retryafter') rule.retryAfterSeconds = parseInteger(value, item)
      else if (key === 'route' || key === 'on') Object.assign(rule, parseRoute(value, item))
      else if (key === 'first' || key === 'count') rule.first = parseInteger(value, item)
      else if (key === 'after' || key === 'skip') rule.after = parseInteger(value, item)
      else if (key === 'seed') plan.seed = parseInteger(value, item)
      else throw new FaultSpecError(`unknown fault setting "${item}" in "${text}"`)
    }
    if (onlySeed) continue
    if (!rule.action) throw new FaultSpecError(`fault rule "${text}" says neither a status code, reset nor latency`)
    if (rule.action === 'status' && rule.retryAfterSeconds === undefined && (rule.status === 429 || rule.status === 503)) rule.retryAfterSeconds = 1
    plan.rules.push(rule as FaultRule)
  }
  return plan
}

/** Items are split on commas, except inside a route value (which runs to the next `,key=`). */
function splitItems(text: string): string[] {
  return text.split(/,(?=\s*(?:[A-Za-z-]+=|\d{3}\s*(?:,|$)|reset\s*(?:,|$)))/i)
}

function setAction(rule: Partial<FaultRule>, action: FaultRule['action'], item: string): void {
  if (rule.action && rule.action !== action) throw new FaultSpecError(`"${item}": a rule does one thing (status, reset or latency); separate rules with ";"`)
  rule.action = action
}

function setStatus(rule: Partial<FaultRule>, status: number, item: string): void {
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new FaultSpecError(`"${item}": the status must be 400–599`)
  setAction(rule, 'status', item)
  rule.status = status
}

function parseInteger(value: string, item: string): number {
  if (!/^\d+$/.test(value)) throw new FaultSpecError(`"${item}": expected a whole number`)
  return Number(value)
}

function parseRate(value: string, item: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value)
  const rate = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN
  if (!(rate >= 0 && rate <= 1)) throw new FaultSpecError(`"${item}": the rate is a percentage (20%) or a fraction (0.2) between 0 and 1`)
  return rate
}

function parseLatency(value: string, item: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*(ms|s)?$/i.exec(value)
  if (!m) throw new FaultSpecError(`"${item}": write the latency as 50ms, 1s or 20-80ms`)
  const unit = m[3]?.toLowerCase() === 's' ? 1000 : 1
  const min = Number(m[1]) * unit
  const max = m[2] === undefined ? min : Number(m[2]) * unit
  if (max < min) throw new FaultSpecError(`"${item}": the latency range runs from low to high`)
  return [min, max]
}

function parseRoute(value: string, item: string): {route: string; method?: string} {
  const m = /^(?:(GET|POST|PUT|PATCH|DELETE|HEAD)\s+)?(\S+)$/i.exec(value)
  if (!m) throw new FaultSpecError(`"${item}": the route is a route name or a path, optionally after a method (route=POST /providers/*)`)
  return m[1] ? {method: m[1].toUpperCase(), route: m[2]!} : {route: m[2]!}
}

/** The outcome for one request. */
export interface FaultDecision {
  latencyMs: number
  fail?: {status: number; retryAfterSeconds?: number} | 'reset'
}

/** Applies a plan to requests as they come, keeping per-rule counters and generators. */
export class FaultInjector {
  private readonly states: Array<{rule: FaultRule; matcher: (method: string, path: string, name: string) => boolean; seen: number; random: () => number}>

  constructor(readonly plan: FaultPlan) {
    this.states = plan.rules.map((rule, index) => ({rule, matcher: routeMatcher(rule), seen: 0, random: mulberry32(seedFor(plan.seed, index))}))
  }

  decide(method: string, path: string, routeName: string): FaultDecision {
    const decision: FaultDecision = {latencyMs: 0}
    for (const state of this.states) {
      const {rule} = state
      if (!state.matcher(method, path, routeName)) continue
      state.seen++
      const position = state.seen - (rule.after ?? 0)
      if (position <= 0 || (rule.first !== undefined && position > rule.first)) continue
      if (state.random() >= rule.rate) continue
      if (rule.action === 'latency') {
        const [min, max] = rule.latencyMs!
        decision.latencyMs += min === max ? min : min + state.random() * (max - min)
      } else if (!decision.fail) {
        decision.fail = rule.action === 'reset' ? 'reset' : {status: rule.status!, ...(rule.retryAfterSeconds === undefined ? {} : {retryAfterSeconds: rule.retryAfterSeconds})}
      }
    }
    return decision
  }
}

function routeMatcher(rule: FaultRule): (method: string, path: string, name: string) => boolean {
  if (!rule.route) return (method) => !rule.method || rule.method === method
  const pattern = new RegExp(`^${rule.route.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i')
  const byPath = rule.route.startsWith('/')
  return (method, path, name) => (!rule.method || rule.method === method) && pattern.test(byPath ? path : name)
}

function seedFor(seed: number, index: number): number {
  return createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0)
}

/** A small, well-known 32-bit generator: reproducible, fast, good enough for fault rates. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
