import {randomUUID} from 'node:crypto'

import type {EmulatorContext} from '../context.js'
import {odataError, type EmulatorRequest} from '../http.js'
import {findEnvironment} from '../identity/directory.js'
import {dataverseApplicationUsers} from '../seed-identities.js'
import {collections, type EnvironmentRecord, type SolutionComponentRecord, type SolutionRecord} from '../state/records.js'
import {uuidFrom} from '../state/seed.js'
import type {Transaction} from '../state/store.js'

/** A request's org: the environment, its URLs, and the caller as a system user. */
export interface OrgContext extends EmulatorContext {
  environment: EnvironmentRecord
  /** `<origin>/dataverse/<environment>` */
  orgUrl: string
  /** `<orgUrl>/api/data/v9.2` (the version the client used) */
  apiUrl: string
  systemUserId(principalId: string): string
}

export async function orgOf(req: EmulatorRequest, ctx: EmulatorContext): Promise<Omit<OrgContext, keyof EmulatorContext>> {
  if (!/^v9\.[0-2]$/.test(req.params.version!)) throw odataError(404, '0x8006088a', `Resource not found for the segment '${req.params.version}' (the emulator serves v9.0 to v9.2).`)
  const environment = await findEnvironment(ctx, req.params.environment!)
  if (!environment) throw odataError(404, '0x80040217', `No Dataverse organization for the environment '${req.params.environment}'.`)
  const caller = req.auth!
  if (caller.kind === 'app' && !dataverseApplicationUsers.includes(caller.appId)) {
    throw odataError(403, '0x80072560', `The user is not a member of the organization. (The application ${caller.appId} is not an application user of ${environment.organizationUniqueName}.)`)
  }
  const orgUrl = `${req.origin}/dataverse/${environment.id}`
  return {
    environment,
    orgUrl,
    apiUrl: `${orgUrl}/api/data/${req.params.version}`,
    systemUserId: (principalId: string) => uuidFrom(`${environment.id}/systemuser/${principalId}`),
  }
}

/** A solution by unique name that can take components (it must exist and be unmanaged). */
export async function unmanagedSolution(org: OrgContext, tx: Transaction, uniqueName: string): Promise<SolutionRecord> {
  const solution = (await tx.list<SolutionRecord>(collections.solutions(org.environment.id))).find((s) => s.uniquename.toLowerCase() === uniqueName.toLowerCase())
  if (!solution) throw odataError(404, '0x8004a103', `The solution with unique name '${uniqueName}' does not exist in this environment.`)
  if (solution.ismanaged) throw odataError(400, '0x8004f043', `The solution '${uniqueName}' is managed: components cannot be added to a managed solution.`)
  return solution
}

/** Adds a connector to a solution as a root component (type 372); idempotent. */
export async function addComponent(org: EmulatorContext & {environment: EnvironmentRecord}, tx: Transaction, solution: SolutionRecord, connectorid: string): Promise<SolutionComponentRecord> {
  if (solution.uniquename === 'Default') {
    return {solutioncomponentid: uuidFrom(`${solution.solutionid}/${connectorid}`), solutionid: solution.solutionid, objectid: connectorid, componenttype: 372, rootcomponentbehavior: 0, createdon: new Date(org.now()).toISOString()}
  }
  const collection = collections.solutionComponents(org.environment.id)
  const existing = (await tx.list<SolutionComponentRecord>(collection)).find((c) => c.solutionid === solution.solutionid && c.objectid === connectorid)
  if (existing) return existing
  const component: SolutionComponentRecord = {solutioncomponentid: randomUUID(), solutionid: solution.solutionid, objectid: connectorid, componenttype: 372, rootcomponentbehavior: 0, createdon: new Date(org.now()).toISOString()}
  tx.put(collection, component.solutioncomponentid, component)
  return component
}

