import assert from 'node:assert/strict'
import { test } from 'node:test'
import { registryRoutes, route, trackingRoutes } from '@orchard/protocol'
import { routeRequest, serverRoot } from './route-request.ts'

test('a POST route sends its fields as a JSON body under /api/2.0, leaving out undefined ones', () => {
  const request = routeRequest('http://host:5000', trackingRoutes.createRun, { experiment_id: '1', run_name: undefined, tags: [] })
  assert.deepEqual(request, {
    method: 'POST',
    url: 'http://host:5000/api/2.0/mlflow/runs/create',
    body: '{"experiment_id":"1","tags":[]}',
  })
})

test('a GET route sends its fields in the query string, repeating keys for lists', () => {
  const request = routeRequest('http://host', trackingRoutes.getMetricHistoryBulkInterval, {
    run_ids: ['a', 'b'],
    metric_key: 'loss',
    max_results: 10,
  })
  assert.equal(request.method, 'GET')
  assert.equal(request.url, 'http://host/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=a&run_ids=b&metric_key=loss&max_results=10')
  assert.equal(request.body, undefined)
})

test('ajax-only routes go under /ajax-api', () => {
  const request = routeRequest('http://host', trackingRoutes.getMetricHistoryBulk, { run_id: ['a'], metric_key: 'm' })
  assert.equal(request.url, 'http://host/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=a&metric_key=m')
})

test('path parameters are filled, escaped and taken out of the request', () => {
  const def = route({ methods: ['GET'], path: '/mlflow/logged-models/{model_id}', version: '3.0', request: trackingRoutes.getRun.request })
  const request = routeRequest('http://host', def, { model_id: 'm/1', extra: 'x' })
  assert.equal(request.url, 'http://host/api/3.0/mlflow/logged-models/m%2F1?extra=x')
})

test('a route that accepts POST and GET is called with POST', () => {
  assert.equal(routeRequest('http://host', trackingRoutes.searchExperiments, {}).method, 'POST')
})

test('serverRoot keeps a path prefix and drops trailing slashes', () => {
  assert.equal(serverRoot('https://example.com/mlflow/'), 'https://example.com/mlflow')
  assert.equal(serverRoot('http://localhost:5000'), 'http://localhost:5000')
})

test('a DELETE route sends its fields as a JSON body, as the registry deletes read them', () => {
  const request = routeRequest('http://host', registryRoutes.deleteModelVersion, { name: 'fraud', version: '2' })
  assert.deepEqual(request, { method: 'DELETE', url: 'http://host/api/2.0/mlflow/model-versions/delete', body: '{"name":"fraud","version":"2"}' })
})
