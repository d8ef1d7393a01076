import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { filterError } from './filter-error.ts'

describe('filterError', () => {
  it('is INVALID_PARAMETER_VALUE quoting the text, the problem, the position and what was expected', () => {
    const error = filterError('filter', 'metrics.rmse < ', 15, "expected a number after '<'")
    assert.ok(isOrchardError(error))
    assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
    assert.equal(error.status, 400)
    assert.equal(error.message, `Invalid filter "metrics.rmse < ": expected a number after '<' at position 15`)
    assert.equal(
      filterError('order_by clause', 'm.a', 0, "Invalid entity type 'm'", 'metrics').message,
      `Invalid order_by clause "m.a": Invalid entity type 'm' at position 0; expected metrics`,
    )
  })

  it('quotes only the stretch around the fault of a long filter', () => {
    const text = `${'a'.repeat(1000)}!${'b'.repeat(1000)}`
    const { message } = filterError('filter', text, 1000, 'unexpected character "!"')
    assert.ok(message.startsWith(`Invalid filter (2001 characters) "...${'a'.repeat(120)}!${'b'.repeat(119)}...": `), message)
    assert.ok(message.endsWith('unexpected character "!" at position 1000'))
  })
})
