import type {PointerSegment} from '../../json/pointer.js'
import {isObj, refSegments, type Obj} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'
import type {ReportTarget} from '../types.js'

/** `$ref`s: local, of the right kind, resolving, not chained, alone. */
export const R = defineRules({
  localOnly: {
    id: 'refs/local-only',
    severity: 'error',
    msCode: 'SchemaReferenceNotValid',
    description: '$refs are local and point to the right section: schemas to #/definitions/, parameters to #/parameters/, responses to #/responses/.',
  },
  resolve: {
    id: 'refs/resolve',
    severity: 'error',
    msCode: 'SchemaReferenceNotFound',
    description: 'Every $ref resolves (the service answers a dangling $ref with HTTP 500 instead of a message).',
  },
  noRefToRef: {
    id: 'refs/no-ref-to-ref',
    severity: 'error',
    msCode: 'SchemaRefLoopNotAllowed',
    description: 'A definition, parameter or response is not just a $ref to another one.',
    fix: 'Point the users of this entry at the target directly, and remove the alias.',
  },
  noSiblings: {
    id: 'refs/no-siblings',
    severity: 'warning',
    msCode: 'AdditionalPropertyNotAllowedAdjacentToRef',
    description: 'Nothing beside $ref: other keys next to a $ref are ignored.',
    fix: 'Move the keys into the referenced definition, or drop them.',
  },
})

type Kind = 'definitions' | 'parameters' | 'responses'

const codes: Record<Kind, {invalid: string; missing: string; loop: string}> = {
  definitions: {invalid: 'SchemaReferenceNotValid', missing: 'SchemaReferenceNotFound', loop: 'SchemaRefLoopNotAllowed'},
  parameters: {invalid: 'ParameterReferenceNotValid', missing: 'ParameterReferenceNotFound', loop: 'ParameterRefLoopNotAllowed'},
  responses: {invalid: 'ResponseReferenceNotValid', missing: 'ResponseReferenceNotFound', loop: 'ResponseRefLoopNotAllowed'},
}

export const refs: RuleFamily = {
  name: 'refs',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    const doc = model.doc
    const visits = model.schemas()
    for (let k = 0; k < visits.length; k++) {
      const visit = visits[k]!
      if (visit.schema.$ref !== undefined) checkRef(ctx, visit.schema, visit, 'definitions')
    }
    const paramLists: Array<{list: unknown; path: PointerSegment[]}> = []
    if (isObj(doc.paths)) {
      for (const pathKey in doc.paths) {
        const item = doc.paths[pathKey]
        if (isObj(item)) paramLists.push({list: item.parameters, path: ['paths', pathKey, 'parameters']})
      }
    }
    for (let k = 0; k < model.operations.length; k++) {
      const op = model.operations[k]!
      paramLists.push({list: op.op.parameters, path: [...op.path, 'parameters']})
      for (const {code, response} of op.responses) {
        if (isObj(response) && response.$ref !== undefined) checkRef(ctx, response, {path: [...op.path, 'responses', code]}, 'responses')
      }
    }
    for (const {list, path} of paramLists) {
      if (!Array.isArray(list)) continue
      for (let i = 0; i < list.length; i++) {
        const p: unknown = list[i]
        if (isObj(p) && p.$ref !== undefined) checkRef(ctx, p, {path: [...path, i]}, 'parameters')
      }
    }
    for (const kind of ['definitions', 'parameters', 'responses'] as const) {
      const section = doc[kind]
      if (!isObj(section)) continue
      for (const name in section) {
        const entry = section[name]
        if (isObj(entry) && typeof entry.$ref === 'string') {
          ctx.report(R.noRefToRef, {file: 'apiDefinition', path: [kind, name, '$ref']}, `#/${kind}/${name} is only a reference to ${entry.$ref}`, {msCode: codes[kind].loop})
        }
      }
    }
  },
}

/** Where a $ref holder is: a schema visit (whose pointer is built only when asked for) or a pointer. */
interface Where {
  readonly path: PointerSegment[]
}

function checkRef(ctx: RuleContext, holder: Obj, where: Where, kind: Kind): void {
  const ref = holder.$ref
  // Every $ref of the document comes here: nothing is allocated unless there is a finding.
  const target = (): ReportTarget => ({file: 'apiDefinition', path: [...where.path, '$ref']})
  if (typeof ref !== 'string') {
    ctx.report(R.localOnly, target(), `$ref must be a string, found ${JSON.stringify(ref)}`, {msCode: 'JsonPointerNotValid'})
    return
  }
  if (!ref.startsWith('#/')) {
    ctx.report(R.localOnly, target(), `$ref ${JSON.stringify(ref)} is not a local reference (connectors are one file: refs start with "#/")`, {
      msCode: codes[kind].invalid,
      fix: `Copy the target into #/${kind}/ and point at it.`,
    })
  } else {
    const segments = refSegments(ref)!
    if (segments[0] !== kind || segments.length !== 2 || segments[1] === '') {
      ctx.report(R.localOnly, target(), `$ref ${JSON.stringify(ref)} must point to an entry of #/${kind}/`, {msCode: codes[kind].invalid})
    } else if (!ctx.model!.resolve(ref)) {
      const section = ctx.model!.doc[kind]
      const names = isObj(section) ? Object.keys(section) : []
      const near = names.find((n) => n.toLowerCase() === segments[1]!.toLowerCase())
      ctx.report(R.resolve, target(), `$ref ${JSON.stringify(ref)} does not resolve: #/${kind} has no ${JSON.stringify(segments[1])}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`, {
        msCode: codes[kind].missing,
        ...(near ? {fix: `Write "#/${kind}/${near}".`} : {}),
      })
    }
  }
  if (kind === 'definitions' && ctx.on(R.noSiblings) && hasSibling(holder)) {
    const siblings: string[] = []
    for (const key in holder) if (key !== '$ref') siblings.push(key)
    ctx.report(R.noSiblings, {file: 'apiDefinition', path: [...where.path, siblings[0]!], at: 'key'}, `${siblings.map((s) => JSON.stringify(s)).join(', ')} beside $ref ${siblings.length === 1 ? 'is' : 'are'} ignored`)
  }
}

function hasSibling(holder: Obj): boolean {
  for (const key in holder) if (key !== '$ref') return true
  return false
}
