import {Flags} from '@oclif/core'

import type {ImportOptions} from '../../core/transfer/import.js'
import {defaultConcurrency} from '../../core/transfer/pool.js'
import {readSecretFromStdin} from './environment.js'

/** Flags that cc import, cc migrate and cc identity sync share, with one meaning everywhere. */
export const concurrencyFlag = {
  concurrency: Flags.integer({summary: 'Connectors handled at once (Graph writes for one app are still one at a time).', min: 1, max: 32, default: defaultConcurrency, helpValue: 'N'}),
}

export const applyFlags = {
  plan: Flags.boolean({summary: 'Print exactly what would change (connectors, credentials, redirect URIs, secrets) and change nothing.', default: false}),
  yes: Flags.boolean({char: 'y', summary: 'Make the changes without asking (needed without a terminal).', default: false}),
}

export const secretSourceFlags = {
  'client-secret-env': Flags.string({
    summary: 'Environment variable with the OAuth client secret: VAR for every connector, FOLDER=VAR for one (repeatable).',
    multiple: true,
    helpValue: '[FOLDER=]VAR',
  }),
  'client-secret-stdin': Flags.boolean({summary: 'Read the OAuth client secret (for every connector that needs one) from stdin.', default: false}),
}

export const pastedIdentityFlags = {
  issuer: Flags.string({summary: "The managed identity's issuer, as the portal shows it (when the platform does not return it).", dependsOn: ['subject'], helpValue: 'URL'}),
  subject: Flags.string({summary: "The managed identity's subject, as the portal shows it.", dependsOn: ['issuer'], helpValue: 'SUBJECT'}),
  'identity-file': Flags.string({summary: 'JSON or YAML file mapping connectors to {issuer, subject}, as pasted from the portal.', helpValue: 'FILE'}),
}

/** Everything import and migrate take for the fix-ups: secrets, re-sending them, pasted managed-identity values. */
export const identityFlags = {
  ...secretSourceFlags,
  'reapply-secrets': Flags.boolean({summary: 'Send the given secrets to connectors that are otherwise unchanged as well.', default: false}),
  ...pastedIdentityFlags,
}

/** The import options that the identity flags set. */
export async function identityOptions(flags: {
  'client-secret-env'?: string[] | undefined
  'client-secret-stdin'?: boolean
  'reapply-secrets'?: boolean
  issuer?: string | undefined
  subject?: string | undefined
  'identity-file'?: string | undefined
}): Promise<Pick<ImportOptions, 'secrets' | 'reapplySecrets' | 'issuer' | 'subject' | 'identityFile'>> {
  const stdin = flags['client-secret-stdin'] ? await readSecretFromStdin() : undefined
  return {
    ...(flags['client-secret-env']?.length || stdin ? {secrets: {...(flags['client-secret-env'] ? {envVars: flags['client-secret-env']} : {}), ...(stdin ? {value: stdin} : {})}} : {}),
    ...(flags['reapply-secrets'] ? {reapplySecrets: true} : {}),
    ...(flags.issuer ? {issuer: flags.issuer} : {}),
    ...(flags.subject ? {subject: flags.subject} : {}),
    ...(flags['identity-file'] ? {identityFile: flags['identity-file']} : {}),
  }
}

export const skipIdentityFlag = {
  'skip-identity': Flags.boolean({summary: 'Leave federated credentials and redirect URIs alone (no Microsoft Graph calls).', default: false}),
}

/** The options import and migrate take from their shared flags (the command adds where, what, and how to ask). */
export async function importFlagOptions(flags: Parameters<typeof identityOptions>[0] & {plan: boolean; yes: boolean; concurrency: number; 'skip-identity': boolean}): Promise<Pick<ImportOptions, 'plan' | 'yes' | 'concurrency' | 'identity' | 'secrets' | 'reapplySecrets' | 'issuer' | 'subject' | 'identityFile'>> {
  return {plan: flags.plan, yes: flags.yes, concurrency: flags.concurrency, identity: !flags['skip-identity'], ...(await identityOptions(flags))}
}
