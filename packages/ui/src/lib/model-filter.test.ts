import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { modelFilter } from './model-filter.ts'

describe('modelFilter', () => {
  it('turns plain text into a case-insensitive name match with LIKE wildcards escaped', () => {
    assert.equal(modelFilter(' churn '), "name ILIKE '%churn%'")
    assert.equal(modelFilter('a_b%'), "name ILIKE '%a\\_b\\%%'")
    assert.equal(modelFilter(''), '')
  })
  it('passes a filter through untouched', () => {
    assert.equal(modelFilter("tags.team = 'risk'"), "tags.team = 'risk'")
    assert.equal(modelFilter("name LIKE 'churn%'"), "name LIKE 'churn%'")
  })
})
