// `operate`: the example run as production. A tracking server with its registry; the champion trained
// on 2021-01 served by `orchard models serve --log-predictions --watch`; 2023-01..03 scored through
// it over HTTP, month by month, with each trip's real duration arriving as a label afterwards;
// `orchard monitor run --once` after each month (drift against the champion's training data,
// quality, serving stats). An alert reaches a webhook receiver as a signed
// model_version.monitoring_alert, and the receiver starts `retrain`; the server's --watch then
// switches to the new champion, and monitoring compares against its training month from then on.
import { spawn } from 'node:child_process'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OrchardClient, setTrackingUri } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import { tripRecords } from '../data/prepare.ts'
import { loadMonth } from './dataset.ts'
import { championModelUri, currentChampion, promoteToChampion, registerCandidate } from './promote.ts'
import type { ModelSpec } from './fit-models.ts'
import { retrain } from './retrain.ts'
import type { RetrainResult } from './retrain.ts'
import { train } from './train.ts'

const BIN = fileURLToPath(new URL('../../../packages/cli/bin/orchard.mjs', import.meta.url))
const WEBHOOK_SECRET = 'taxi-operate-webhook-secret'
const BATCH_ROWS = 100

export interface OperateOptions {
  readonly dataDir: string
  /** Holds the server's database, artifacts, prediction log, labels and job file. */
  readonly workDir: string
  readonly modelName: string
  readonly trainMonth: string
  readonly valMonth: string
  readonly months: readonly string[]
  /** Trips scored per month (the first N kept trips); undefined scores the whole month. */
  readonly rows?: number
  /** The models train and retrain fit (default: the full sweep). */
  readonly sweep?: readonly ModelSpec[]
  readonly log: (line: string) => void
}

export interface OperateResult {
  readonly alerts: readonly { readonly month: string; readonly jobs: readonly string[] }[]
  readonly deliveries: readonly string[]
  readonly retrain?: RetrainResult
  readonly servedVersions: readonly string[]
}

/** `orchard …args`, as a user runs it; resolves to its stdout, rejects with its stderr. */
function orchard(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`orchard ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr}`))))
  })
}

/** `orchard models serve …` until stopped: resolves once it prints its URL. */
function serve(args: readonly string[]): Promise<{ url: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, BIN, 'models', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const exited = new Promise<void>((done) => child.on('exit', () => done()))
    const onData = (chunk: string) => {
      output += chunk
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1]
      if (url) resolve({ url, stop: () => (child.kill('SIGTERM'), exited) })
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    void exited.then(() => reject(new Error(`orchard models serve exited before listening:\n${output}`)))
  })
}

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A webhook endpoint, as a CI system runs one: checks the signature, then acts on the event. */
async function startReceiver(onAlert: (data: Record<string, unknown>) => void) {
  const deliveries: string[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signed = `${request.headers['x-mlflow-delivery-id']}.${request.headers['x-mlflow-timestamp']}.${body}`
      const expected = Buffer.from(`v1,${createHmac('sha256', WEBHOOK_SECRET).update(signed).digest('base64')}`)
      const given = Buffer.from(String(request.headers['x-mlflow-signature'] ?? ''))
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        response.writeHead(401).end()
        return
      }
      const payload = JSON.parse(body) as { entity: string; action: string; data: Record<string, unknown> }
      deliveries.push(`${payload.entity}.${payload.action}`)
      response.writeHead(200).end()
      if (payload.action === 'monitoring_alert') onAlert(payload.data)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/monitoring`, deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** A month's trips as the served model receives them, as JSON lines: the drift reference. */
async function writeReference(path: string, dataDir: string, month: string): Promise<void> {
  const records = tripRecords((await loadMonth(dataDir, month)).prepared)
  await writeFile(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`)
}

const nextMonth = (month: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`
}

export async function operate(options: OperateOptions): Promise<OperateResult> {
  const { log, workDir, modelName } = options
  await mkdir(workDir, { recursive: true })
  // The operator's server: webhooks may go to a receiver on loopback over http.
  process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = 'true'
  process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = 'http,https'
  const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(workDir, 'orchard.db')}`, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: join(workDir, 'artifacts') })
  setTrackingUri(server.url)
  const client = new OrchardClient(server.url)
  let retraining: Promise<RetrainResult> | undefined
  let alertedMonth: string | undefined
  const receiver = await startReceiver((data) => {
    const alert = data.alert as { job?: string } | undefined
    log(`webhook: model_version.monitoring_alert on ${String(data.name)} v${String(data.version)} (${alert?.job ?? '?'}), signature valid`)
    if (retraining || !alertedMonth) return
    const trainMonth = alertedMonth
    if (!options.months.includes(nextMonth(trainMonth))) {
      log(`webhook: no later month to validate a model trained on ${trainMonth}; not retraining`)
      return
    }
    log(`webhook: starting retrain --train ${trainMonth} --val ${nextMonth(trainMonth)}`)
    retraining = retrain({ trackingUri: server.url, dataDir: options.dataDir, trainMonth, valMonth: nextMonth(trainMonth), modelName, margin: 0.01, ...(options.sweep ? { sweep: options.sweep } : {}), log: (line) => log(`  retrain: ${line}`) })
  })
  let serving: { url: string; stop(): Promise<void> } | undefined
  try {
    log(`tracking server ${server.url}; webhook receiver ${receiver.url}`)
    if (!(await currentChampion(client, modelName))) {
      log(`training the champion on ${options.trainMonth} (validated on ${options.valMonth})`)
      const trained = await train({ trackingUri: server.url, dataDir: options.dataDir, trainMonth: options.trainMonth, valMonth: options.valMonth, ...(options.sweep ? { sweep: options.sweep } : {}) })
      const reason = `${trained.best.name}: best validation RMSE ${trained.best.fitted.val.rmse.toFixed(4)} on ${options.valMonth}, trained on ${options.trainMonth}`
      const version = await registerCandidate(client, trained.best.modelUri, modelName, reason)
      await promoteToChampion(client, modelName, version.version, reason)
      log(`champion: ${modelName} v${version.version}, ${reason}`)
    }
    const hook = await fetch(`${server.url}/api/2.0/mlflow/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'retrain-on-alert', url: receiver.url, secret: WEBHOOK_SECRET, events: [{ entity: 'MODEL_VERSION', action: 'MONITORING_ALERT' }] }),
    })
    if (hook.status !== 200) throw new Error(`creating the webhook failed: ${await hook.text()}`)

    const logs = join(workDir, 'prediction-logs')
    serving = await serve(['-m', championModelUri(modelName), '--port', '0', '--tracking-uri', server.url, '--watch', '--watch-interval', '1s', '--log-predictions', '--log-destination', logs, '--log-flush-interval', '1s'])
    const servingUrl = serving.url
    const metricsText = async () => (await fetch(`${servingUrl}/metrics`)).text()
    const servedVersion = async () => /orchard_serving_model_info\{[^}]*model_version="([^"]+)"[^}]*\} 1$/m.exec(await metricsText())?.[1] ?? '?'
    const servedVersions = [await servedVersion()]
    log(`serving ${championModelUri(modelName)} (v${servedVersions[0]}) at ${servingUrl} with prediction logging`)

    const labels = join(workDir, 'labels.csv')
    await writeFile(labels, 'request_id,row,duration\n')
    const reference = join(workDir, `reference-${options.trainMonth}.jsonl`)
    await writeReference(reference, options.dataDir, options.trainMonth)
    const jobFile = join(workDir, 'monitor.json')
    const writeJob = (referenceFile: string) =>
      writeFile(
        jobFile,
        JSON.stringify(
          {
            model: championModelUri(modelName),
            log_destination: 'prediction-logs',
            experiment: 'monitoring',
            drift: { reference: referenceFile, columns: ['PULocationID', 'DOLocationID', 'trip_distance'], categorical: ['PULocationID', 'DOLocationID'] },
            quality: { labels: 'labels.csv', label_column: 'duration', alerts: ['rmse>9'] },
            serving: { url: servingUrl, alerts: ['error_rate>0.01'] },
          },
          null,
          2,
        ),
      )
    await writeJob(`reference-${options.trainMonth}.jsonl`)

    const alerts: { month: string; jobs: string[] }[] = []
    let logged = 0
    for (const month of options.months) {
      const data = (await loadMonth(options.dataDir, month)).prepared
      const rows = Math.min(options.rows ?? data.rows, data.rows)
      // Trips spread evenly over the month: the file is in time order, and its first hours are not the month.
      const picked = Array.from({ length: rows }, (_, k) => Math.floor((k * data.rows) / rows))
      const startedAt = new Date().toISOString()
      const labelLines: string[] = []
      for (let start = 0; start < rows; start += BATCH_ROWS) {
        const batch = picked.slice(start, start + BATCH_ROWS)
        const requestId = `${month}-${start / BATCH_ROWS}`
        const records = batch.map((i) => tripRecords(data, i, i + 1)[0]!)
        const response = await fetch(`${servingUrl}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ dataframe_records: records }) })
        if (response.status !== 200) throw new Error(`/invocations answered ${response.status}: ${await response.text()}`)
        batch.forEach((i, row) => labelLines.push(`${requestId},${row},${data.duration[i]}`))
      }
      logged += rows
      log(`${month}: scored ${rows} trips in ${Math.ceil(rows / BATCH_ROWS)} requests to v${servedVersions.at(-1)}`)
      // The real durations arrive after the trips end: the labels file grows.
      await appendFile(labels, `${labelLines.join('\n')}\n`)
      await until('the prediction log flush', async () => Number(/^orchard_prediction_log_rows_total (\d+)$/m.exec(await metricsText())?.[1]) >= logged)
      alertedMonth = month
      const deliveredBefore = receiver.deliveries.length
      const line = (await orchard(['monitor', 'run', '--config', jobFile, '--once', '--since', startedAt, '--tracking-uri', server.url])).trim()
      log(`${month}: orchard monitor run --once → ${line.replace(/^\S+ /, '')}`)
      const jobs = /ALERT: (.+)$/.exec(line)?.[1]?.split(', ') ?? []
      if (jobs.length > 0) {
        alerts.push({ month, jobs })
        await until('the alert webhook', () => receiver.deliveries.length >= deliveredBefore + jobs.length)
      }
      if (retraining && servedVersions.length === 1) {
        const result = await retraining
        log(`retrain: ${result.decision.toUpperCase()} v${result.challengerVersion} (RMSE ${result.challengerRmse.toFixed(4)} vs champion ${result.championRmse?.toFixed(4) ?? '-'})`)
        if (result.decision === 'promote') {
          await until('the server to switch to the new champion', async () => (await servedVersion()) === result.challengerVersion)
          servedVersions.push(result.challengerVersion)
          const newReference = `reference-${alertedMonth}.jsonl`
          await writeReference(join(workDir, newReference), options.dataDir, alertedMonth)
          await writeJob(newReference)
          log(`serving switched to v${result.challengerVersion} (--watch); drift is now measured against ${alertedMonth}, its training month`)
        }
      }
    }
    const retrained = retraining ? await retraining : undefined
    return { alerts, deliveries: [...receiver.deliveries], ...(retrained ? { retrain: retrained } : {}), servedVersions }
  } finally {
    await serving?.stop()
    await client.close()
    await server.close()
    await receiver.close()
  }
}
