import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_FILTER_LENGTH, MAX_FILTER_TERMS, isOrchardError } from '@orchard/protocol/base'
import type { FilterNode } from './ast.ts'
import { LIST_OPERATORS, NUMERIC_OPERATORS, STRING_OPERATORS, parseFilter } from './parse-filter.ts'
import type { Grammar } from './parse-filter.ts'

// A toy grammar: numeric n, string s, list-taking l, and tag.<anything>.
const grammar: Grammar = {
  keyHint: 'n, s, l or tag.<name>',
  resolve(entity, key) {
    if (entity === 'tag') return { entity: 'tag', key, valueKind: 'string', operators: STRING_OPERATORS }
    if (entity !== undefined) return { problem: `Invalid entity type '${entity}'`, expected: 'tag', at: 'entity' }
    if (key === 'n') return { entity: 'attribute', key, valueKind: 'number', operators: NUMERIC_OPERATORS }
    if (key === 's') return { entity: 'attribute', key, valueKind: 'string', operators: STRING_OPERATORS, operatorNote: 'only l takes lists' }
    if (key === 'l') return { entity: 'attribute', key, valueKind: 'string', operators: [...STRING_OPERATORS, ...LIST_OPERATORS] }
    return { problem: `Invalid attribute key '${key}'`, expected: 'n, s or l', at: 'key' }
  },
}

const parse = (text: string | undefined) => parseFilter(text, grammar)
const n = (value: number, operator = '='): FilterNode => ({ type: 'comparison', entity: 'attribute', key: 'n', operator: operator as '=', value })
const and = (...children: FilterNode[]): FilterNode => ({ type: 'and', children })
const or = (...children: FilterNode[]): FilterNode => ({ type: 'or', children })

function rejects(text: string, position: number, fragment: string): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(isOrchardError(error), String(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      assert.ok(error.message.startsWith(`Invalid filter ${JSON.stringify(text)}: `), error.message)
      assert.ok(error.message.includes(fragment), error.message)
      assert.ok(error.message.includes(` at position ${position}`), error.message)
      return true
    },
  )
}

describe('parseFilter: structure', () => {
  it('returns undefined for absent or blank text', () => {
    assert.equal(parse(undefined), undefined)
    assert.equal(parse(''), undefined)
    assert.equal(parse(' \t\n '), undefined)
  })

  it('returns a single comparison itself', () => {
    assert.deepEqual(parse('n = 1'), n(1))
    assert.deepEqual(parse('((n = 1))'), n(1))
  })

  it('binds AND tighter than OR, keywords in any case', () => {
    assert.deepEqual(parse('n = 1 and n = 2 Or n = 3'), or(and(n(1), n(2)), n(3)))
    assert.deepEqual(parse('n = 1 OR n = 2 AnD n = 3'), or(n(1), and(n(2), n(3))))
  })

  it('groups with parentheses and flattens nested nodes of the same type', () => {
    assert.deepEqual(parse('n = 1 and (n = 2 or n = 3)'), and(n(1), or(n(2), n(3))))
    assert.deepEqual(parse('(n = 1 and n = 2) and (n = 3 and (n = 4))'), and(n(1), n(2), n(3), n(4)))
    assert.deepEqual(parse('n = 1 or (n = 2 or (n = 3 or n = 4))'), or(n(1), n(2), n(3), n(4)))
  })

  it("reads comparisons written side by side as AND, since MLflow skips the ANDs between clauses", () => {
    assert.deepEqual(parse('n = 1 n = 2'), and(n(1), n(2)))
    assert.deepEqual(parse('n = 1 n = 2 or n = 3'), or(and(n(1), n(2)), n(3)))
  })

  it('reads IN and NOT IN lists, with a trailing comma as MLflow allows', () => {
    assert.deepEqual(parse("l IN ('a', \"b\",)"), { type: 'comparison', entity: 'attribute', key: 'l', operator: 'IN', value: ['a', 'b'] })
    assert.deepEqual(parse("l not\n in ('a')"), { type: 'comparison', entity: 'attribute', key: 'l', operator: 'NOT IN', value: ['a'] })
  })

  it(`handles up to MAX_FILTER_TERMS (${MAX_FILTER_TERMS}) clauses and refuses more, before planning any SQL`, () => {
    const clauses = (n: number) => Array.from({ length: n }, (_, i) => `n != ${i}`).join(' and ')
    const filter = parse(clauses(MAX_FILTER_TERMS))
    assert.equal(filter?.type === 'and' ? filter.children.length : 0, MAX_FILTER_TERMS)
    assert.throws(() => parse(clauses(5000)), new RegExp(`more than ${MAX_FILTER_TERMS} comparisons`))
    assert.throws(() => parse(`n = '${'x'.repeat(MAX_FILTER_LENGTH)}'`), /more than the limit of/)
  })
})

describe('parseFilter: errors', () => {
  it('names an unknown entity or key at its position', () => {
    rejects("x.y = 'a'", 0, "Invalid entity type 'x' at position 0; expected tag")
    rejects('n = 1 and zz = 1', 10, "Invalid attribute key 'zz'")
  })

  it('refuses an operator the key does not take, with the ones it does', () => {
    rejects("n LIKE 'a'", 2, "Invalid comparator 'LIKE' for n at position 2; expected =, !=, <, <=, >, >=")
    rejects("s IN ('a')", 2, "Invalid comparator 'IN' for s at position 2; expected =, !=, LIKE, ILIKE (only l takes lists)")
  })

  it('needs an operator after the key', () => {
    rejects('n', 1, 'expected a comparison operator after n at position 1')
    rejects("s IS 'a'", 2, 'expected a comparison operator after s, found IS')
    rejects("l NOT LIKE 'a'", 6, 'expected IN after NOT, found LIKE')
  })

  it('needs a value of the right type', () => {
    rejects('n < ', 4, "expected a number after '<' at position 4")
    rejects("n < 'low'", 4, "expected a number after '<', found 'low'")
    rejects('s = 1', 4, "expected a quoted string after '=', found 1")
    rejects('s = word', 4, "expected a quoted string after '=', found word")
    rejects('s = `name`', 4, "expected a quoted string after '=', found `name`")
  })

  it('needs a non-empty parenthesised list of quoted strings after IN', () => {
    rejects("l IN 'a'", 5, "expected '(' after IN, found 'a'")
    rejects('l IN ()', 6, 'empty IN list')
    rejects('l NOT IN ( )', 11, 'empty NOT IN list')
    rejects("l IN ('a' 'b')", 10, "unexpected 'b' in the IN list")
    rejects("l IN ('a', 1)", 11, 'expected a quoted string in the IN list, found 1')
    rejects("l IN ('a',,'b')", 10, "expected a quoted string in the IN list, found ','")
    rejects("l IN ('a'", 5, 'unclosed IN list')
  })

  it('refuses empty clauses around AND and OR', () => {
    rejects('and n = 1', 0, 'empty clause before AND')
    rejects('n = 1 and', 9, 'empty clause after AND')
    rejects('n = 1 AND and n = 2', 10, 'empty clause after AND before AND')
    rejects('n = 1 or or n = 2', 9, 'empty clause after OR before OR')
    rejects('n = 1 or', 8, 'empty clause after OR')
    rejects('(or n = 1)', 1, "empty clause after '(' before OR")
    rejects('()', 1, "empty clause after '(' before ')'")
    rejects('n = 1 and ()', 11, "empty clause after '(' before ')'")
  })

  it('refuses unbalanced parentheses', () => {
    rejects('(n = 1', 0, "unclosed '(' at position 0; expected a matching ')'")
    rejects('((n = 1)', 0, "unclosed '('")
    rejects('n = 1)', 5, "unbalanced ')'")
    rejects(')', 0, "unbalanced ')'")
    rejects('(n = 1 n)', 8, "expected a comparison operator after n, found ')'")
  })

  it('refuses what follows a complete filter when it starts no comparison', () => {
    rejects('n = 1 extra', 6, 'unexpected extra at position 6; expected AND, OR or the end of the filter')
    rejects("s = 'a' 'b'", 8, "unexpected 'b'")
    rejects('n = 1 2', 6, 'unexpected 2')
    rejects('(n = 1) (n = 2)', 8, "unexpected '('")
  })

  it('needs a key where a comparison starts', () => {
    rejects('1 = n', 0, 'expected a key, found 1 at position 0; expected n, s, l or tag.<name>')
    rejects("'s' = 'a'", 0, "expected a key, found 's'")
    rejects('n = 1 and = 2', 10, "expected a key after AND, found '='")
  })

  it('bounds the nesting of parentheses', () => {
    assert.deepEqual(parse(`${'('.repeat(100)}n = 1${')'.repeat(100)}`), n(1))
    rejects(`${'('.repeat(101)}n = 1${')'.repeat(101)}`, 100, 'parentheses nested deeper than 100')
  })
})
