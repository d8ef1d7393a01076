import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import type { ServerOptions } from '@orchard/server'
import { explainListenError } from './listen-error.ts'
import { exitNow, shutdownRequested } from './shutdown-signal.ts'

// `--workers N`: N processes share one listening socket through node:cluster (the primary accepts
// and hands connections out round-robin). The primary holds no store; it restarts workers that die
// and, on SIGTERM/SIGINT, passes SIGTERM on to each worker and waits for all of them to drain.
// A signal rather than an IPC message: a worker still starting up has no message handler yet and
// would lose the message, but a signal either reaches its handler or ends the process.

interface ListeningMessage {
  readonly type: 'listening'
  readonly url: string
}

const isListening = (message: unknown): message is ListeningMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'listening'

// A worker that dies within this long of starting waits as long again before its replacement, so a
// crash loop (database gone, disk full) doesn't spin a core.
const CRASH_LOOP_MS = 1000

export async function servePrimary(options: ServerOptions, workerCount: number): Promise<number> {
  // A new database is created, or an old schema refused with the upgrade command, by one process
  // here rather than by N workers racing each other.
  const { openTrackingStore } = await import('@orchard/store')
  const store = await openTrackingStore(options.backendStoreUri, { defaultArtifactRoot: options.defaultArtifactRoot })
  await store.close()

  return new Promise<number>((resolve) => {
    const live = new Map<number, { worker: Worker; startedAt: number }>()
    const ready = new Set<number>()
    const restarts = new Set<NodeJS.Timeout>()
    let announced = false
    let stopping = false
    let exitCode = 0

    const fork = () => {
      const worker = cluster.fork()
      live.set(worker.id, { worker, startedAt: Date.now() })
    }
    const stop = () => {
      stopping = true
      for (const timer of restarts) clearTimeout(timer)
      for (const { worker } of live.values()) worker.process.kill('SIGTERM')
      if (live.size === 0) resolve(exitCode)
    }

    cluster.on('message', (worker, message: unknown) => {
      if (!isListening(message)) return
      ready.add(worker.id)
      if (!announced && ready.size === workerCount) {
        announced = true
        process.stdout.write(`Listening on ${message.url} (${workerCount} workers)\n`)
      }
    })
    cluster.on('exit', (worker, code, signal) => {
      const entry = live.get(worker.id)
      live.delete(worker.id)
      ready.delete(worker.id)
      if (stopping) {
        if (live.size === 0) resolve(exitCode)
        return
      }
      const how = signal ? `signal ${signal}` : `exit code ${code}`
      if (!announced) {
        // Before the server is up, one worker failing means they all will (bad URI, port taken).
        process.stderr.write(`worker ${worker.process.pid} failed to start (${how}); stopping\n`)
        exitCode = 1
        stop()
        return
      }
      process.stderr.write(`worker ${worker.process.pid} stopped (${how}); starting a replacement\n`)
      const crashLoop = entry !== undefined && Date.now() - entry.startedAt < CRASH_LOOP_MS
      const timer = setTimeout(() => {
        restarts.delete(timer)
        if (!stopping) fork()
      }, crashLoop ? CRASH_LOOP_MS : 0)
      restarts.add(timer)
    })

    const onSecondSignal = (signal: string) => {
      for (const { worker } of live.values()) worker.process.kill('SIGKILL')
      exitNow(signal)
    }
    void shutdownRequested({ onSecondSignal }).then((reason) => {
      process.stderr.write(`${reason}: finishing in-flight requests, then stopping\n`)
      stop()
    })
    for (let i = 0; i < workerCount; i++) fork()
  })
}

/**
 * A cluster worker: serves on the shared port until SIGTERM/SIGINT. Any number of signals just
 * drain (Ctrl-C reaches the workers and the primary's SIGTERM follows); giving up on in-flight
 * requests is the primary's call.
 */
export async function serveWorker(options: ServerOptions): Promise<number> {
  // (Should the primary die, node:cluster ends its workers itself.)
  const stopRequested = shutdownRequested({})
  const { startServer } = await import('@orchard/server')
  let server
  try {
    server = await startServer(options)
  } catch (error) {
    // Let the process exit with the code of the error the caller prints (disconnecting instead
    // would make node:cluster exit 0 at once).
    process.channel?.unref()
    throw explainListenError(error, options.host, options.port)
  }
  process.send?.({ type: 'listening', url: server.url } satisfies ListeningMessage)
  await stopRequested
  await server.close()
  return 0
}
