import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { canonicalKey, tokenize } from './lexer.ts'

const lex = (text: string) => tokenize(text, 'filter')
const kinds = (text: string) => lex(text).map((token) => token.kind)
const numberValue = (text: string) => {
  const [token] = lex(text)
  assert.equal(token?.kind, 'number', text)
  return token.kind === 'number' ? token.value : undefined
}

function rejects(text: string, position: number, fragment: string): void {
  assert.throws(
    () => lex(text),
    (error: unknown) => {
      assert.ok(isOrchardError(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      assert.ok(error.message.includes(fragment), error.message)
      assert.ok(error.message.includes(` at position ${position}`), error.message)
      return true
    },
  )
}

describe('tokenize', () => {
  it('marks where each token starts and ends, and ends with an end token', () => {
    const tokens = lex("metrics.rmse <= -1.5 AND params.`a b` = 'x'")
    assert.deepEqual(
      tokens.map((token) => [token.kind, token.position, token.end]),
      [
        ['name', 0, 12],
        ['operator', 13, 15],
        ['number', 16, 20],
        ['word', 21, 24],
        ['name', 25, 37],
        ['operator', 38, 39],
        ['string', 40, 43],
        ['end', 43, 43],
      ],
    )
  })

  it('splits a dotted name at its first dot, as MLflow does', () => {
    assert.deepEqual(lex('tags.mlflow.source.git.commit')[0], {
      kind: 'name',
      entity: 'tags',
      key: 'mlflow.source.git.commit',
      keyPosition: 5,
      position: 0,
      end: 29,
    })
  })

  it('reads quoted entities and keys, and a quoted name on its own', () => {
    const [name] = lex('`metrics`."my metric"')
    assert.ok(name?.kind === 'name')
    assert.equal(name.entity, 'metrics')
    assert.equal(name.key, 'my metric')
    assert.deepEqual(lex('`Run name`')[0], { kind: 'quoted-name', key: 'Run name', position: 0, end: 10 })
  })

  it('keeps the raw key text when it is not one quoted run, as MLflow does', () => {
    const key = (text: string) => {
      const [token] = lex(text)
      return token?.kind === 'name' ? token.key : undefined
    }
    assert.equal(key('tags.`a.b`.c'), '`a.b`.c')
    assert.equal(key('tags."a"."b"'), 'a"."b')
    assert.equal(key('tags.a.'), 'a.')
    assert.equal(key('tags.'), '')
  })

  it('reads words with Unicode letters, digits and underscores', () => {
    assert.deepEqual(kinds('tags.clé_2 = tags.键'), ['name', 'operator', 'name', 'end'])
    assert.deepEqual(kinds('`😀`.x'), ['name', 'end'])
  })

  it("keeps string values verbatim between their outer quotes, as MLflow does", () => {
    const value = (text: string) => {
      const [token] = lex(text)
      return token?.kind === 'string' ? [token.value, token.quote] : undefined
    }
    assert.deepEqual(value("'it''s'"), ["it''s", "'"])
    assert.deepEqual(value("'a\\'b'"), ["a\\'b", "'"])
    assert.deepEqual(value("'C:\\'"), ['C:\\', "'"])
    assert.deepEqual(value('"say \'hi\'"'), ["say 'hi'", '"'])
    assert.deepEqual(value("'line\nbreak'"), ['line\nbreak', "'"])
  })

  it("reads MLflow's number forms", () => {
    assert.equal(numberValue('42'), 42)
    assert.equal(numberValue('-1'), -1)
    assert.equal(numberValue('0.94'), 0.94)
    assert.equal(numberValue('5.'), 5)
    assert.equal(numberValue('.5'), 0.5)
    assert.equal(numberValue('-.5'), -0.5)
    assert.equal(numberValue('1e3'), 1000)
    assert.equal(numberValue('-1.5E-3'), -0.0015)
  })

  it('lets a number with an exponent run into a word, as sqlparse does', () => {
    assert.deepEqual(kinds('1e3and'), ['number', 'word', 'end'])
  })

  it('rejects numbers MLflow does not read', () => {
    rejects('1e+3', 0, 'malformed number "1e+3"')
    rejects('x > 0x1F', 4, 'malformed number "0x1F"')
    rejects('1_000', 0, 'malformed number')
    rejects('1.e3', 0, 'malformed number')
    rejects('2abc', 0, 'malformed number')
  })

  it('reads the six comparison operators and rejects other runs of <>=~!', () => {
    assert.deepEqual(
      lex('= != < <= > >=').flatMap((token) => (token.kind === 'operator' ? [token.value] : [])),
      ['=', '!=', '<', '<=', '>', '>='],
    )
    rejects('a == 1', 2, "Invalid comparator '=='")
    rejects('a <> 1', 2, "Invalid comparator '<>'")
    rejects('a ~ 1', 2, "Invalid comparator '~'")
    rejects('a >== 1', 2, "Invalid comparator '>=='")
  })

  it('rejects unterminated strings and names at their opening quote', () => {
    rejects("params.a = 'open", 11, 'unterminated string')
    rejects('params.a = "open', 11, 'unterminated string')
    rejects('`metrics.a > 1', 0, 'unterminated backtick-quoted name')
    rejects('metrics."a > 1', 8, 'unterminated string')
  })

  it('rejects characters outside the language', () => {
    rejects("a = 'x'; b", 7, 'unexpected character ";"')
    rejects('a + 1', 2, 'unexpected character "+"')
    rejects('tags.a$b', 6, 'unexpected character "$"')
    rejects('metrics.a-b', 9, 'unexpected character "-"')
  })
})

describe('canonicalKey', () => {
  it("removes outer quotes, then outer backticks, and nothing else (MLflow's _strip_quotes, _trim_backticks)", () => {
    assert.equal(canonicalKey('"a b"'), 'a b')
    assert.equal(canonicalKey("'a b'"), 'a b')
    assert.equal(canonicalKey('`a b`'), 'a b')
    assert.equal(canonicalKey('"`a`"'), 'a')
    assert.equal(canonicalKey('"a""b"'), 'a""b')
    assert.equal(canonicalKey('"a'), '"a')
    assert.equal(canonicalKey('"'), '"')
  })
})
