import type {PointerSegment} from '../../json/pointer.js'
import {isObj, type OperationInfo, type Obj, type SwaggerModel} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** Triggers (polling and webhook), x-ms-notification, x-ms-pageable, x-ms-api-annotation. */
export const R = defineRules({
  trigger: {
    id: 'trigger/enum',
    severity: 'error',
    description: 'x-ms-trigger is "single" or "batch"; x-ms-trigger-metadata is {"kind": "query", "mode": "polling"}.',
  },
  notificationUrl: {
    id: 'webhook/notification-url',
    severity: 'error',
    msCode: 'WebhookOperationsMissingNotificationUrlProperty',
    description:
      'A webhook registration has one body property marked "x-ms-notification-url": true that is a string, internal (or inside an internal parent) and required along its whole path; the marker appears nowhere else.',
  },
  notificationContent: {
    id: 'webhook/notification-content',
    severity: 'error',
    msCode: 'OperationMustHaveNotificationContentExtension',
    description: 'A webhook registration\'s path item has x-ms-notification-content (the schema of what the service posts to the flow).',
  },
  deleteOperation: {
    id: 'webhook/delete-operation',
    severity: 'warning',
    description: 'A connector with webhook triggers has a DELETE operation to remove the subscription (the platform calls it on the Location the registration returns).',
  },
  notification: {
    id: 'webhook/x-ms-notification',
    severity: 'error',
    msCode: 'NotificationExtensionSupportedForTriggerOnly',
    description: 'x-ms-notification is used only on triggers that are not webhooks themselves, and names a webhook registration.',
  },
  nextLink: {
    id: 'pageable/next-link',
    severity: 'warning',
    certification: 'error',
    msCode: 'InvalidNextLinkNameValue',
    description: 'x-ms-pageable.nextLinkName is "nextLink" or "@odata.nextLink" (live connectors use other spellings, so it is a warning outside certification).',
  },
  replacement: {
    id: 'annotation/replacement',
    severity: 'error',
    msCode: 'ApiAnnotationExtensionReplacementInfoForNonDeprecatedOperations',
    description: 'x-ms-api-annotation.replacement only on deprecated operations, with both "api" and "operationId".',
  },
  family: {
    id: 'annotation/family',
    severity: 'error',
    msCode: 'OperationFamilyHasDuplicateRevisions',
    description:
      'In an operation family: unique revisions, at most two operations not deprecated, at most one in Production, at most one without a revision; newer revisions\' operationIds end with the revision (a warning outside certification).',
  },
  status: {
    id: 'annotation/status',
    severity: 'error',
    msCode: 'OperationStatusAheadOfConnector',
    description: 'Statuses are "Production" or "Preview" (other cases are warnings outside certification); no Production operation in a Preview connector.',
  },
})

export const triggers: RuleFamily = {
  name: 'triggers',
  rules: Object.values(R),
  check(ctx) {
    const model = ctx.model
    if (!model) return
    let webhooks = 0
    for (let i = 0; i < model.operations.length; i++) {
      const op = model.operations[i]!
      checkTrigger(ctx, op)
      if (op.webhook || hasMarker(model, op)) {
        webhooks++
        checkWebhook(ctx, model, op)
      } else if (op.trigger && isObj(op.pathItem['x-ms-notification-content']) && op.method === 'post' && op.op['x-ms-notification'] === undefined && !isPolling(op)) {
        ctx.report(R.notificationUrl, {file: 'apiDefinition', path: op.path, at: 'key'}, `${op.operationId ?? op.pathKey} looks like a webhook registration (trigger with x-ms-notification-content) but no body property is marked "x-ms-notification-url": true`)
      }
      checkNotification(ctx, model, op)
      checkPageable(ctx, op)
    }
    if (webhooks > 0 && !model.operations.some((op) => op.method === 'delete')) {
      const first = model.operations.find((op) => op.webhook || hasMarker(model, op))!
      ctx.report(R.deleteOperation, {file: 'apiDefinition', path: first.path, at: 'key'}, 'the connector registers webhooks but has no DELETE operation to remove them', {
        fix: 'Add an internal DELETE operation on the path the registration returns in its Location header.',
      })
    }
    checkMarkersElsewhere(ctx, model)
    checkAnnotations(ctx, model)
  },
}

function isPolling(op: OperationInfo): boolean {
  return isObj(op.op['x-ms-trigger-metadata']) || op.method === 'get'
}

function checkTrigger(ctx: RuleContext, op: OperationInfo): void {
  const trigger = op.op['x-ms-trigger']
  if (trigger !== undefined && trigger !== 'single' && trigger !== 'batch') {
    const near = typeof trigger === 'string' && ['single', 'batch'].includes(trigger.toLowerCase()) ? ` (did you mean "${trigger.toLowerCase()}"?)` : ''
    ctx.report(R.trigger, {file: 'apiDefinition', path: [...op.path, 'x-ms-trigger']}, `x-ms-trigger must be "single" or "batch", found ${JSON.stringify(trigger)}${near}`)
  }
  const metadata = op.op['x-ms-trigger-metadata']
  if (metadata !== undefined) {
    if (!isObj(metadata) || metadata.kind !== 'query' || metadata.mode !== 'polling') {
      ctx.report(R.trigger, {file: 'apiDefinition', path: [...op.path, 'x-ms-trigger-metadata']}, 'x-ms-trigger-metadata must be {"kind": "query", "mode": "polling"}')
    }
  }
}

interface Chain {
  path: PointerSegment[]
  schema: Obj
  required: boolean
  internal: boolean
}

/** The chain of properties from a body schema down to the x-ms-notification-url marker. */
function markerChain(model: SwaggerModel, schema: unknown, path: PointerSegment[], depth = 0): Chain[] | undefined {
  const s = model.deref(schema)
  if (!s || depth > 8 || !isObj(s.properties)) return undefined
  const required = Array.isArray(s.required) ? s.required : []
  for (const name in s.properties) {
    const sub = s.properties[name]
    const resolved = model.deref(sub)
    if (!resolved) continue
    const link: Chain = {
      path: [...path, 'properties', name],
      schema: resolved,
      required: required.includes(name),
      internal: String(resolved['x-ms-visibility'] ?? (isObj(sub) ? sub['x-ms-visibility'] : '') ?? '').toLowerCase() === 'internal',
    }
    if (resolved['x-ms-notification-url'] !== undefined || (isObj(sub) && sub['x-ms-notification-url'] !== undefined)) return [link]
    const rest = markerChain(model, resolved, isObj(sub) && typeof sub.$ref !== 'string' ? link.path : link.path, depth + 1)
    if (rest) return [link, ...rest]
  }
  return undefined
}

function hasMarker(model: SwaggerModel, op: OperationInfo): boolean {
  if (!model.mayHold('x-ms-notification-url')) return false
  return op.params.some((p) => p.in === 'body' && markerChain(model, p.param.schema, []) !== undefined)
}

function checkWebhook(ctx: RuleContext, model: SwaggerModel, op: OperationInfo): void {
  const body = op.params.find((p) => p.in === 'body')!
  const chain = markerChain(model, body.param.schema, [...body.defPath, 'schema'])
  if (!chain) return
  const leaf = chain.at(-1)!
  const marker = leaf.schema['x-ms-notification-url']
  const at = {file: 'apiDefinition' as const, path: leaf.path}
  if (marker !== true) {
    ctx.report(R.notificationUrl, {...at, path: [...leaf.path, 'x-ms-notification-url']}, `"x-ms-notification-url" must be true, found ${JSON.stringify(marker)}`)
  }
  if (typeof leaf.schema.type === 'string' && leaf.schema.type !== 'string') {
    ctx.report(R.notificationUrl, {...at, path: [...leaf.path, 'type']}, `the notification URL property is a ${leaf.schema.type}; it must be a string`, {msCode: 'NotificationUrlNotString'})
  }
  if (!chain.some((link) => link.internal)) {
    ctx.report(R.notificationUrl, at, 'the notification URL property (or a parent) must have "x-ms-visibility": "internal" (the platform fills it in)', {msCode: 'NotificationUrlNotInternal'})
  }
  const optional = chain.find((link) => !link.required)
  if (optional) {
    ctx.report(R.notificationUrl, {...at, path: optional.path}, `"${String(optional.path.at(-1))}" must be required (the whole path to the notification URL is required)`, {msCode: 'NotificationUrlNotRequired'})
  }
  if (!isObj(op.pathItem['x-ms-notification-content'])) {
    ctx.report(R.notificationContent, {file: 'apiDefinition', path: ['paths', op.pathKey], at: 'key'}, `${op.operationId ?? op.pathKey} registers a webhook, but its path item has no x-ms-notification-content`, {
      fix: 'Add "x-ms-notification-content": {"description": "…", "schema": {…}} to the path item.',
    })
  }
}

/** The notification-url marker in responses, definitions used by responses, or non-body parameters. */
function checkMarkersElsewhere(ctx: RuleContext, model: SwaggerModel): void {
  if (!model.mayHold('x-ms-notification-url')) return
  const visits = model.schemas()
  for (let i = 0; i < visits.length; i++) {
    const visit = visits[i]!
    if (visit.role === 'output' && visit.schema['x-ms-notification-url'] !== undefined) {
      ctx.report(R.notificationUrl, {file: 'apiDefinition', path: [...visit.path, 'x-ms-notification-url'], at: 'key'}, 'x-ms-notification-url is only allowed in a request body', {
        msCode: 'NotificationUrlNotAllowedInThisPosition',
      })
    }
  }
  for (let i = 0; i < model.operations.length; i++) {
    const op = model.operations[i]!
    for (let q = 0; q < op.params.length; q++) {
      const p = op.params[q]!
      if (p.in !== 'body' && p.param['x-ms-notification-url'] !== undefined) {
        ctx.report(R.notificationUrl, {file: 'apiDefinition', path: [...p.defPath, 'x-ms-notification-url'], at: 'key'}, 'x-ms-notification-url is only allowed on a property of the request body', {
          msCode: 'NotificationUrlNotAllowedInThisPosition',
        })
      }
    }
  }
}

function checkNotification(ctx: RuleContext, model: SwaggerModel, op: OperationInfo): void {
  const notification = op.op['x-ms-notification']
  if (notification === undefined) return
  const at = {file: 'apiDefinition' as const, path: [...op.path, 'x-ms-notification'], at: 'key' as const}
  if (!op.trigger) {
    ctx.report(R.notification, at, 'x-ms-notification is only allowed on triggers')
    return
  }
  if (op.webhook) {
    ctx.report(R.notification, at, 'x-ms-notification is not allowed on a webhook registration', {msCode: 'NotificationExtensionNotSupportedInWebhookOperation'})
    return
  }
  const id = isObj(notification) ? notification.operationId : undefined
  const target = typeof id === 'string' ? model.byId.get(id)?.[0] : undefined
  if (target && !(target.webhook || hasMarker(model, target))) {
    ctx.report(R.notification, {file: 'apiDefinition', path: [...op.path, 'x-ms-notification', 'operationId']}, `x-ms-notification names ${JSON.stringify(id)}, which is not a webhook registration`, {
      msCode: 'NotificationOperationMustBeWebhook',
    })
  }
}

function checkPageable(ctx: RuleContext, op: OperationInfo): void {
  const pageable = op.op['x-ms-pageable']
  if (!isObj(pageable) || pageable.nextLinkName === undefined) return
  const name = pageable.nextLinkName
  if (name !== 'nextLink' && name !== '@odata.nextLink') {
    const near = typeof name === 'string' ? ['nextLink', '@odata.nextLink'].find((n) => n.toLowerCase() === name.toLowerCase()) : undefined
    ctx.report(R.nextLink, {file: 'apiDefinition', path: [...op.path, 'x-ms-pageable', 'nextLinkName']}, `nextLinkName must be "nextLink" or "@odata.nextLink", found ${JSON.stringify(name)}`, {
      ...(near ? {fix: `Write "${near}".`} : {fix: 'Rename the response property, or add an updatenextlink policy.'}),
    })
  }
}

function checkAnnotations(ctx: RuleContext, model: SwaggerModel): void {
  const info = isObj(model.doc.info) ? model.doc.info : {}
  const connectorAnnotation = isObj(info['x-ms-api-annotation']) ? info['x-ms-api-annotation'] : undefined
  const lenient = ctx.profile === 'base' ? {severity: 'warning' as const} : {}
  const statusOf = (value: unknown, path: PointerSegment[]): string | undefined => {
    if (value === undefined) return undefined
    if (value === 'Production' || value === 'Preview') return value
    const near = typeof value === 'string' ? ['Production', 'Preview'].find((s) => s.toLowerCase() === value.toLowerCase()) : undefined
    ctx.report(R.status, {file: 'apiDefinition', path}, `status must be "Production" or "Preview", found ${JSON.stringify(value)}`, {
      msCode: 'JsonValueNotInEnum',
      ...(near ? {...lenient, fix: `Write "${near}".`} : {}),
    })
    return near
  }
  const connectorStatus = connectorAnnotation ? statusOf(connectorAnnotation.status, ['info', 'x-ms-api-annotation', 'status']) : undefined
  const families = new Map<string, Array<{op: OperationInfo; annotation: Obj}>>()
  for (let k = 0; k < model.operations.length; k++) {
    const op = model.operations[k]!
    const annotation = op.op['x-ms-api-annotation']
    if (!isObj(annotation)) continue
    const path = [...op.path, 'x-ms-api-annotation']
    const status = statusOf(annotation.status, [...path, 'status'])
    if (status === 'Production' && connectorStatus === 'Preview') {
      ctx.report(R.status, {file: 'apiDefinition', path: [...path, 'status']}, 'the operation is in Production while the connector (info.x-ms-api-annotation) is in Preview')
    }
    const replacement = annotation.replacement
    if (replacement !== undefined) {
      if (op.op.deprecated !== true) ctx.report(R.replacement, {file: 'apiDefinition', path: [...path, 'replacement'], at: 'key'}, 'a replacement is only allowed on a deprecated operation', {fix: 'Add "deprecated": true, or remove the replacement.'})
      for (const key of ['api', 'operationId']) {
        if (!isObj(replacement) || typeof replacement[key] !== 'string') {
          ctx.report(R.replacement, {file: 'apiDefinition', path: [...path, 'replacement']}, `the replacement has no "${key}"`, {
            msCode: key === 'api' ? 'ApiAnnotationExtensionReplacementInfoMissingApiProperty' : 'ApiAnnotationExtensionReplacementInfoMissingOperationIdProperty',
          })
        }
      }
    }
    if (typeof annotation.family === 'string') families.set(annotation.family, [...(families.get(annotation.family) ?? []), {op, annotation}])
  }
  for (const [family, members] of families) {
    const label = JSON.stringify(family)
    const revisions = new Map<unknown, OperationInfo>()
    for (const {op, annotation} of members) {
      const path = [...op.path, 'x-ms-api-annotation']
      const revision = annotation.revision
      if (revision === undefined) continue
      if (revisions.has(revision)) ctx.report(R.family, {file: 'apiDefinition', path: [...path, 'revision']}, `revision ${JSON.stringify(revision)} of family ${label} is also used by ${revisions.get(revision)!.operationId}`)
      revisions.set(revision, op)
      if (typeof revision === 'number' && revision > 1 && op.operationId && !new RegExp(`(^|[^0-9])${revision}$`).test(op.operationId)) {
        ctx.report(R.family, {file: 'apiDefinition', path: [...op.path, 'operationId']}, `operationId ${JSON.stringify(op.operationId)} does not end with its revision ${revision} (e.g. ${op.operationId.replace(/_?V?\d+$/i, '')}V${revision})`, {
          msCode: 'OperationIdShouldEndWithRevision',
          ...lenient,
        })
      }
    }
    const active = members.filter((m) => m.op.op.deprecated !== true)
    if (active.length > 2) ctx.report(R.family, {file: 'apiDefinition', path: [...active[2]!.op.path, 'x-ms-api-annotation'], at: 'key'}, `family ${label} has ${active.length} operations that are not deprecated (at most 2)`, {msCode: 'OperationFamilyHasManyActiveOperations'})
    const production = active.filter((m) => m.annotation.status === 'Production')
    if (production.length > 1) ctx.report(R.family, {file: 'apiDefinition', path: [...production[1]!.op.path, 'x-ms-api-annotation', 'status']}, `family ${label} has ${production.length} active operations in Production (at most 1)`, {msCode: 'OperationFamilyHasManyActiveProductionOperations'})
    const empty = members.filter((m) => m.annotation.revision === undefined)
    if (empty.length > 1) ctx.report(R.family, {file: 'apiDefinition', path: [...empty[1]!.op.path, 'x-ms-api-annotation'], at: 'key'}, `family ${label} has ${empty.length} operations without a revision (at most 1)`, {msCode: 'OperationFamilyHasManyEmptyRevisions'})
  }
}
