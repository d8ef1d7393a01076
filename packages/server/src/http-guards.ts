import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'

// What Node's HTTP server answers on its own, before any request reaches the app, said in MLflow's
// error JSON like every other refusal: a request whose headers overflow the limit (431), one that
// cannot be parsed (400), one too slow to arrive (408).

function refusal(error: NodeJS.ErrnoException, maxHeaderBytes: number): { status: number; reason: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        message: `The request's headers (with its URL) exceed the limit of ${maxHeaderBytes} bytes; send large requests as POST bodies where the API allows.`,
      }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', message: 'The request did not arrive in time.' }
    default:
      return { status: 400, reason: 'Bad Request', message: 'Malformed HTTP request.' }
  }
}

/** Answer Node's own client errors with MLflow's error JSON instead of its bare status lines. */
export function answerClientErrors(server: Server, maxHeaderBytes: number): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's default handler: nothing to answer on a dead socket or mid-response.
    const inResponse = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
    if (error.code === 'ECONNRESET' || !socket.writable || inResponse) {
      socket.destroy()
      return
    }
    const { status, reason, message } = refusal(error, maxHeaderBytes)
    const body = JSON.stringify({ error_code: 'BAD_REQUEST', message })
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
}

/**
 * Stop accepting connections and wait for in-flight requests, but no longer than `deadlineMs`:
 * then every connection still open is cut, so a stalled client (or a request stuck on a dead
 * database) cannot hold a SIGTERM open until the orchestrator's SIGKILL.
 */
export function closeWithin(server: Server, deadlineMs: number, sweepMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // close() drops connections idle right now; a keep-alive connection whose request is still
    // in flight goes idle later and would hold shutdown open for keepAliveTimeout. Sweep until done.
    const sweep = setInterval(() => server.closeIdleConnections(), sweepMs)
    const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs)
    server.close((error) => {
      clearInterval(sweep)
      clearTimeout(deadline)
      if (error) reject(error)
      else resolve()
    })
    server.closeIdleConnections()
  })
}
