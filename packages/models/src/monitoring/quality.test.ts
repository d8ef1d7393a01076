// Quality from delayed labels: metrics with hand-checked answers (sklearn gives the same), the join
// by request id and row, windows, and the prediction log read back from where the logger wrote it.
import assert from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { tableFromRecords } from '../table.ts'
import { PredictionLogger } from './prediction-log.ts'
import { classificationMetrics, qualityReport, readPredictionLog, regressionMetrics, rocAuc } from './quality.ts'
import type { LoggedPrediction, PredictionLogSource } from './quality.ts'

const close = (a: number | null | undefined, b: number) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`)

describe('quality metrics', () => {
  it('computes RMSE and MAE', () => {
    const m = regressionMetrics([1, 2, 3, 4], [1, 3, 5, 4])
    close(m.rmse, Math.sqrt(5 / 4))
    close(m.mae, 0.75)
  })

  it('computes ROC AUC as the Mann–Whitney statistic with ties counted half', () => {
    close(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75)
    close(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 0.875)
    close(rocAuc([0, 1, 1, 0], [0.3, 0.3, 0.3, 0.1]), 0.75)
    assert.equal(rocAuc([1, 1], [0.2, 0.9]), null)
  })

  it('scores binary probabilities at 0.5 and averages classes otherwise', () => {
    // Predicted classes 0,1,1,1 against 0,0,1,1: TP 2, FP 1, FN 0.
    const binary = classificationMetrics([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.9])
    close(binary.accuracy, 0.75)
    close(binary.precision, 2 / 3)
    close(binary.recall, 1)
    close(binary.f1, 0.8)
    close(binary.roc_auc, 1)
    const multi = classificationMetrics(['a', 'b', 'c', 'a'], ['a', 'b', 'b', 'c'])
    close(multi.accuracy, 0.5)
    // a: p 1, r 0.5; b: p 0.5, r 1; c: p 0, r 0 → macro precision 0.5, recall 0.5.
    close(multi.precision, 0.5)
    close(multi.recall, 0.5)
    assert.equal(multi.roc_auc, null)
  })
})

describe('quality report', () => {
  const hour = 3_600_000
  const t0 = Date.UTC(2026, 0, 1)
  const logged: LoggedPrediction[] = [
    { requestId: 'a', row: 0, timestampMs: t0 + 1, modelVersion: '1', prediction: 10 },
    { requestId: 'b', row: 0, timestampMs: t0 + 2 * hour, modelVersion: '1', prediction: 20 },
    { requestId: 'b', row: 1, timestampMs: t0 + 2 * hour, modelVersion: '1', prediction: 30 },
    { requestId: 'c', row: 0, timestampMs: t0 + 25 * hour, modelVersion: '2', prediction: 5 },
  ]

  it('joins labels by request id (and row), and computes metrics per window and overall', () => {
    const labels = tableFromRecords([
      { request_id: 'a', row: 0, y: 12 },
      { request_id: 'b', row: 1, y: 27 },
      { request_id: 'c', row: 0, y: 5 },
      { request_id: 'zzz', row: 0, y: 1 },
    ])
    const report = qualityReport(logged, labels, { idColumn: 'request_id', labelColumn: 'y', rowColumn: 'row', windowMs: 24 * hour, task: 'regression' })
    assert.equal(report.task, 'regression')
    assert.deepEqual(report.windows.map((w) => [w.window, w.start, w.count]), [
      [0, '2026-01-01T00:00:00.000Z', 2],
      [1, '2026-01-02T00:00:00.000Z', 1],
    ])
    close(report.windows[0]!.metrics.rmse, Math.sqrt((4 + 9) / 2))
    close(report.windows[1]!.metrics.mae, 0)
    assert.equal(report.overall.count, 3)
    assert.equal(report.unmatched_labels, 1)
  })

  it('matches a label without a row only to a one-row request', () => {
    const labels = tableFromRecords([{ id: 'a', y: 1 }, { id: 'b', y: 2 }])
    const report = qualityReport(logged, labels, { idColumn: 'id', labelColumn: 'y', windowMs: hour })
    assert.equal(report.overall.count, 1)
    assert.equal(report.ambiguous_labels, 1)
    assert.throws(() => qualityReport(logged, labels, { idColumn: 'request_id', labelColumn: 'y', windowMs: hour }), /no column 'request_id'/)
  })

  it('reads back what the prediction logger wrote', async () => {
    const root = await mkdtemp(join(tmpdir(), 'orchard-quality-'))
    try {
      const logger = new PredictionLogger({ modelName: 'm', modelVersion: '1', sink: { writeArtifact: async (path, body) => (await mkdir(dirname(join(root, path)), { recursive: true }), writeFile(join(root, path), body)) } })
      logger.log({ requestId: 'r1', timestampMs: t0, latencyMs: 1, input: tableFromRecords([{ x: 1 }, { x: 2 }]), predictions: [0.2, 0.8] })
      logger.setModel('m', '2')
      logger.log({ requestId: 'r2', timestampMs: t0 + 2 * 86_400_000, latencyMs: 1, input: tableFromRecords([{ x: 3 }]), predictions: [0.9] })
      await logger.close()
      const source: PredictionLogSource = {
        listArtifacts: async (path = '') => {
          const entries = await readdir(join(root, path)).catch(() => [])
          return Promise.all(entries.map(async (name) => ({ path: path ? `${path}/${name}` : name, isDir: (await stat(join(root, path, name))).isDirectory() })))
        },
        openArtifact: async (path) => ({ read: async () => createReadStream(join(root, path)) }),
      }
      const all = await readPredictionLog(source, { modelName: 'm' })
      assert.deepEqual(all.map((p) => [p.requestId, p.row, p.modelVersion, p.prediction, p.timestampMs]), [
        ['r1', 0, '1', 0.2, t0],
        ['r1', 1, '1', 0.8, t0],
        ['r2', 0, '2', 0.9, t0 + 2 * 86_400_000],
      ])
      assert.deepEqual((await readPredictionLog(source, { modelName: 'm', version: '2' })).map((p) => p.requestId), ['r2'])
      assert.deepEqual((await readPredictionLog(source, { modelName: 'm', sinceMs: t0 + 86_400_000 })).map((p) => p.requestId), ['r2'])
      assert.deepEqual(await readPredictionLog(source, { modelName: 'other' }), [])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
