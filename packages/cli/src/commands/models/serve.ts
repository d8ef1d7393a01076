import { basename, resolve } from 'node:path'
import type { PredictionLogger } from '@orchard/models'
import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseDuration, parseInteger } from '../../flag-values.ts'
import { explainListenError } from '../../serve/listen-error.ts'
import { cliVersion } from '../../version.ts'
import { exitNow, shutdownRequested } from '../../serve/shutdown-signal.ts'

const MAX_PORT = 65_535

export const modelUriFlag = {
  type: 'string',
  short: 'm',
  placeholder: 'uri',
  description: 'runs:/<run>/<path>, models:/<name>/<version|stage>, models:/<name>@<alias>, an artifact URI or a local folder',
  required: true,
} as const

export const extraColumnsFlag = {
  type: 'string',
  placeholder: 'ignore|reject',
  description: 'Input columns the signature does not declare: drop them, or answer 400',
  default: 'ignore',
} as const

export function parseExtraColumns(value: string | undefined): 'ignore' | 'reject' {
  if (value === undefined || value === 'ignore' || value === 'reject') return value ?? 'ignore'
  throw new UsageError(`--extra-columns must be ignore or reject, got '${value}'`)
}

/** `orchard models serve -m URI`: MLflow's scoring server (`mlflow models serve`) for a model Orchard runs. */
export const command = defineCommand({
  summary: 'Serve a model over HTTP with MLflow’s scoring protocol (/invocations, /ping, /health, /version, /metrics)',
  description:
    'Prints one line with the URL once listening. POST /invocations takes JSON (dataframe_split,\n' +
    'dataframe_records, instances, inputs) or text/csv and answers {"predictions": …}. GET /metrics\n' +
    'is Prometheus text. SIGTERM or SIGINT lets in-flight requests finish, then exits 0.',
  flags: {
    'model-uri': modelUriFlag,
    host: { type: 'string', placeholder: 'host', description: 'Interface to listen on', default: '127.0.0.1' },
    port: { type: 'string', short: 'p', placeholder: 'port', description: 'Port to listen on; 0 picks a free one', default: '5000' },
    'extra-columns': extraColumnsFlag,
    watch: {
      type: 'boolean',
      description: 'Follow a models:/ URI (an @alias, a stage, latest): when it names a new version, load it and switch with no failed request',
    },
    'watch-interval': { type: 'string', placeholder: 'duration', description: 'How often --watch asks the registry, e.g. 5s, 500ms as 0.5s', default: '5s' },
    'log-predictions': {
      type: 'boolean',
      description: 'Log requests (request id, model version, time, input rows, outputs, latency) as Parquet files in --log-destination',
    },
    'sample-rate': { type: 'string', placeholder: 'r', description: 'Share of requests --log-predictions logs, from 0 to 1', default: '1' },
    'log-destination': {
      type: 'string',
      placeholder: 'uri',
      description: 'Artifact store for the prediction log: a folder, file:// or s3:// URI (<model>/version=<v>/date=<day>/*.parquet)',
      default: './prediction-logs',
    },
    'log-flush-interval': { type: 'string', placeholder: 'duration', description: 'How often logged rows are written (what a crash can lose)', default: '10s' },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard models serve -m models:/taxi-duration@champion --port 5001 --watch',
  async run({ flags }) {
    const port = parseInteger('port', flags.port ?? '5000', { min: 0, max: MAX_PORT })
    const host = flags.host ?? '127.0.0.1'
    const extraColumns = parseExtraColumns(flags['extra-columns'])
    const uri = flags['model-uri']
    const watchIntervalMs = parseDuration('watch-interval', flags['watch-interval'] ?? '5s')
    if (flags.watch && !/^models:/i.test(uri)) throw new UsageError('--watch follows a registry reference, so -m must be a models:/ URI')
    if (flags.watch && watchIntervalMs <= 0) throw new UsageError('--watch-interval must be longer than 0s')
    const sampleRate = Number(flags['sample-rate'] ?? '1')
    if (flags['sample-rate'] !== undefined && (flags['sample-rate'].trim() === '' || !(sampleRate >= 0 && sampleRate <= 1))) {
      throw new UsageError(`--sample-rate must be a number from 0 to 1, got '${flags['sample-rate']}'`)
    }
    const flushIntervalMs = parseDuration('log-flush-interval', flags['log-flush-interval'] ?? '10s')
    if (flushIntervalMs <= 0) throw new UsageError('--log-flush-interval must be longer than 0s')
    const logOnly = ['sample-rate', 'log-destination', 'log-flush-interval'].find((flag) => flags[flag as 'sample-rate'] !== undefined)
    if (logOnly && !flags['log-predictions']) throw new UsageError(`--${logOnly} needs --log-predictions`)
    const { OrchardClient } = await import('@orchard/sdk')
    const { startScoringServer, watchModel } = await import('@orchard/models')
    const client = new OrchardClient(flags['tracking-uri'], { batching: false })
    let server
    try {
      // Under --watch the URI is pinned to the version it names now, so the first load and the
      // watcher agree on what is being served.
      const resolveVersion = async () => {
        const version = (await client.resolveModelUri(uri)).modelVersion
        if (!version) throw new UsageError(`${uri} names no registered model version`)
        return version
      }
      const initial = flags.watch ? await resolveVersion() : undefined
      const pinned = (version: { name: string; version: string }) => `models:/${version.name}/${version.version}`
      const model = await client.loadModel(initial ? pinned(initial) : uri, { extraColumns })
      // The model_name/model_version of /metrics and of the prediction log.
      const identity = initial ?? (/^models:/i.test(uri) ? (await client.resolveModelUri(uri)).modelVersion : undefined)
      const modelName = identity?.name ?? basename(uri.replace(/\/+$/, '')) ?? 'model'
      const modelVersion = identity?.version ?? 'unregistered'
      let predictionLogger: PredictionLogger | undefined
      if (flags['log-predictions']) {
        const { openArtifactRepository } = await import('@orchard/artifacts')
        const { PredictionLogger } = await import('@orchard/models')
        const destination = flags['log-destination'] ?? './prediction-logs'
        const sink = openArtifactRepository(/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(destination) ? destination : resolve(destination))
        let failures = 0
        predictionLogger = new PredictionLogger({
          sink,
          modelName,
          modelVersion,
          sampleRate,
          flushIntervalMs,
          // One line per failure burst, not per file: the metrics carry the counts.
          onError: (error) => {
            if (failures++ % 100 === 0) process.stderr.write(`prediction log: ${(error as Error).message}; rows dropped (see /metrics)\n`)
          },
          onWarning: (message) => process.stderr.write(`prediction log: ${message}\n`),
        })
        process.stderr.write(`Logging ${sampleRate === 1 ? 'every request' : `${sampleRate * 100}% of requests`} to ${sink.uri}\n`)
      }
      try {
        server = await startScoringServer({ model, modelLabel: uri, modelName, modelVersion, host, port, extraColumns, version: cliVersion(), ...(predictionLogger ? { predictionLogger } : {}) })
      } catch (error) {
        await model.close()
        throw explainListenError(error, host, port)
      }
      process.stderr.write(`Serving ${uri}${initial ? ` (version ${initial.version})` : ''} (flavor ${model.flavor})\n`)
      process.stdout.write(`Listening on ${server.url}\n`)
      const watcher =
        initial &&
        watchModel(server, initial.version, {
          intervalMs: watchIntervalMs,
          resolveVersion: async () => (await resolveVersion()).version,
          load: (version) => client.loadModel(pinned({ name: initial.name, version }), { extraColumns }),
          onSwitch: (version) => {
            predictionLogger?.setModel(initial.name, version)
            process.stderr.write(`Switched ${uri} to version ${version}\n`)
          },
          onError: (error) => process.stderr.write(`watch: ${(error as Error).message}; still serving the current version\n`),
        })
      await shutdownRequested({ onSecondSignal: exitNow })
      if (watcher) await watcher.stop()
      await server.close()
    } finally {
      await client.close()
    }
  },
})
