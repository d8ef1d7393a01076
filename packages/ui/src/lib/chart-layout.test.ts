import assert from 'node:assert/strict'
import { it } from 'node:test'
import { chartItem, chartTitle, layoutState, parseChartItem, parseLayoutState } from './chart-layout.ts'

it('reads chart items back from their URL spelling; anything else is a metric key', () => {
  assert.deepEqual(parseChartItem('scatter|params.alpha|metrics.val rmse'), { kind: 'scatter', x: 'params.alpha', y: 'metrics.val rmse' })
  assert.deepEqual(parseChartItem('parallel|params.a|params.b|metrics.loss'), { kind: 'parallel', axes: ['params.a', 'params.b', 'metrics.loss'] })
  assert.deepEqual(parseChartItem('system/cpu'), { kind: 'metric', metric: 'system/cpu' })
  assert.deepEqual(parseChartItem('scatter|loss'), { kind: 'metric', metric: 'scatter|loss' })
  assert.deepEqual(parseChartItem('parallel|params.a|tags.x'), { kind: 'metric', metric: 'parallel|params.a|tags.x' })
  for (const item of ['loss', 'scatter|params.alpha|metrics.rmse', 'parallel|metrics.b|params.a']) assert.equal(chartItem(parseChartItem(item)), item)
  assert.equal(chartTitle(parseChartItem('scatter|params.alpha|metrics.rmse')), 'rmse vs alpha')
})

it('saves a layout as MLflow’s chart cards and reads it back in the same order', () => {
  const layout = { charts: ['loss', 'scatter|params.alpha|metrics.rmse', 'parallel|metrics.rmse|params.alpha'], x: 'relative', smoothing: 0.6, log: true } as const
  const state = layoutState(layout)
  const cards = state.compareRunCharts as Record<string, unknown>[]
  assert.deepEqual(cards.map((c) => c.type), ['LINE', 'SCATTER', 'PARALLEL'])
  assert.equal(cards[0]!.metricKey, 'loss')
  assert.equal(cards[0]!.xAxisKey, 'time-relative')
  assert.equal(cards[0]!.lineSmoothness, 60)
  assert.equal(cards[0]!.scaleType, 'log')
  assert.deepEqual(cards[1]!.xaxis, { key: 'alpha', type: 'PARAM' })
  assert.deepEqual(cards[1]!.yaxis, { key: 'rmse', type: 'METRIC' })
  assert.deepEqual(cards[2]!.selectedParams, ['alpha'])
  assert.deepEqual(cards[2]!.selectedMetrics, ['rmse'])
  assert.deepEqual(parseLayoutState(JSON.parse(JSON.stringify(state))), layout)
  assert.deepEqual(parseLayoutState(layoutState({ charts: undefined, x: 'wall', smoothing: 0, log: false })), { charts: undefined, x: 'wall', smoothing: 0, log: false })
})

it('reads the charts of a view MLflow’s UI saved, skipping deleted and unknown cards', () => {
  const state = {
    compareRunCharts: [
      { type: 'BAR', metricKey: 'accuracy' },
      { type: 'LINE', metricKey: 'loss', xAxisKey: 'time', lineSmoothness: 30, scaleType: 'linear' },
      { type: 'LINE', metricKey: 'gone', deleted: true },
      { type: 'IMAGE', imageKeys: ['x'] },
      { type: 'SCATTER', xaxis: { key: 'lr', type: 'PARAM' }, yaxis: { key: 'loss', type: 'METRIC' } },
      { type: 'PARALLEL', selectedParams: ['lr'], selectedMetrics: ['loss'] },
      { type: 'PARALLEL', selectedParams: [], selectedMetrics: [] },
    ],
  }
  assert.deepEqual(parseLayoutState(state), { charts: ['accuracy', 'loss', 'scatter|params.lr|metrics.loss', 'parallel|params.lr|metrics.loss'], x: 'wall', smoothing: 0.3, log: false })
  assert.equal(parseLayoutState({ searchFilter: '' }), undefined)
  assert.equal(parseLayoutState(undefined), undefined)
  assert.deepEqual(parseLayoutState({ compareRunCharts: [] }), { charts: undefined, x: 'step', smoothing: 0, log: false })
})
