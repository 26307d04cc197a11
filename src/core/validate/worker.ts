import {parentPort} from 'node:worker_threads'

import {loadConnector} from '../connector/load.js'
import {isCcError} from '../errors.js'
import {checkConnector} from './engine.js'
import type {WorkerJob, WorkerReply} from './parallel.js'
import {count} from './validate.js'
import {displayPath} from '../fs/paths.js'

/** A validation worker thread: loads and checks the connector folders the main thread sends, one message each. */
parentPort?.on('message', async (job: WorkerJob) => {
  let reply: WorkerReply
  try {
    const connector = await loadConnector(job.dir)
    const findings = checkConnector(connector, {profile: job.profile, levels: new Map(job.levels), ruleOptions: new Map(job.options), cwd: job.cwd})
    reply = {index: job.index, result: {path: displayPath(connector.dir, job.cwd), name: connector.folderName, profile: job.profile, findings, summary: count(findings)}}
  } catch (error) {
    reply = {
      index: job.index,
      error: isCcError(error)
        ? {message: error.message, code: error.code, exitCode: error.exitCode, suggestions: error.suggestions}
        : {message: error instanceof Error ? (error.stack ?? error.message) : String(error), code: 'INTERNAL', exitCode: 1, suggestions: []},
    }
  }
  parentPort!.postMessage(reply)
})
