import { readFileSync } from 'node:fs'
import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseDuration, parseInteger } from '../../flag-values.ts'
import { explainListenError } from '../../serve/listen-error.ts'
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

function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version
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
      try {
        server = await startScoringServer({ model, modelLabel: uri, host, port, extraColumns, version: cliVersion() })
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
          onSwitch: (version) => process.stderr.write(`Switched ${uri} to version ${version}\n`),
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
