import type {PointerSegment} from '../../json/pointer.js'
import {isNonEmptyString, isObj, type Obj} from '../model.js'
import {defineRules, type RuleContext, type RuleFamily} from '../rule.js'

/** Certification content rules on info, x-ms-connector-metadata, and the Copilot (AI plugin) extensions. */
export const R = defineRules({
  titleLength: {
    id: 'info/title-length',
    severity: 'error',
    profile: 'certification',
    msCode: 'FieldLengthExceeded',
    description: 'info.title (the connector\'s name) is at most 30 characters.',
  },
  titleWords: {
    id: 'info/title-words',
    severity: 'error',
    profile: 'certification',
    msCode: 'ValueContainsRestrictedWords',
    description: 'info.title contains neither "API" nor "Connector" nor a Power Platform product name (Power Apps, Power Automate, Logic Apps, Power BI, Power Platform, Copilot Studio…).',
  },
  titleEnding: {
    id: 'info/title-ending',
    severity: 'error',
    profile: 'certification',
    msCode: 'ValueMustEndWithAlphanumeric',
    description: 'info.title ends with a letter or digit.',
  },
  description: {
    id: 'info/description',
    severity: 'error',
    profile: 'certification',
    msCode: 'FieldLengthNotInRange',
    description: 'info.description is present, 30 to 500 characters long, and names no Power Platform product.',
  },
  english: {
    id: 'info/english',
    severity: 'warning',
    profile: 'certification',
    msCode: 'ValueMustBeInEnglish',
    description: 'The title, description and operation summaries look like English (heuristic: mostly Latin letters).',
  },
  contact: {
    id: 'info/contact',
    severity: 'error',
    profile: 'certification',
    msCode: 'RequiredPropertyMissing',
    description: 'info.contact has name, url (absolute) and email (valid).',
  },
  metadata: {
    id: 'metadata/present',
    severity: 'error',
    profile: 'certification',
    msCode: 'ConnectorMetadataPropertiesMissing',
    description: 'x-ms-connector-metadata lists Website, Privacy policy and Categories (names as spelled here).',
  },
  metadataUrls: {
    id: 'metadata/urls',
    severity: 'error',
    profile: 'certification',
    msCode: 'UrlNotValid',
    description: 'Website and Privacy policy are absolute http(s) URLs.',
  },
  categories: {
    id: 'metadata/categories',
    severity: 'error',
    profile: 'certification',
    msCode: 'InvalidConnectorCategory',
    description: 'Categories holds one or two ";"-separated categories from the published list of 19.',
  },
  openaiManifest: {
    id: 'openai/manifest',
    severity: 'warning',
    description: 'x-ms-openai-manifest (Copilot plugin) has humanName, modelDescription, contactEmail and legalUrl as strings.',
  },
  openaiData: {
    id: 'openai/data',
    severity: 'warning',
    description: 'x-ms-openai-data has a boolean openai-enabled, and its operations name existing operationIds with boolean flags.',
  },
})

export const categoryNames = [
  'AI',
  'Business Management',
  'Business Intelligence',
  'Collaboration',
  'Commerce',
  'Communication',
  'Content and Files',
  'Finance',
  'Data',
  'Human Resources',
  'Internet of Things',
  'IT Operations',
  'Lifestyle and Entertainment',
  'Marketing',
  'Productivity',
  'Sales and CRM',
  'Security',
  'Social Media',
  'Website',
]

const productNames = ['power apps', 'powerapps', 'power automate', 'microsoft flow', 'logic apps', 'power bi', 'power platform', 'copilot studio', 'power virtual agents', 'power pages', 'dataverse']

function restrictedIn(text: string, words: readonly string[]): string[] {
  const lower = text.toLowerCase()
  return words.filter((word) => new RegExp(`(^|[^a-z0-9])${word.replace(/ /g, '\\s*')}($|[^a-z0-9])`).test(lower))
}

function isAbsoluteUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

const emailPattern = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/

function looksEnglish(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? []
  if (letters.length < 8) return true
  const latin = letters.filter((l) => /[A-Za-z]/.test(l)).length
  return latin / letters.length >= 0.8
}

export const certification: RuleFamily = {
  name: 'certification',
  rules: Object.values(R),
  check(ctx) {
    const doc = ctx.swagger
    if (!doc) return
    if (ctx.profile === 'certification') {
      checkInfo(ctx, doc)
      checkMetadata(ctx, doc)
    }
    checkOpenAi(ctx, doc)
  },
}

function checkInfo(ctx: RuleContext, doc: Obj): void {
  const info = isObj(doc.info) ? doc.info : undefined
  if (!info) return
  const at = (key: string): {file: 'apiDefinition'; path: PointerSegment[]} => ({file: 'apiDefinition', path: ['info', key]})
  const title = info.title
  if (typeof title === 'string' && title !== '') {
    if (title.length > 30) ctx.report(R.titleLength, at('title'), `the title is ${title.length} characters long (at most 30)`)
    const words = restrictedIn(title, ['api', 'connector', ...productNames])
    if (words.length > 0) ctx.report(R.titleWords, at('title'), `the title contains the restricted word${words.length > 1 ? 's' : ''} ${words.map((w) => JSON.stringify(w)).join(', ')}`)
    if (!/[\p{L}\p{N}]$/u.test(title)) ctx.report(R.titleEnding, at('title'), 'the title must end with a letter or digit (no trailing punctuation or space)')
    if (!looksEnglish(title)) ctx.report(R.english, at('title'), 'the title does not look like English')
  }
  const description = info.description
  if (!isNonEmptyString(description)) {
    ctx.report(R.description, description === undefined ? {file: 'apiDefinition', path: ['info'], at: 'key'} : at('description'), 'info.description is missing', {msCode: 'RequiredPropertyMissing'})
  } else {
    if (description.length < 30 || description.length > 500) ctx.report(R.description, at('description'), `the description is ${description.length} characters long (30 to 500)`)
    const words = restrictedIn(description, productNames)
    if (words.length > 0) ctx.report(R.description, at('description'), `the description names ${words.map((w) => JSON.stringify(w)).join(', ')}`, {msCode: 'ValueContainsRestrictedWords'})
    if (!looksEnglish(description)) ctx.report(R.english, at('description'), 'the description does not look like English')
  }
  if (ctx.on(R.english)) {
    for (const op of ctx.model!.operations) {
      if (typeof op.op.summary === 'string' && !looksEnglish(op.op.summary)) ctx.report(R.english, {file: 'apiDefinition', path: [...op.path, 'summary']}, 'the summary does not look like English')
    }
  }
  const contact = info.contact
  if (!isObj(contact)) {
    ctx.report(R.contact, {file: 'apiDefinition', path: ['info'], at: 'key'}, 'info.contact (name, url, email) is missing')
  } else {
    for (const key of ['name', 'url', 'email']) {
      if (!isNonEmptyString(contact[key])) ctx.report(R.contact, {file: 'apiDefinition', path: ['info', 'contact'], at: 'key'}, `info.contact has no ${key}`)
    }
    if (isNonEmptyString(contact.email) && !emailPattern.test(contact.email)) ctx.report(R.contact, {file: 'apiDefinition', path: ['info', 'contact', 'email']}, `${JSON.stringify(contact.email)} is not a valid email address`, {msCode: 'ContactEmailNotValid'})
    if (isNonEmptyString(contact.url) && !isAbsoluteUrl(contact.url)) ctx.report(R.contact, {file: 'apiDefinition', path: ['info', 'contact', 'url']}, `${JSON.stringify(contact.url)} is not an absolute URL`, {msCode: 'UrlNotValid'})
  }
}

function checkMetadata(ctx: RuleContext, doc: Obj): void {
  const metadata = doc['x-ms-connector-metadata']
  if (!Array.isArray(metadata)) {
    ctx.report(R.metadata, {file: 'apiDefinition', path: metadata === undefined ? [] : ['x-ms-connector-metadata'], at: 'key'}, metadata === undefined ? "the 'x-ms-connector-metadata' property is required" : 'x-ms-connector-metadata must be an array', {
      msCode: 'RequiredPropertyMissing',
      fix: 'Add [{"propertyName": "Website", "propertyValue": "…"}, {"propertyName": "Privacy policy", "propertyValue": "…"}, {"propertyName": "Categories", "propertyValue": "…"}].',
    })
    return
  }
  for (const name of ['Website', 'Privacy policy', 'Categories']) {
    const index = metadata.findIndex((e) => isObj(e) && typeof e.propertyName === 'string' && e.propertyName.toLowerCase() === name.toLowerCase())
    if (index < 0) {
      ctx.report(R.metadata, {file: 'apiDefinition', path: ['x-ms-connector-metadata'], at: 'key'}, `the connector metadata property '${name}' is required`)
      continue
    }
    const entry = metadata[index] as Obj
    const path = ['x-ms-connector-metadata', index]
    if (entry.propertyName !== name) ctx.report(R.metadata, {file: 'apiDefinition', path: [...path, 'propertyName']}, `write ${JSON.stringify(name)}, not ${JSON.stringify(entry.propertyName)}`, {severity: 'warning'})
    const value = entry.propertyValue
    if (name === 'Categories') checkCategories(ctx, value, [...path, 'propertyValue'])
    else if (!isAbsoluteUrl(value)) ctx.report(R.metadataUrls, {file: 'apiDefinition', path: [...path, 'propertyValue']}, `${name} must be an absolute URL, found ${JSON.stringify(value)}`)
  }
}

function checkCategories(ctx: RuleContext, value: unknown, path: PointerSegment[]): void {
  const at = {file: 'apiDefinition' as const, path}
  if (typeof value !== 'string' || value.trim() === '') {
    ctx.report(R.categories, at, 'Categories must name one or two categories separated by ";"')
    return
  }
  const names = value.split(';').map((c) => c.trim()).filter((c) => c !== '')
  if (names.length > 2) ctx.report(R.categories, at, `${names.length} categories; at most 2`, {msCode: 'TooManyConnectorCategories'})
  for (const name of names) {
    if (categoryNames.includes(name)) continue
    const near = categoryNames.find((c) => c.toLowerCase() === name.toLowerCase())
    ctx.report(R.categories, at, `${JSON.stringify(name)} is not a connector category${near ? ` (write ${JSON.stringify(near)})` : `; use one of: ${categoryNames.join(', ')}`}`, near ? {severity: 'warning'} : undefined)
  }
}

function checkOpenAi(ctx: RuleContext, doc: Obj): void {
  const manifest = doc['x-ms-openai-manifest']
  if (manifest !== undefined && ctx.on(R.openaiManifest)) {
    if (!isObj(manifest)) ctx.report(R.openaiManifest, {file: 'apiDefinition', path: ['x-ms-openai-manifest']}, 'x-ms-openai-manifest must be an object')
    else {
      for (const key of ['humanName', 'modelDescription', 'contactEmail', 'legalUrl']) {
        if (!isNonEmptyString(manifest[key])) ctx.report(R.openaiManifest, {file: 'apiDefinition', path: ['x-ms-openai-manifest'], at: 'key'}, `x-ms-openai-manifest has no ${key}`)
      }
      if (isNonEmptyString(manifest.contactEmail) && !emailPattern.test(manifest.contactEmail)) {
        ctx.report(R.openaiManifest, {file: 'apiDefinition', path: ['x-ms-openai-manifest', 'contactEmail']}, `${JSON.stringify(manifest.contactEmail)} is not a valid email address`)
      }
      if (isNonEmptyString(manifest.legalUrl) && !isAbsoluteUrl(manifest.legalUrl)) ctx.report(R.openaiManifest, {file: 'apiDefinition', path: ['x-ms-openai-manifest', 'legalUrl']}, `${JSON.stringify(manifest.legalUrl)} is not an absolute URL`)
    }
  }
  if (!ctx.on(R.openaiData)) return
  const places: Array<{data: unknown; path: PointerSegment[]}> = [{data: doc['x-ms-openai-data'], path: ['x-ms-openai-data']}]
  for (const op of ctx.model!.operations) places.push({data: op.op['x-ms-openai-data'], path: [...op.path, 'x-ms-openai-data']})
  for (const {data, path} of places) {
    if (data === undefined) continue
    if (!isObj(data)) {
      ctx.report(R.openaiData, {file: 'apiDefinition', path}, 'x-ms-openai-data must be an object')
      continue
    }
    if (data['openai-enabled'] !== undefined && typeof data['openai-enabled'] !== 'boolean') ctx.report(R.openaiData, {file: 'apiDefinition', path: [...path, 'openai-enabled']}, 'openai-enabled must be true or false')
    if (data.operations === undefined) continue
    if (!Array.isArray(data.operations)) {
      ctx.report(R.openaiData, {file: 'apiDefinition', path: [...path, 'operations']}, 'operations must be an array')
      continue
    }
    data.operations.forEach((entry, i) => {
      const at = [...path, 'operations', i]
      if (!isObj(entry)) return ctx.report(R.openaiData, {file: 'apiDefinition', path: at}, 'each entry must be an object with an operationId')
      if (typeof entry.operationId !== 'string' || !ctx.model!.byId.has(entry.operationId)) {
        ctx.report(R.openaiData, {file: 'apiDefinition', path: [...at, 'operationId']}, `operation ${JSON.stringify(entry.operationId)} does not exist`, {msCode: 'OperationIdNotFound'})
      }
      const confirm = entry['x-ms-require-user-confirmation']
      if (confirm !== undefined && typeof confirm !== 'boolean') ctx.report(R.openaiData, {file: 'apiDefinition', path: [...at, 'x-ms-require-user-confirmation']}, 'x-ms-require-user-confirmation must be true or false')
    })
  }
}
