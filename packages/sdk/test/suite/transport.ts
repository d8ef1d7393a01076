import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Transport } from '../../src/index.ts'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

// The Transport itself, below the client: the embedded one must check input exactly where the
// server does, with the same code and the same words.
export function describeTransport(ctx: SuiteContext): void {
  let transport: Transport
  before(async () => {
    transport = await ctx.target.openTransport()
  })
  after(() => transport.close())

  const newRun = async () => (await transport.createRun({ experimentId: await transport.createExperiment({ name: uniqueName('t') }) })).info.runId

  test('a run without an experiment id goes to the Default experiment', async () => {
    const run = await transport.createRun({ experimentId: '' })
    assert.equal(run.info.experimentId, '0')
  })

  test('an empty required field is named in MLflow’s words', async () => {
    const runId = await newRun()
    await rejectsWith(transport.setTag(runId, { key: '', value: 'x' }), 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'")
    await rejectsWith(
      transport.logBatch(runId, { metrics: [{ key: '', value: 1, timestamp: 1, step: 0 }] }),
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'metrics[0].key'",
    )
    await rejectsWith(transport.getRun(''), 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'")
  })

  test('an experiment may not keep its artifacts under runs:/', async () => {
    await rejectsWith(
      transport.createExperiment({ name: uniqueName('runs-uri'), artifactLocation: 'runs:/abc/model' }),
      'INVALID_PARAMETER_VALUE',
      'cannot be a runs:/ URI',
    )
  })

  test('max_results out of range is INVALID_PARAMETER_VALUE for searches and metric history', async () => {
    const runId = await newRun()
    await rejectsWith(transport.searchRuns({ experimentIds: ['0'], runViewType: 'ALL', maxResults: 0 }), 'INVALID_PARAMETER_VALUE', 'max_results')
    await rejectsWith(transport.getMetricHistory(runId, 'loss', { maxResults: 0 }), 'INVALID_PARAMETER_VALUE', 'max_results')
  })

  test('metric history pages with maxResults and a page token', async () => {
    const runId = await newRun()
    const metrics = Array.from({ length: 5 }, (_, step) => ({ key: 'loss', value: step, timestamp: 100 + step, step }))
    await transport.logBatch(runId, { metrics })
    const first = await transport.getMetricHistory(runId, 'loss', { maxResults: 3 })
    assert.equal(first.items.length, 3)
    assert.ok(first.nextPageToken)
    const second = await transport.getMetricHistory(runId, 'loss', { maxResults: 3, pageToken: first.nextPageToken })
    assert.deepEqual(
      [...first.items, ...second.items].map((m) => m.step),
      [0, 1, 2, 3, 4],
    )
    assert.equal(second.nextPageToken, undefined)
  })

  test('sampled history refuses no runs, a half step range and max_results out of range', async () => {
    const runId = await newRun()
    await rejectsWith(transport.getMetricHistoryBulkInterval([], 'loss', { maxResults: 10 }), 'INVALID_PARAMETER_VALUE', 'at least one run_id')
    await rejectsWith(
      transport.getMetricHistoryBulkInterval([runId], 'loss', { maxResults: 10, startStep: 1 }),
      'INVALID_PARAMETER_VALUE',
      'both must be specified',
    )
    await rejectsWith(transport.getMetricHistoryBulkInterval([runId], 'loss', { maxResults: 0 }), 'INVALID_PARAMETER_VALUE', 'max_results must be between')
  })
}
