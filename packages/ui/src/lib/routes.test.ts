import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { orderTerm, parseColumn, parseOrderTerm } from './columns.ts'
import { parseRoute, routePath, runsRoute } from './routes.ts'
import type { Route } from './routes.ts'

const roundTrip = (route: Route) => {
  const url = new URL(routePath(route), 'http://x')
  return parseRoute(url.pathname, url.search)
}

describe('routes', () => {
  it('round-trip every view through its URL', () => {
    const routes: Route[] = [
      { page: 'home' },
      runsRoute(['1', '2'], { filter: "metrics.loss < 0.5 and params.lr = '0.1'", order: 'metrics.`loss` DESC', columns: ['metrics.loss', 'params.a,b'.replace(',', '')], showDeleted: true }),
      runsRoute(['3']),
      runsRoute(['3'], { columns: [] }),
      { page: 'run', experimentId: '1', runId: 'abc', tab: 'artifacts' },
      { page: 'charts', experimentIds: ['1'], runIds: ['a', 'b'], metric: 'val loss', x: 'relative', smoothing: 0.6, log: true },
      { page: 'charts', experimentIds: ['1'], runIds: ['a'], metric: '', metrics: ['loss', 'system/cpu'], x: 'step', smoothing: 0, log: false },
      { page: 'run', experimentId: '1', runId: 'abc', tab: 'artifacts', artifact: 'model/MLmodel' },
      { page: 'compare', experimentIds: ['1', '2'], runIds: ['a', 'b', 'c'], scatterX: 'params.lr', scatterY: 'metrics.val loss' },
      { page: 'compare', experimentIds: ['1'], runIds: [], scatterX: '', scatterY: '' },
      { page: 'models', filter: "name LIKE 'churn%'" },
      { page: 'models', filter: '' },
      { page: 'model', name: 'team/churn model' },
      { page: 'model-version', name: 'churn', version: '3' },
    ]
    for (const route of routes) assert.deepEqual(roundTrip(route), route)
  })

  it('reads an absent cols as the default choice and an empty one as none', () => {
    const absent = parseRoute('/experiments/1', '')
    assert.equal(absent.page === 'runs' && absent.columns, undefined)
    const empty = parseRoute('/experiments/1', '?cols=')
    assert.deepEqual(empty.page === 'runs' && empty.columns, [])
  })

  it('sends unknown paths and bad escapes to not-found', () => {
    assert.equal(parseRoute('/nope', '').page, 'not-found')
    assert.equal(parseRoute('/experiments/%E0', '').page, 'not-found')
    assert.equal(parseRoute('/experiments/1/runs/a/b', '').page, 'not-found')
  })
})

describe('columns', () => {
  it('build and read order_by terms', () => {
    assert.equal(orderTerm({ kind: 'metrics', key: 'val loss' }, false), 'metrics.`val loss` DESC')
    assert.equal(orderTerm('start_time', true), 'attributes.start_time ASC')
    assert.deepEqual(parseOrderTerm('metrics.`val loss` DESC'), { target: 'metrics.val loss', ascending: false })
    assert.deepEqual(parseOrderTerm('attributes.start_time'), { target: 'start_time', ascending: true })
    assert.equal(orderTerm({ kind: 'metrics', key: 'val loss', aggregate: 'min' }, true), 'min(metrics.`val loss`) ASC')
    assert.deepEqual(parseOrderTerm('min(metrics.`val loss`) ASC'), { target: 'metrics.val loss@min', ascending: true })
    assert.deepEqual(parseOrderTerm('AVG(metrics.loss) DESC'), { target: 'metrics.loss@mean', ascending: false })
    assert.deepEqual(parseColumn('params.a.b'), { kind: 'params', key: 'a.b' })
    assert.equal(parseColumn('nope.x'), undefined)
  })
})
