import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { metricSegment, parseAlertRule } from './monitoring-run.ts'

describe('monitoring alert rules and metric keys', () => {
  it('parses metric>value rules and tests values against them', () => {
    const rule = parseAlertRule('rmse>5')!
    assert.equal(rule.metric, 'rmse')
    assert.deepEqual([rule.test(5), rule.test(5.01)], [false, true])
    const floor = parseAlertRule('accuracy <= 0.8')!
    assert.deepEqual([floor.metric, floor.test(0.8), floor.test(0.81), floor.text], ['accuracy', true, false, 'accuracy <= 0.8'])
    assert.equal(parseAlertRule('quality.roc_auc<1e-1')!.test(0.05), true)
    for (const bad of ['rmse', 'rmse>>5', '>5', 'rmse>five', 'rmse=5']) assert.equal(parseAlertRule(bad), undefined, bad)
  })

  it('keeps only the characters MLflow allows in a metric key', () => {
    assert.equal(metricSegment('PU_DO'), 'PU_DO')
    assert.equal(metricSegment('fare ($)'), 'fare ___')
  })
})
