import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

// SQLite in WAL mode appends each commit's pages to the log, and by default the commit that takes
// the log past 1,000 pages also copies the log into the database file (a checkpoint): on a server
// taking log-batch requests, every ~90th request paid for the copying of the ones before it, on the
// event loop (about 0.15 ms a request on average, 7 % of a 1,000-point log-batch's CPU).
//
// A worker thread with its own connection runs PASSIVE checkpoints instead, which never take the
// write lock, so the event loop only appends. The main connection keeps an automatic checkpoint at
// a higher mark (CHECKPOINT_BACKSTOP_PAGES) as a backstop: the log is written again from its start
// only after a checkpoint that copied all of it, and one running beside a stream of commits
// rarely does; the backstop's checkpoint, right after a commit, has at most the pages the worker
// has not yet copied left to do, and lets the next transaction start the log over.

/** The main connection's own automatic checkpoint when a Checkpointer runs beside it. */
export const CHECKPOINT_BACKSTOP_PAGES = 4000
// How often the worker looks for new commits.
const PERIOD_MS = 50

// Index 0: commits so far (main thread). Index 1: 1 once the worker is to stop.
const COMMITS = 0
const STOP = 1

// CommonJS, run with `eval`: no file to ship or find beside the bundle. The driver is the one the
// main thread loaded, by its resolved path.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const shared = new Int32Array(workerData.shared)
const db = new Database(workerData.path, { fileMustExist: true })
db.pragma('busy_timeout = 0')
let seen = 0
while (Atomics.wait(shared, ${STOP}, 0, ${PERIOD_MS}) !== 'ok' && Atomics.load(shared, ${STOP}) === 0) {
  const commits = Atomics.load(shared, ${COMMITS})
  if (commits === seen) continue
  seen = commits
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy (another checkpoint is running) or the file went away: the backstop still checkpoints.
  }
}
db.close()
`

/** A worker thread checkpointing a SQLite file's write-ahead log (see above). */
export class Checkpointer {
  private readonly shared = new Int32Array(new SharedArrayBuffer(8))
  private readonly worker: Worker
  private readonly exited: Promise<void>

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, shared: this.shared.buffer } })
    // A failure in the worker costs only its checkpoints; the backstop keeps the log bounded.
    this.worker.on('error', () => {})
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
    // It never keeps a process alive that has nothing else to do (an SDK script, a test).
    this.worker.unref()
  }

  /** Counts a commit; the worker checkpoints within PERIOD_MS of seeing the count move. */
  committed(): void {
    Atomics.add(this.shared, COMMITS, 1)
  }

  /** Stops the worker and waits until its connection is closed. */
  async stop(): Promise<void> {
    Atomics.store(this.shared, STOP, 1)
    Atomics.notify(this.shared, STOP)
    // Waited for, the worker must keep the process alive until it has closed its connection.
    this.worker.ref()
    await this.exited
  }
}
