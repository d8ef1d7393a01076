import type { ServerOptions } from '@orchard/server'
import { explainListenError } from './listen-error.ts'
import { exitNow, shutdownRequested } from './shutdown-signal.ts'

/** One process serving until SIGTERM/SIGINT; then in-flight requests finish and the store closes. */
export async function serveInProcess(options: ServerOptions): Promise<number> {
  const { startServer } = await import('@orchard/server')
  const server = await startServer(options).catch((error: unknown) => {
    throw explainListenError(error, options.host, options.port)
  })
  process.stdout.write(`Listening on ${server.url}\n`)
  const reason = await shutdownRequested({ onSecondSignal: exitNow })
  process.stderr.write(`${reason}: finishing in-flight requests, then stopping\n`)
  await server.close()
  return 0
}
