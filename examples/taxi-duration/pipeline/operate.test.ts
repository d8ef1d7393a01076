// `operate` on the real 2021 and 2023 files, 1,000 trips scored per month and two models fitted to stay fast: the champion
// trained on 2021-01 is served with prediction logging, the 2023-01 monitoring run finds the drift,
// the signed alert reaches the receiver, which retrains on 2023-01; the server switches to the new
// champion, and against its own training month 2023-02 and 2023-03 raise no alert.
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { requireTaxiData } from '../data/data-dir.ts'
import { operate } from './operate.ts'

// The two ridge models of the full sweep: the 2021 champion (alpha 0.1) and the 2023 winner (alpha 1)
// are the same as with the whole sweep, for half the fitting time.
const SWEEP = [
  { kind: 'ridge', alpha: 0.1 },
  { kind: 'ridge', alpha: 1 },
] as const

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taxi-operate-'))
})
after(() => rm(dir, { recursive: true, force: true }))

it('serves, scores 2023 over HTTP, monitors, fires the drift alert and lets the webhook retrain and promote', async () => {
  const lines: string[] = []
  const result = await operate({ dataDir: requireTaxiData(), workDir: dir, modelName: 'taxi-duration', trainMonth: '2021-01', valMonth: '2021-02', months: ['2023-01', '2023-02', '2023-03'], rows: 1000, sweep: SWEEP, log: (line) => lines.push(line) })
  const output = lines.join('\n')
  assert.deepEqual(result.alerts, [{ month: '2023-01', jobs: ['drift'] }], output)
  assert.deepEqual(result.deliveries, ['model_version.monitoring_alert'])
  assert.equal(result.retrain?.decision, 'promote')
  assert.deepEqual(result.servedVersions, ['1', '2'])
  assert.match(output, /2023-01: orchard monitor run --once → taxi-duration v1: 1000 logged rows in 1 window; drift share 1\.00 \(dataset drift\); 10 requests, p99 [\d.]+ ms; 0 errors of 10 requests; rmse [\d.]+, mae [\d.]+ on 1000 labelled rows; run \w+; ALERT: drift/)
  assert.match(output, /webhook: model_version\.monitoring_alert on taxi-duration v1 \(drift\), signature valid/)
  assert.match(output, /decision: PROMOTE: ridge-alpha-1 trained on 2023-01: RMSE 6\.0085 vs champion v1 6\.2115 on 2023-02/)
  assert.match(output, /2023-03: orchard monitor run --once → taxi-duration v2: 1000 logged rows in 1 window; drift share 0\.00; .* on 1000 labelled rows; run \w+$/m)
  // The log is partitioned by the version that answered.
  assert.deepEqual((await readdir(join(dir, 'prediction-logs', 'taxi-duration'))).sort(), ['version=1', 'version=2'])
})
