import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { QuotedReader } from './read-quoted.ts'

// Expected ends were checked against sqlparse's regex '(''|\\'|[^'])*' (and "…", `…`), which is
// what MLflow tokenizes strings with.
const endOf = (text: string, start = 0) => new QuotedReader(text).endOf(start)

describe('QuotedReader', () => {
  it('ends a run at its closing quote', () => {
    assert.equal(endOf("'abc' rest"), 5)
    assert.equal(endOf("''"), 2)
    assert.equal(endOf('"x"'), 3)
    assert.equal(endOf('`a b`.c'), 5)
  })

  it('reads a doubled quote or a backslash-quote as part of the run', () => {
    assert.equal(endOf("'it''s' x"), 7)
    assert.equal(endOf("'a\\'b' x"), 6)
    assert.equal(endOf('"a""b"'), 6)
    assert.equal(endOf('`a``b`'), 6)
  })

  it('gives backticks no backslash escape', () => {
    assert.equal(endOf('`a\\`b`'), 4)
  })

  it("falls back as the regex backtracks when the greedy reading never closes: 'C:\\' is C:\\", () => {
    assert.equal(endOf("'C:\\'"), 5)
    assert.equal(endOf("'a''"), 3)
    assert.equal(endOf("'x\\'' and"), 5)
  })

  it('keeps the greedy reading when it closes, even across what looks like another string', () => {
    // As in MLflow: the string swallows ` and params.b = ` and the filter then fails.
    assert.equal(endOf("'C:\\' and params.b = 'x'"), 22)
  })

  it('returns -1 when no closing quote follows', () => {
    assert.equal(endOf("'open"), -1)
    assert.equal(endOf('"open\'s'), -1)
    assert.equal(endOf('`open'), -1)
  })

  it('reads runs that start anywhere in the text, reusing one table per quote character', () => {
    const text = "'a' '' 'C:\\' '\\'"
    const reader = new QuotedReader(text)
    assert.deepEqual([0, 4, 7, 13].map((start) => reader.endOf(start)), [3, 6, 14, 16])
  })
})
