import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseSavedView, savedViewValue } from './saved-views.ts'

const view = { filter: "params.model = 'ridge'", order: 'metrics.`val_rmse` ASC', columns: undefined, showDeleted: false }

it('writes MLflow’s envelope with the state as JSON text, and reads it back', () => {
  const value = savedViewValue('Best ridge', view, ['metrics.val_rmse', 'params.alpha'], 1000)
  const envelope = JSON.parse(value)
  assert.deepEqual(Object.keys(envelope), ['name', 'createdAt', 'updatedAt', 'state'])
  assert.equal(typeof envelope.state, 'string')
  assert.deepEqual(JSON.parse(envelope.state), {
    searchFilter: "params.model = 'ridge'",
    orderByKey: 'metrics.`val_rmse`',
    orderByAsc: true,
    lifecycleFilter: 'Active',
    orchardColumns: ['metrics.val_rmse', 'params.alpha'],
  })
  assert.deepEqual(parseSavedView('mlflow.sharedViewState.abc', value), {
    id: 'abc',
    name: 'Best ridge',
    createdAt: 1000,
    updatedAt: 1000,
    view: { filter: "params.model = 'ridge'", order: 'metrics.`val_rmse` ASC', showDeleted: false, columns: ['metrics.val_rmse', 'params.alpha'] },
  })
})

it('reads a view MLflow’s UI saved (no Orchard columns, attribute order) and refuses other tags', () => {
  const state = JSON.stringify({ searchFilter: '', orderByKey: 'attributes.start_time', orderByAsc: false, lifecycleFilter: 'Active', compareRunCharts: [] })
  const parsed = parseSavedView('mlflow.sharedViewState.x1', JSON.stringify({ name: 'Latest', createdAt: 1, updatedAt: 2, state }))
  assert.deepEqual(parsed?.view, { filter: '', order: 'attributes.start_time DESC', showDeleted: false })
  assert.equal(parseSavedView('mlflow.note.content', '{}'), undefined)
  assert.equal(parseSavedView('mlflow.sharedViewState.bad', 'not json'), undefined)
})

it('saves the chart layout as MLflow chart cards and reads it back; an MLflow view’s own cards too', () => {
  const charts = { charts: ['loss', 'scatter|params.alpha|metrics.val_rmse'], x: 'wall', smoothing: 0.5, log: true } as const
  const value = savedViewValue('Charts', view, [], 1000, 1000, charts)
  const state = JSON.parse(JSON.parse(value).state)
  assert.deepEqual(state.orchardCharts.compareRunCharts.map((c: { type: string }) => c.type), ['LINE', 'SCATTER'])
  assert.deepEqual(parseSavedView('mlflow.sharedViewState.c', value)?.charts, charts)
  assert.equal(parseSavedView('mlflow.sharedViewState.c', savedViewValue('No charts', view, [], 1000))?.charts, undefined)
  const mlflow = JSON.stringify({ searchFilter: '', compareRunCharts: [{ type: 'LINE', metricKey: 'loss', xAxisKey: 'step', lineSmoothness: 0, scaleType: 'log' }] })
  assert.deepEqual(parseSavedView('mlflow.sharedViewState.m', JSON.stringify({ name: 'M', state: mlflow }))?.charts, { charts: ['loss'], x: 'step', smoothing: 0, log: true })
})

it('keeps an order by an aggregate apart from MLflow’s keys, which cannot spell it, and reads it back', () => {
  const value = savedViewValue('Least loss', { ...view, order: 'min(metrics.`loss`) ASC' }, ['metrics.loss@min'], 1000)
  const state = JSON.parse(JSON.parse(value).state)
  assert.equal(state.orderByKey, undefined)
  assert.equal(state.orchardOrder, 'min(metrics.`loss`) ASC')
  assert.equal(parseSavedView('mlflow.sharedViewState.x', value)?.view.order, 'min(metrics.`loss`) ASC')
})
