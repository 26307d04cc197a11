/**
 * How `cc` can sign in. People: device code, browser, or an existing Azure CLI session. Pipelines: a service
 * principal with a secret (from an environment variable or stdin, never a flag value) or a certificate, a
 * federated token (a file, GitHub Actions OIDC, Azure Pipelines), or a managed identity. `emulator` is the
 * local emulator's seeded CI service principal, used for `--env local` without any sign-in.
 */
export const loginMethods = [
  'device-code',
  'browser',
  'azure-cli',
  'client-secret',
  'client-certificate',
  'workload-identity',
  'github-oidc',
  'azure-pipelines',
  'managed-identity',
  'emulator',
] as const

export type LoginMethod = (typeof loginMethods)[number]

/** Methods that sign in a person (and keep a refresh token). */
export const userMethods: ReadonlySet<LoginMethod> = new Set(['device-code', 'browser'])

export const methodDescriptions: Readonly<Record<LoginMethod, string>> = {
  'device-code': 'a person, with a code entered at the device-login page (works over SSH)',
  browser: 'a person, in the system browser',
  'azure-cli': 'the account `az login` signed in',
  'client-secret': 'a service principal with a client secret (from --client-secret-env or stdin)',
  'client-certificate': 'a service principal with a certificate (PEM with the private key)',
  'workload-identity': 'a service principal with a federated token read from a file (AZURE_FEDERATED_TOKEN_FILE)',
  'github-oidc': 'a service principal with the GitHub Actions OIDC token (permissions: id-token: write)',
  'azure-pipelines': 'a service principal through an Azure Pipelines service connection (workload identity federation)',
  'managed-identity': 'the managed identity of the Azure machine cc runs on',
  emulator: "the local emulator's seeded CI service principal (only for --env local)",
}

/** The Azure CLI's public client id: what paconn signs in with, pre-authorized for the Power Apps service. */
export const defaultPublicClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'

/** The emulator's seeded CI service principal (docs/architecture.md; public on purpose, emulator only). */
export const emulatorCiPrincipal = {
  tenantId: '8a7f5b2e-3c41-4d6a-9e0f-1b2c3d4e5f60',
  clientId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  secret: 'emulator-ci-secret',
} as const
