import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
import { extraColumnsFlag, modelUriFlag, parseExtraColumns } from './serve.ts'
import { ProgressBar } from '../../progress.ts'

const FORMATS = ['csv', 'jsonl', 'parquet'] as const
type Format = (typeof FORMATS)[number]

function parseFormat(flag: string, value: string | undefined): Format | undefined {
  if (value === undefined) return undefined
  if ((FORMATS as readonly string[]).includes(value)) return value as Format
  throw new UsageError(`--${flag} must be csv, jsonl or parquet, got '${value}'`)
}

/** `orchard models predict -m URI -i FILE -o FILE`: batch scoring, as `mlflow models predict`. */
export const command = defineCommand({
  summary: 'Score a CSV, JSON-lines or Parquet file with a model, streaming it in chunks',
  description:
    'Writes one row of predictions per input row, in the format of the output file’s extension.\n' +
    'Shows a progress bar on stderr when it is a terminal (otherwise a line every few seconds) and\n' +
    'a summary at the end. The output appears only when every row has been scored.',
  flags: {
    'model-uri': modelUriFlag,
    'input-path': { type: 'string', short: 'i', placeholder: 'file', description: 'Rows to score: .csv, .jsonl or .parquet', required: true },
    'output-path': { type: 'string', short: 'o', placeholder: 'file', description: 'Where predictions go: .csv, .jsonl or .parquet', required: true },
    'input-format': { type: 'string', placeholder: 'csv|jsonl|parquet', description: 'Input format when the extension does not tell', default: 'from extension' },
    'output-format': { type: 'string', placeholder: 'csv|jsonl|parquet', description: 'Output format when the extension does not tell', default: 'from extension' },
    'chunk-rows': { type: 'string', placeholder: 'n', description: 'Rows scored at a time (memory holds about this many)', default: '10000' },
    'extra-columns': extraColumnsFlag,
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard models predict -m models:/taxi-duration@champion -i trips.parquet -o predictions.csv',
  async run({ flags }) {
    const chunkRows = parseInteger('chunk-rows', flags['chunk-rows'] ?? '10000', { min: 1, max: 10_000_000 })
    const inputFormat = parseFormat('input-format', flags['input-format'])
    const outputFormat = parseFormat('output-format', flags['output-format'])
    const extraColumns = parseExtraColumns(flags['extra-columns'])
    const { OrchardClient } = await import('@orchard/sdk')
    const { batchPredict } = await import('@orchard/models')
    const client = new OrchardClient(flags['tracking-uri'], { batching: false })
    try {
      const model = await client.loadModel(flags['model-uri'], { extraColumns })
      // The bar measures the input read (bytes or rows, as the reader knows it), with rows scored beside it.
      let bar: ProgressBar | undefined
      try {
        const summary = await batchPredict(model, {
          input: flags['input-path'],
          output: flags['output-path'],
          chunkRows,
          extraColumns,
          ...(inputFormat ? { inputFormat } : {}),
          ...(outputFormat ? { outputFormat } : {}),
          onProgress: (rows, read) => {
            bar ??= new ProgressBar('Scoring', { unit: read.unit })
            bar.update({ done: read.done, total: read.total, detail: `${rows.toLocaleString('en-US')} rows scored` })
          },
        })
        const line = `Scored ${summary.rows.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(2)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s) -> ${flags['output-path']}`
        if (bar) bar.done(line)
        else process.stderr.write(`${line}\n`)
        bar = undefined
      } finally {
        bar?.done()
        await model.close()
      }
    } finally {
      await client.close()
    }
  },
})
