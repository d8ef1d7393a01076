// The taxi-trip-duration example: `npm run taxi -- <command> [options]` from the repository root.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { flush, getTrackingUri, setTrackingUri } from '@orchard/sdk'
import { downloadTripFile, parseMonth, tripFileName } from './data/download.ts'
import { generateTripFile } from './data/generate.ts'
import { TAXI_DATA_VARIABLE, taxiDataDir } from './data/data-dir.ts'
import { currentChampion, promoteToChampion, registerCandidate } from './pipeline/promote.ts'
import { retrain } from './pipeline/retrain.ts'
import { DEFAULT_EXPERIMENT, train } from './pipeline/train.ts'
import { getFluentClient } from '@orchard/sdk'

const DEFAULT_DATA_DIR = taxiDataDir()

const HELP = `Usage: npm run taxi -- <command> [options]

Predict NYC green-taxi trip duration, tracked with Orchard.

Commands:
  download   fetch a month's trip file from the TLC into --data-dir (kept as a cache)
  generate   write a synthetic trip file in the green-taxi schema (--rows, --month)
  train      train linear, ridge and lasso models on --train, validate on --val, track everything,
             register the best as --model-name and make it champion if the model has none
  retrain    train a challenger and promote it over the champion if better by --margin
  operate    run it as production: serve the champion trained on --train with prediction logging,
             score 2023-01..03 through it over HTTP, run \`orchard monitor run\` after each month,
             and let the alert webhook trigger retrain (a tracking server of its own in --work-dir)

Options:
  --tracking-uri <uri>  where runs go (default: $MLFLOW_TRACKING_URI, else ./mlruns)
  --data-dir <dir>      folder of green_tripdata_YYYY-MM.parquet files (default: $${TAXI_DATA_VARIABLE}, else ${DEFAULT_DATA_DIR})
  --train YYYY-MM       training month (default: 2021-01)
  --val YYYY-MM         validation month (default: 2021-02)
  --month YYYY-MM       the month to download or generate
  --color <color>       taxi color for download (default: green)
  --rows <n>            rows to generate (default: 100000); operate: trips scored per month (default: all)
  --work-dir <dir>      operate: server database, artifacts and prediction log (default: ./taxi-operate)
  --experiment <name>   experiment name (default: ${DEFAULT_EXPERIMENT})
  --model-name <name>   registered model name (default: taxi-duration)
  --margin <x>          retrain: relative RMSE improvement needed to promote (default: 0.01)
  --help                show this help

Examples:
  npm run taxi -- train --train 2021-01 --val 2021-02
  npm run taxi -- download --month 2023-04 --data-dir ./data
  npm run taxi -- generate --rows 5000000 --month 2030-01 --data-dir /tmp/taxi
  npm run taxi -- operate --rows 5000 --work-dir /tmp/taxi-operate
`

class UsageError extends Error {}

const OPTIONS = {
  'tracking-uri': { type: 'string' },
  'data-dir': { type: 'string' },
  train: { type: 'string' },
  val: { type: 'string' },
  month: { type: 'string' },
  color: { type: 'string' },
  rows: { type: 'string' },
  experiment: { type: 'string' },
  'model-name': { type: 'string' },
  margin: { type: 'string' },
  'work-dir': { type: 'string' },
  help: { type: 'boolean' },
} as const

function month(value: string | undefined, flag: string, fallback?: string): string {
  const given = value ?? fallback
  if (given === undefined) throw new UsageError(`${flag} YYYY-MM is required`)
  try {
    return parseMonth(given)
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`)
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const command = positionals[0]
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP)
    return command === undefined && !values.help ? 2 : 0
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`)
  const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR)
  if (values['tracking-uri'] !== undefined) setTrackingUri(values['tracking-uri'])

  switch (command) {
    case 'download': {
      const result = await downloadTripFile(dataDir, values.color ?? 'green', month(values.month, '--month'))
      console.log(result.cached ? `cached: ${result.path} (${result.bytes} bytes)` : `downloaded ${result.url} → ${result.path} (${result.bytes} bytes)`)
      return 0
    }
    case 'generate': {
      const rows = Number(values.rows ?? 100_000)
      if (!Number.isInteger(rows) || rows <= 0) throw new UsageError(`--rows must be a positive integer, got '${values.rows}'`)
      const target = join(dataDir, tripFileName('green', month(values.month, '--month')))
      const started = performance.now()
      await generateTripFile(target, { rows, month: values.month! })
      console.log(`wrote ${rows} synthetic trips to ${target} in ${((performance.now() - started) / 1000).toFixed(1)}s`)
      return 0
    }
    case 'train':
    case 'retrain': {
      const trainMonth = month(values.train, '--train', '2021-01')
      const valMonth = month(values.val, '--val', '2021-02')
      for (const m of [trainMonth, valMonth]) {
        const path = join(dataDir, tripFileName('green', m))
        if (!existsSync(path)) throw new UsageError(`${path} does not exist: run \`npm run taxi -- download --month ${m}\` or pass --data-dir`)
      }
      const margin = Number(values.margin ?? 0.01)
      if (!Number.isFinite(margin) || margin < 0 || margin >= 1) throw new UsageError(`--margin must be a number in [0, 1), got '${values.margin}'`)
      const modelName = values['model-name'] ?? 'taxi-duration'
      const trackingUri = getTrackingUri()
      console.log(`tracking to ${trackingUri}`)
      const options = {
        trackingUri,
        dataDir,
        trainMonth,
        valMonth,
        ...(values.experiment !== undefined ? { experiment: values.experiment } : {}),
        log: (line: string) => console.log(line),
      }
      if (command === 'retrain') {
        await retrain({ ...options, modelName, margin })
      } else {
        const result = await train(options)
        const client = await getFluentClient()
        const reason = `${result.best.name}: best validation RMSE ${result.best.fitted.val.rmse.toFixed(4)} on ${valMonth}, trained on ${trainMonth}`
        const version = await registerCandidate(client, result.best.modelUri, modelName, reason)
        if ((await currentChampion(client, modelName)) === undefined) {
          await promoteToChampion(client, modelName, version.version, reason)
          console.log(`registered ${modelName} v${version.version} → Staging → Production, alias champion`)
        } else {
          console.log(`registered ${modelName} v${version.version}; the champion is unchanged (use retrain to challenge it)`)
        }
      }
      await flush()
      return 0
    }
    case 'operate': {
      const rows = values.rows === undefined ? undefined : Number(values.rows)
      if (rows !== undefined && (!Number.isInteger(rows) || rows <= 0)) throw new UsageError(`--rows must be a positive integer, got '${values.rows}'`)
      const trainMonth = month(values.train, '--train', '2021-01')
      const valMonth = month(values.val, '--val', '2021-02')
      const months = ['2023-01', '2023-02', '2023-03']
      for (const m of [trainMonth, valMonth, ...months]) {
        const path = join(dataDir, tripFileName('green', m))
        if (!existsSync(path)) throw new UsageError(`${path} does not exist: run \`npm run taxi -- download --month ${m}\` or pass --data-dir`)
      }
      const workDir = resolve(values['work-dir'] ?? 'taxi-operate')
      if (existsSync(join(workDir, 'orchard.db'))) throw new UsageError(`${workDir} holds a previous run; remove it or pass another --work-dir`)
      const { operate } = await import('./pipeline/operate.ts')
      const result = await operate({ dataDir, workDir, modelName: values['model-name'] ?? 'taxi-duration', trainMonth, valMonth, months, ...(rows !== undefined ? { rows } : {}), log: (line) => console.log(line) })
      console.log(`alerts: ${result.alerts.map((a) => `${a.month} (${a.jobs.join(', ')})`).join('; ') || 'none'}; webhook deliveries: ${result.deliveries.length}; served versions: ${result.servedVersions.map((v) => `v${v}`).join(' → ')}`)
      await flush()
      return 0
    }
    default:
      throw new UsageError(`unknown command '${command}'`)
  }
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\nRun \`npm run taxi -- --help\` for usage.`)
    process.exitCode = 2
  } else {
    console.error(`error: ${(error as Error).message}`)
    process.exitCode = 1
  }
}
