// The process-wide listeners behind "flush on exit" and "end runs KILLED on Ctrl-C". Each is installed
// only while someone needs it, so a program that has finished with the SDK keeps Node's own
// behaviour, and however many clients exist there is one listener of each kind.

/** Work to finish before the process exits on its own (the event loop ran dry). */
interface ExitTask {
  /** Whether there is anything to do. */
  pending(): boolean
  run(): Promise<void>
}

const exitTasks = new Set<ExitTask>()
// beforeExit fires again after our own async work ends; a task that is still pending after this many
// rounds is failing for good, and must not keep the process alive for ever.
const MAX_EXIT_ROUNDS = 3
const exitRounds = new WeakMap<ExitTask, number>()

/** Report an error nobody is left to catch: on stderr, and as a failing exit code. */
function reportUnhandled(what: string, error: unknown): void {
  console.error(`orchard: ${what}:`, error)
  process.exitCode = process.exitCode || 1
}

function runExitTasks(): void {
  const due = [...exitTasks].filter((task) => task.pending() && (exitRounds.get(task) ?? 0) < MAX_EXIT_ROUNDS)
  for (const task of due) {
    exitRounds.set(task, (exitRounds.get(task) ?? 0) + 1)
    task.run().catch((error: unknown) => reportUnhandled('could not finish logging before exit', error))
  }
}

/** Run `task` when the process is about to exit on its own; returns the function that cancels it. */
export function onBeforeExit(task: ExitTask): () => void {
  if (exitTasks.size === 0) process.on('beforeExit', runExitTasks)
  exitTasks.add(task)
  return () => {
    exitTasks.delete(task)
    if (exitTasks.size === 0) process.off('beforeExit', runExitTasks)
  }
}

const TERMINATION_SIGNALS = ['SIGINT', 'SIGTERM'] as const
type TerminationSignal = (typeof TERMINATION_SIGNALS)[number]
const signalTasks = new Set<(signal: TerminationSignal) => Promise<void>>()

function onSignal(signal: TerminationSignal): void {
  // Our listeners go first, so a second Ctrl-C while we clean up kills the process at once.
  for (const name of TERMINATION_SIGNALS) process.off(name, onSignal)
  const tasks = [...signalTasks]
  signalTasks.clear()
  void Promise.allSettled(tasks.map((task) => task(signal))).then((results) => {
    for (const result of results) {
      if (result.status === 'rejected') reportUnhandled(`could not record ${signal}`, result.reason)
    }
    // Re-raise so the process ends as the signal means, unless the program handles it itself.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  })
}

/**
 * Run `task` on SIGINT or SIGTERM, then let the signal take its course; returns the function that
 * cancels it.
 */
export function onTerminationSignal(task: (signal: TerminationSignal) => Promise<void>): () => void {
  if (signalTasks.size === 0) for (const name of TERMINATION_SIGNALS) process.on(name, onSignal)
  signalTasks.add(task)
  return () => {
    signalTasks.delete(task)
    if (signalTasks.size === 0) for (const name of TERMINATION_SIGNALS) process.off(name, onSignal)
  }
}
