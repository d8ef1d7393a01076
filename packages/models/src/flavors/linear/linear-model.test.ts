import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TAXI_LIKE } from '../../../test/fixtures.ts'
import { LinearModel } from './linear-model.ts'

const rejects = (fn: () => unknown, code: string, fragment: string) =>
  assert.throws(fn, (error: { code?: string; message: string }) => error.code === code && error.message.includes(fragment))

test('a dense model multiplies the named input columns by their coefficients', () => {
  const model = new LinearModel({ intercept: 1, coefficients: [2, -3], feature_names: ['a', 'b'] })
  assert.deepEqual(model.predict([{ a: 1, b: 1 }, { a: 0.5, b: 2 }]), [0, -4])
  assert.deepEqual(model.predict({ a: [1], b: [0] }), [3])
})

test('the dict vectorizer one-hot encodes derived categories and adds numeric fields', () => {
  const model = new LinearModel(TAXI_LIKE)
  // 10 + 2 (43_151) + 0.5 * 2.5; 10 + 5 (1_2) + 0.5 * 10; unknown pair contributes nothing
  assert.deepEqual(
    model.predict([
      { PULocationID: '43', DOLocationID: '151', trip_distance: 2.5 },
      { PULocationID: '1', DOLocationID: '2', trip_distance: 10 },
      { PULocationID: '99', DOLocationID: '98', trip_distance: 0 },
    ]),
    [13.25, 20, 10],
  )
})

test('numbers given for categorical fields score like their decimal text', () => {
  const model = new LinearModel(TAXI_LIKE)
  const asText = model.predict([{ PULocationID: '43', DOLocationID: '151', trip_distance: 1 }])
  assert.deepEqual(model.predict([{ PULocationID: 43, DOLocationID: 151.0, trip_distance: 1 }]), asText)
})

test('a null categorical field contributes nothing', () => {
  const model = new LinearModel(TAXI_LIKE)
  assert.deepEqual(model.predict([{ PULocationID: null, DOLocationID: '151', trip_distance: 2 }]), [11])
})

test('a missing numeric field is an error naming it, unless marked optional', () => {
  const model = new LinearModel(TAXI_LIKE)
  rejects(() => model.predict([{ PULocationID: '43', DOLocationID: '151' }]), 'BAD_REQUEST', "'trip_distance'")
  rejects(() => model.predict([{ PULocationID: '43', DOLocationID: '151', trip_distance: null }]), 'BAD_REQUEST', "numeric field 'trip_distance' in row 0")
  rejects(() => model.predict([{ trip_distance: 'far' }]), 'BAD_REQUEST', "Field 'trip_distance' must be a number")
  assert.deepEqual(model.predict([{ PULocationID: '43', DOLocationID: '151' }], { optional: new Set(['trip_distance']) }), [12])
})

test('logit and log links apply the inverse link to the linear predictor', () => {
  const logit = new LinearModel({ link: 'logit', intercept: 0, coefficients: [1], feature_names: ['x'] })
  assert.equal(logit.predict([{ x: 0 }])[0], 0.5)
  const log = new LinearModel({ link: 'log', intercept: 1, coefficients: [1], feature_names: ['x'] })
  assert.equal(log.predict([{ x: 1 }])[0], Math.exp(2))
})

test('invalid model data is refused with a message naming the field', () => {
  rejects(() => new LinearModel({ intercept: 0, coefficients: [1, 2], feature_names: ['x'] }), 'INVALID_PARAMETER_VALUE', '2 coefficients but 1 feature_names')
  rejects(() => new LinearModel({ intercept: 'a', coefficients: [], feature_names: [] }), 'INVALID_PARAMETER_VALUE', "'intercept'")
  rejects(() => new LinearModel({ link: 'probit', intercept: 0, coefficients: [], feature_names: [] }), 'INVALID_PARAMETER_VALUE', "'link'")
  rejects(() => new LinearModel({ intercept: 0, coefficients: [], feature_names: [], vectorizer: { kind: 'hash' } }), 'INVALID_PARAMETER_VALUE', "'kind'")
  rejects(() => new LinearModel({ format_version: 2, intercept: 0, coefficients: [], feature_names: [] }), 'INVALID_PARAMETER_VALUE', 'format_version 2')
})
