import { readFileSync } from 'node:fs'
import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
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
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard models serve -m models:/taxi-duration@champion --port 5001',
  async run({ flags }) {
    const port = parseInteger('port', flags.port ?? '5000', { min: 0, max: MAX_PORT })
    const host = flags.host ?? '127.0.0.1'
    const extraColumns = parseExtraColumns(flags['extra-columns'])
    const uri = flags['model-uri']
    const { OrchardClient } = await import('@orchard/sdk')
    const { startScoringServer } = await import('@orchard/models')
    const client = new OrchardClient(flags['tracking-uri'], { batching: false })
    let server
    try {
      const model = await client.loadModel(uri, { extraColumns })
      try {
        server = await startScoringServer({ model, modelLabel: uri, host, port, extraColumns, version: cliVersion() })
      } catch (error) {
        await model.close()
        throw explainListenError(error, host, port)
      }
      process.stderr.write(`Serving ${uri} (flavor ${model.flavor})\n`)
      process.stdout.write(`Listening on ${server.url}\n`)
      await shutdownRequested({ onSecondSignal: exitNow })
      await server.close()
    } finally {
      await client.close()
    }
  },
})
