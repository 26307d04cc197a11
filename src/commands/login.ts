import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {environmentFlags, environmentRequest, promptSecret, readSecretFromStdin, secretFlags} from '../cli/flags/environment.js'
import {renderLogin} from '../cli/render/auth.js'
import {login, type LoginResult} from '../core/auth/login.js'
import {loginMethods} from '../core/auth/methods.js'

export default class Login extends BaseCommand<LoginResult> {
  static override summary = 'Sign in for an environment: a person (device code, browser, Azure CLI) or a pipeline (service principal, federated token, managed identity).'

  static override description = `Signs in to the cloud and tenant of an environment and keeps the tokens in a token cache that only you can read (0600), so later commands run without asking and refresh tokens silently. What is remembered never includes a secret.

Methods (--method):
  device-code         a person; open the page shown and enter the code (works over SSH). Default at a terminal.
  browser             a person, in the system browser.
  azure-cli           reuse the account of \`az login\`.
  client-secret       a service principal; the secret comes from --client-secret-env VAR or --client-secret-stdin (never a flag value). A secret from stdin is not kept: commands work until the token expires.
  client-certificate  a service principal with a PEM file holding the certificate and its key (--certificate).
  workload-identity   a service principal with a federated token file (--federated-token-file or AZURE_FEDERATED_TOKEN_FILE).
  github-oidc         a service principal federated with GitHub Actions (the job needs permissions: id-token: write). No secret.
  azure-pipelines     a service principal through an Azure Pipelines service connection (SYSTEM_ACCESSTOKEN).
  managed-identity    the managed identity of the Azure machine cc runs on.
  emulator            the local emulator's CI service principal (default for --env local; also used without any login).

CI can skip cc login: with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, or the GitHub OIDC variables) set, every command signs in by itself.

Exit codes: 0 signed in, 4 the sign-in failed (wrong secret, tenant or app; expired code), 2 bad flags, 1 other failures.`

  static override examples = [
    {description: 'Sign in to the embedded emulator (no tenant needed)', command: '<%= config.bin %> <%= command.id %> --env local'},
    {description: 'A person, for the environment "dev" of cc.yaml', command: '<%= config.bin %> <%= command.id %> --env dev'},
    {description: 'GitHub Actions with OIDC, no secret', command: '<%= config.bin %> <%= command.id %> --env prod --method github-oidc --client-id $AZURE_CLIENT_ID --tenant $AZURE_TENANT_ID'},
    {description: 'A service principal, secret from an environment variable', command: '<%= config.bin %> <%= command.id %> --env test --method client-secret --client-id 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b --tenant contoso.onmicrosoft.com --client-secret-env AZURE_CLIENT_SECRET'},
    {description: 'A service principal, secret on stdin', command: 'printenv SP_SECRET | <%= config.bin %> <%= command.id %> --env test --method client-secret --client-id 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b --tenant contoso.onmicrosoft.com --client-secret-stdin'},
  ]

  static override flags = {
    ...environmentFlags,
    method: Flags.option({options: loginMethods, summary: 'How to sign in (see the description).'})(),
    'client-id': Flags.string({summary: 'Application (client) id: the service principal, or a public client app for people (default: Azure CLI).', helpValue: 'APP_ID'}),
    ...secretFlags,
    certificate: Flags.string({summary: 'PEM file with the certificate and its private key (client-certificate).', helpValue: 'FILE'}),
    'certificate-password-env': Flags.string({summary: 'Environment variable holding the password of an encrypted private key.', helpValue: 'VAR'}),
    'federated-token-file': Flags.string({summary: 'File holding a federated token (workload-identity).', helpValue: 'FILE'}),
    'service-connection-id': Flags.string({summary: 'Azure Pipelines service connection id (azure-pipelines).', helpValue: 'ID'}),
  }

  async run(): Promise<LoginResult> {
    const {flags} = await this.parse(Login)
    const ctx = this.context()
    let clientSecret: string | undefined
    if (flags['client-secret-stdin']) clientSecret = await readSecretFromStdin()
    else if (flags.method === 'client-secret' && !flags['client-secret-env'] && ctx.interactive) clientSecret = await promptSecret('Client secret (not shown): ')
    const result = await login(
      {
        ...environmentRequest(flags),
        ...(flags.method ? {method: flags.method} : {}),
        ...(flags['client-id'] ? {clientId: flags['client-id']} : {}),
        ...(clientSecret ? {clientSecret} : {}),
        ...(flags['client-secret-env'] ? {clientSecretEnv: flags['client-secret-env']} : {}),
        ...(flags.certificate ? {certificatePath: flags.certificate} : {}),
        ...(flags['certificate-password-env'] ? {certificatePasswordEnv: flags['certificate-password-env']} : {}),
        ...(flags['federated-token-file'] ? {federatedTokenFile: flags['federated-token-file']} : {}),
        ...(flags['service-connection-id'] ? {serviceConnectionId: flags['service-connection-id']} : {}),
        onDeviceCode: (prompt) => process.stderr.write(`${prompt.message}\n`),
      },
      ctx,
    )
    if (!this.jsonEnabled()) this.log(renderLogin(result))
    return result
  }
}
