import assert from 'node:assert/strict'
import { it } from 'node:test'
import { defaultColumns, toCsv } from './columns.ts'

const run = (metrics: [string, number][], params: string[] = []) => ({
  data: { metrics: metrics.map(([key, timestamp]) => ({ key, timestamp })), params: params.map((key) => ({ key })) },
})

it('puts the metrics most runs share first, held-out ones before the rest, recent before old', () => {
  const sweep = ['train_rmse', 'val_rmse', 'val_mae', 'intercept'].map((k): [string, number] => [k, 5])
  const runs = [
    run([['best_val_rmse', 9], ['read_seconds', 9]]),
    ...Array.from({ length: 5 }, () => run(sweep, ['model', 'alpha'])),
    run([['challenger_rmse', 20], ['champion_rmse', 20]], ['model']),
  ]
  assert.deepEqual(defaultColumns(runs), [
    'metrics.val_mae',
    'metrics.val_rmse',
    'metrics.intercept',
    'metrics.train_rmse',
    'metrics.challenger_rmse',
    'metrics.champion_rmse',
    'metrics.best_val_rmse',
    'metrics.read_seconds',
    'params.model',
    'params.alpha',
  ])
  // `interval` and `evaluator_seconds` are not held-out names; `eval/f1` is.
  assert.deepEqual(defaultColumns([run([['interval', 1], ['evaluator_seconds', 1], ['eval/f1', 1]])]), ['metrics.eval/f1', 'metrics.evaluator_seconds', 'metrics.interval'])
})

it('writes RFC 4180 CSV: quotes fields with commas, quotes or line breaks', () => {
  assert.equal(toCsv(['a', 'b'], [['1', 'x,y'], ['say "hi"', 'two\nlines']]), 'a,b\r\n1,"x,y"\r\n"say ""hi""","two\nlines"\r\n')
})
