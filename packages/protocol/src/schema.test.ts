import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { trackingRoutes } from './routes/index.ts'
import { parseRequest } from './schema.ts'

const logBatch = trackingRoutes.logBatch.request

describe('log-batch metrics (arrayWithFastPath)', () => {
  it('returns plain points as they were sent', () => {
    const metrics = [
      { key: 'loss', value: 0.5, timestamp: 1, step: 2 },
      { key: 'acc', value: 1, timestamp: 3, model_id: 'm-1' },
    ]
    assert.deepEqual(parseRequest(logBatch, { run_id: 'r', metrics }).metrics, metrics)
  })

  it('keeps the fast path out of a transform pipe, which had every parsed body promoted to the old generation', () => {
    // A zod transform (a pipe) on this field made V8 promote each log-batch body it passed (about
    // 2 MB per young collection under load; BENCHMARKS.md, "What the young generation was
    // promoting"). A check that replaces the value does not.
    const types: string[] = []
    let schema = (logBatch.shape as Record<string, unknown>).metrics as { _zod: { def: { type: string; innerType?: unknown } } } | undefined
    while (schema) {
      types.push(schema._zod.def.type)
      schema = schema._zod.def.innerType as typeof schema
    }
    assert.deepEqual(types, ['optional', 'unknown'])
  })

  it('converts the whole array through the schema when one point needs it', () => {
    const parsed = parseRequest(logBatch, {
      run_id: 'r',
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1, step: 2 },
        { key: 'acc', value: 'NaN', timestamp: '3', unknown_field: true },
      ],
    })
    assert.deepEqual(parsed.metrics, [
      { key: 'loss', value: 0.5, timestamp: 1, step: 2 },
      { key: 'acc', value: Number.NaN, timestamp: 3 },
    ])
  })

  it('names the offending point in its error, as before', () => {
    const metrics = [
      { key: 'loss', value: 0.5, timestamp: 1 },
      { key: 'acc', value: 'high', timestamp: 1 },
    ]
    assert.throws(() => parseRequest(logBatch, { run_id: 'r', metrics }), {
      code: 'INVALID_PARAMETER_VALUE',
      message: /Invalid value "high" for parameter 'metrics\[1\]\.value' supplied: expected a number/,
    })
    assert.throws(() => parseRequest(logBatch, { run_id: 'r', metrics: [{ value: 1, timestamp: 1 }] }), {
      message: /Missing value for required parameter 'metrics\[0\]\.key'/,
    })
    assert.throws(() => parseRequest(logBatch, { run_id: 'r', metrics: 'loss' }), { message: /parameter 'metrics'/ })
  })

  it('leaves metrics absent when the request has none', () => {
    assert.equal(parseRequest(logBatch, { run_id: 'r' }).metrics, undefined)
  })
})
