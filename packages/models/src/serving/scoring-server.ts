import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HTTP_STATUS, PROMETHEUS_CONTENT_TYPE, isOrchardError } from '@orchard/protocol/base'
import type { LoadedModel } from '../load-model.ts'
import type { ExtraColumns } from '../signature/enforce.ts'
import { UnsupportedMediaType, parseInvocation, predictionsToJson } from '../scoring/payload.ts'
import type { PredictionLogger } from '../monitoring/prediction-log.ts'
import { acceptRequestId } from '../monitoring/prediction-log.ts'
import { ScoringMetrics } from './metrics.ts'
import type { ServedModel } from './metrics.ts'
import { ModelSlot } from './model-slot.ts'

/**
 * A larger body is refused before it is read to the end. MLflow sets no limit; one keeps a bad
 * client from exhausting memory, and 64 MiB is ~1M rows of a few numeric columns.
 */
export const MAX_INVOCATION_BYTES = 64 * 1024 * 1024

export interface ScoringServerOptions {
  readonly model: LoadedModel
  /** Shown by /metrics as `model_uri`; e.g. the model URI. Defaults to the model's folder. */
  readonly modelLabel?: string
  /** The `model_name` and `model_version` labels of /metrics (a registered model's); default: the folder's name, `unregistered`. */
  readonly modelName?: string
  readonly modelVersion?: string
  readonly host?: string
  /** 0 picks a free port. */
  readonly port?: number
  /** Input columns the signature does not declare: `ignore` (MLflow's way) or `reject`. */
  readonly extraColumns?: ExtraColumns
  /** What GET /version answers. */
  readonly version?: string
  readonly maxBodyBytes?: number
  /** Where unexpected model failures are reported (never to the client). */
  readonly logError?: (error: unknown) => void
  /** Logs sampled requests (inputs, outputs, latency) off the request path; closed with the server. */
  readonly predictionLogger?: PredictionLogger
}

/** The header a request id travels in, both ways (the caller's is kept when it is sensible). */
export const REQUEST_ID_HEADER = 'x-request-id'

export interface RunningScoringServer {
  readonly url: string
  readonly port: number
  readonly metrics: ScoringMetrics
  /** The model answering new requests. */
  readonly model: LoadedModel
  /** Answer new requests with `model`; requests already running finish on the old one. */
  swap(model: LoadedModel, label?: string, identity?: { readonly name?: string; readonly version: string }): Promise<void>
  close(): Promise<void>
}

class PayloadTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new PayloadTooLarge(`The request body is larger than ${limit} bytes; score large inputs with \`orchard models predict\`.`))
        request.resume()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function send(response: ServerResponse, status: number, contentType: string, body: string, requestId?: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) })
  response.end(body)
}

const errorJson = (code: string, message: string) => JSON.stringify({ error_code: code, message })

/**
 * MLflow's scoring server (`mlflow models serve`) over node:http: POST /invocations, GET /ping,
 * /health and /version, plus Prometheus metrics on GET /metrics. Bad input is a 400 (415 for an
 * unsupported content type) with MLflow's error JSON; no input can take the server down.
 *
 * @example
 * const server = await startScoringServer({ model: await loadModel('out/model'), port: 5001 })
 */
export async function startScoringServer(options: ScoringServerOptions): Promise<RunningScoringServer> {
  const slot = new ModelSlot(options.model)
  const metrics = new ScoringMetrics()
  const predictionLogger = options.predictionLogger
  if (predictionLogger) metrics.registry.addText(() => predictionLogger.renderMetrics())
  const folderName = (dir: string) => dir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || 'model'
  metrics.setModel(
    { name: options.modelName ?? folderName(options.model.dir), version: options.modelVersion ?? 'unregistered', uri: options.modelLabel ?? options.model.dir },
    false,
  )
  const limit = options.maxBodyBytes ?? MAX_INVOCATION_BYTES
  const logError = options.logError ?? ((error: unknown) => console.error(error))

  async function invocations(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now()
    const startedAt = Date.now()
    const requestId = acceptRequestId(request.headers[REQUEST_ID_HEADER]) ?? randomUUID()
    const logger = options.predictionLogger
    let status = 200
    let rows = 0
    const served: ServedModel = metrics.startRequest()
    try {
      const body = await readBody(request, limit)
      await slot.use(async (model) => {
        const { table } = parseInvocation(body, request.headers['content-type'], model.inputSchema)
        const predictStarted = performance.now()
        const predictions = await model.predict(table, options.extraColumns ? { extraColumns: options.extraColumns } : {})
        metrics.observePredict(served, (performance.now() - predictStarted) / 1000)
        rows = table.rowCount
        send(response, 200, 'application/json', predictionsToJson(predictions), requestId)
        if (logger) {
          // After the answer is on its way, and still on the model that gave it. Queuing is O(1)
          // and cannot throw into the response; the batch is written later.
          try {
            if (logger.sample()) logger.log({ requestId, timestampMs: startedAt, latencyMs: performance.now() - started, input: table, predictions })
            else logger.countSampledOut(rows)
          } catch (error) {
            logError(error)
          }
        }
      })
    } catch (error) {
      if (error instanceof UnsupportedMediaType) {
        status = 415
        metrics.observeError(served, 'UNSUPPORTED_MEDIA_TYPE')
        send(response, 415, 'text/plain', error.message, requestId)
      } else if (error instanceof PayloadTooLarge) {
        status = 413
        metrics.observeError(served, 'REQUEST_TOO_LARGE')
        send(response, 413, 'application/json', errorJson('BAD_REQUEST', error.message), requestId)
      } else if (isOrchardError(error)) {
        status = HTTP_STATUS[error.code]
        metrics.observeError(served, error.code)
        send(response, status, 'application/json', errorJson(error.code, error.message), requestId)
      } else {
        // A model's own code failed: MLflow answers 400 too, since the usual cause is input the model cannot take.
        status = 400
        logError(error)
        metrics.observeError(served, 'BAD_REQUEST')
        send(
          response,
          400,
          'application/json',
          errorJson('BAD_REQUEST', 'Encountered an unexpected error while evaluating the model. Verify that the input is compatible with the model for inference.'),
          requestId,
        )
      }
    } finally {
      metrics.observeRequest(served, status, (performance.now() - started) / 1000, rows)
    }
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0]
    const method = request.method ?? 'GET'
    if (path === '/invocations') {
      if (method !== 'POST') return send(response, 405, 'application/json', errorJson('BAD_REQUEST', 'Use POST for /invocations.'))
      invocations(request, response).catch((error: unknown) => {
        logError(error)
        if (!response.headersSent) send(response, 500, 'application/json', errorJson('INTERNAL_ERROR', 'Internal error'))
      })
      return
    }
    if (method !== 'GET' && method !== 'HEAD') return send(response, 405, 'application/json', errorJson('BAD_REQUEST', `Use GET for ${path}.`))
    if (path === '/ping' || path === '/health') return send(response, 200, 'application/json', '\n')
    if (path === '/version') return send(response, 200, 'application/json', options.version ?? 'orchard')
    if (path === '/metrics') {
      metrics.render().then(
        (text) => send(response, 200, PROMETHEUS_CONTENT_TYPE, text),
        (error: unknown) => {
          logError(error)
          send(response, 500, 'application/json', errorJson('INTERNAL_ERROR', 'Internal error'))
        },
      )
      return
    }
    send(response, 404, 'application/json', errorJson('ENDPOINT_NOT_FOUND', `No route ${method} ${path}; the scoring server has /invocations, /ping, /health, /version and /metrics.`))
  }

  const server: Server = createServer(handle)
  // Malformed HTTP never reaches a handler: answer it and drop the connection instead of crashing.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1'
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    metrics,
    get model() {
      return slot.model
    },
    async swap(model, label, identity) {
      await slot.swap(model)
      const previous = metrics.current()
      metrics.setModel({ name: identity?.name ?? previous.name, version: identity?.version ?? previous.version, uri: label ?? previous.uri }, true)
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      // Requests have finished: what they queued is written before the process may exit.
      await options.predictionLogger?.close()
      await slot.close()
    },
  }
}
