import {parentPort, workerData} from 'node:worker_threads'

import {runJob, type WorkerInput, type WorkerReply} from './parallel.js'

/**
 * A validation worker thread: takes the next connector folder from the counter it shares with the main thread and
 * the other workers, sends back each result, and says when the queue is empty.
 */
const {jobs, cwd, next} = workerData as WorkerInput
for (;;) {
  const index = Atomics.add(next, 0, 1)
  if (index >= jobs.length) break
  parentPort!.postMessage(await runJob(jobs[index]!, index, cwd))
}
parentPort!.postMessage({finished: true} satisfies WorkerReply)
