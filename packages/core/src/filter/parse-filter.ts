import { MAX_FILTER_LENGTH, MAX_FILTER_TERMS, invalidParameter } from '@orchard/protocol/base'
import type { Comparison, ComparisonOperator, EntityType, FilterNode, MetricAggregate } from './ast.ts'
import { filterError } from './filter-error.ts'
import { canonicalKey, tokenize } from './lexer.ts'
import type { Token } from './lexer.ts'

// One recursive-descent parser for every search grammar. MLflow's language is
// `comparison AND comparison …`; Orchard adds OR and parentheses with AND binding tighter, so an
// MLflow filter (which has neither) parses to the same conjunction. What differs between grammars
// (which entities and keys exist, which operators and values they take) is a `Grammar`.

export interface ResolvedKey {
  readonly entity: EntityType
  readonly key: string
  readonly valueKind: 'number' | 'string'
  readonly operators: readonly ComparisonOperator[]
  /** Appended when an operator is refused, e.g. why IN is not allowed here. */
  readonly operatorNote?: string
}

/** Why a key was refused, and whether the entity or the key part is at fault (for the position). */
export interface KeyProblem {
  readonly problem: string
  readonly expected: string
  readonly at: 'entity' | 'key'
}

export interface Grammar {
  resolve(entity: string | undefined, key: string): ResolvedKey | KeyProblem
  /** What a key looks like in this grammar, for messages. */
  readonly keyHint: string
  /** Whether a metric may be wrapped in an aggregate, `min(metrics.loss) < 0.2` (runs/search only). */
  readonly aggregates?: boolean
}

/** A key as written: `entity.key`, a bare word, or a bare quoted name. */
export interface KeyReference {
  readonly entity: string | undefined
  readonly key: string
  readonly keyPosition: number
}

export const NUMERIC_OPERATORS: readonly ComparisonOperator[] = ['=', '!=', '<', '<=', '>', '>=']
export const STRING_OPERATORS: readonly ComparisonOperator[] = ['=', '!=', 'LIKE', 'ILIKE']
export const LIST_OPERATORS: readonly ComparisonOperator[] = ['IN', 'NOT IN']

// Parentheses are Orchard's addition; bounding their depth keeps a hostile filter from exhausting
// the stack (MLflow itself accepts none).
const MAX_NESTING = 100
const ALL_OPERATORS = '=, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN'
// The aggregates a metric may be wrapped in; `avg` is SQL's name for the mean.
const AGGREGATE_NAMES = new Map<string, MetricAggregate>([
  ['min', 'min'],
  ['max', 'max'],
  ['mean', 'mean'],
  ['avg', 'mean'],
])
export const AGGREGATE_HINT = 'min(metrics.<name>), max(metrics.<name>) or mean(metrics.<name>)'

/** The aggregate a word names (`min`, `max`, `mean`, `avg`), in any case. */
export const aggregateNamed = (word: string): MetricAggregate | undefined => AGGREGATE_NAMES.get(word.toLowerCase())

const isWord = (token: Token, upper: string) => token.kind === 'word' && token.text.toUpperCase() === upper
const isPunctuation = (token: Token, value: string) => token.kind === 'punctuation' && token.value === value

/**
 * The key a token names, if it can name one. A single-quoted string cannot: in MLflow, as in SQL,
 * it is a value, while "double quotes" and `backticks` quote names.
 */
export function keyOf(token: Token, text: string): KeyReference | undefined {
  switch (token.kind) {
    case 'name':
      return { entity: token.entity, key: token.key, keyPosition: token.keyPosition }
    case 'quoted-name':
      return { entity: undefined, key: token.key, keyPosition: token.position }
    case 'word':
      return { entity: undefined, key: token.text, keyPosition: token.position }
    case 'string':
      return token.quote === '"' ? { entity: undefined, key: canonicalKey(text.slice(token.position, token.end)), keyPosition: token.position } : undefined
    default:
      return undefined
  }
}

/** How a token reads in a message: `found <this>`. */
export function describe(token: Token, text: string): string {
  if (token.kind === 'end') return 'the end'
  const raw = text.slice(token.position, token.end)
  const shown = raw.length > 40 ? `${raw.slice(0, 37)}...` : raw
  return token.kind === 'operator' || token.kind === 'punctuation' ? `'${shown}'` : shown
}

class Parser {
  private index = 0
  private depth = 0
  private comparisons = 0
  private readonly tokens: Token[]

  constructor(
    private readonly text: string,
    private readonly grammar: Grammar,
  ) {
    this.tokens = tokenize(text, 'filter')
  }

  parse(): FilterNode {
    const node = this.parseOr(undefined)
    const next = this.peek()
    if (next.kind !== 'end') {
      const problem = isPunctuation(next, ')') ? "unbalanced ')'" : `unexpected ${this.describe(next)}`
      throw this.error(next.position, problem, 'AND, OR or the end of the filter')
    }
    return node
  }

  private peek(): Token {
    return this.tokens[this.index] as Token
  }

  private next(): Token {
    return this.tokens[this.index++] as Token
  }

  private error(position: number, problem: string, expected?: string) {
    return filterError('filter', this.text, position, problem, expected)
  }

  private describe(token: Token): string {
    return describe(token, this.text)
  }

  private found(token: Token): string {
    return token.kind === 'end' ? '' : `, found ${this.describe(token)}`
  }

  private parseOr(after: Token | undefined): FilterNode {
    const children = [this.parseAnd(after)]
    while (isWord(this.peek(), 'OR')) {
      const or = this.next()
      children.push(this.parseAnd(or))
    }
    if (children.length === 1) return children[0] as FilterNode
    return { type: 'or', children: children.flatMap((child) => (child.type === 'or' ? child.children : [child])) }
  }

  private parseAnd(after: Token | undefined): FilterNode {
    const children = [this.parsePrimary(after)]
    for (;;) {
      const next = this.peek()
      if (isWord(next, 'AND')) children.push(this.parsePrimary(this.next()))
      else if (this.startsComparison(next)) children.push(this.parseComparison(undefined))
      else break
    }
    if (children.length === 1) return children[0] as FilterNode
    return { type: 'and', children: children.flatMap((child) => (child.type === 'and' ? child.children : [child])) }
  }

  private parsePrimary(after: Token | undefined): FilterNode {
    const open = this.peek()
    if (!isPunctuation(open, '(')) return this.parseComparison(after)
    this.next()
    if (++this.depth > MAX_NESTING) throw this.error(open.position, `parentheses nested deeper than ${MAX_NESTING}`)
    const inner = this.parseOr(open)
    const close = this.next()
    if (close.kind === 'end') throw this.error(open.position, "unclosed '('", "a matching ')'")
    if (!isPunctuation(close, ')')) throw this.error(close.position, `unexpected ${this.describe(close)}`, "AND, OR or ')'")
    this.depth--
    return inner
  }

  private parseComparison(after: Token | undefined): Comparison {
    const first = this.next()
    if (++this.comparisons > MAX_FILTER_TERMS) {
      throw this.error(first.position, `more than ${MAX_FILTER_TERMS} comparisons (the limit of terms in one filter)`, 'a shorter filter')
    }
    const aggregate = this.parseAggregateOpening(first)
    const left = aggregate ? this.next() : first
    const reference = isWord(left, 'AND') || isWord(left, 'OR') ? undefined : keyOf(left, this.text)
    if (!reference) throw aggregate ? this.error(left.position, `expected a metric after ${this.describe(first)}(${this.found(left)}`, AGGREGATE_HINT) : this.missingComparison(left, after)
    const resolved = this.grammar.resolve(reference.entity, reference.key)
    if ('problem' in resolved) {
      throw this.error(resolved.at === 'entity' ? left.position : reference.keyPosition, resolved.problem, resolved.expected)
    }
    if (aggregate) this.parseAggregateClosing(first, left, resolved)
    const written = this.text.slice(first.position, this.tokens[this.index - 1]!.end)
    const operatorToken = this.peek()
    const operator = this.parseOperator(written)
    if (!resolved.operators.includes(operator)) {
      const note = resolved.operatorNote && (operator === 'IN' || operator === 'NOT IN') ? ` (${resolved.operatorNote})` : ''
      throw this.error(operatorToken.position, `Invalid comparator '${operator}' for ${written}`, `${resolved.operators.join(', ')}${note}`)
    }
    const { entity, key } = resolved
    if (operator === 'IN' || operator === 'NOT IN') return { type: 'comparison', entity, key, operator, value: this.parseList(operator) }
    const value = this.next()
    if (resolved.valueKind === 'number') {
      if (value.kind !== 'number') throw this.error(value.position, `expected a number after '${operator}'${this.found(value)}`)
      return { type: 'comparison', entity, key, operator, value: value.value, ...(aggregate ? { aggregate } : {}) }
    }
    if (value.kind !== 'string') {
      throw this.error(value.position, `expected a quoted string after '${operator}'${this.found(value)}`, "'text' or \"text\"")
    }
    return { type: 'comparison', entity, key, operator, value: value.value }
  }

  /**
   * `min(`, `max(`, `mean(` or `avg(` opening an aggregate comparison, in a grammar that takes them.
   * A bare word before '(' is never a key (MLflow has no such syntax), so this cannot change the
   * meaning of an MLflow filter; another word there is reported as an unknown aggregate.
   */
  private parseAggregateOpening(token: Token): MetricAggregate | undefined {
    if (!this.grammar.aggregates || token.kind !== 'word' || !isPunctuation(this.peek(), '(')) return undefined
    const aggregate = aggregateNamed(token.text)
    if (!aggregate) throw this.error(token.position, `unknown aggregate '${token.text}'`, AGGREGATE_HINT)
    this.next()
    return aggregate
  }

  /** The ')' after an aggregate's key, which must name a metric. */
  private parseAggregateClosing(opening: Token, key: Token, resolved: ResolvedKey): void {
    if (resolved.entity !== 'metric') {
      throw this.error(key.position, `${describe(opening, this.text)}() applies to metrics only`, AGGREGATE_HINT)
    }
    const close = this.next()
    if (!isPunctuation(close, ')')) throw this.error(close.position, `expected ')' after the metric${this.found(close)}`, AGGREGATE_HINT)
  }

  /**
   * MLflow keeps the comparisons of a filter and skips the ANDs between them, so comparisons written
   * side by side (`metrics.a > 1 metrics.b < 2`) are a conjunction there. We accept that when the
   * next token names a known key; anything else after a comparison is reported as unexpected.
   */
  private startsComparison(token: Token): boolean {
    const reference = isWord(token, 'AND') || isWord(token, 'OR') ? undefined : keyOf(token, this.text)
    return reference !== undefined && !('problem' in this.grammar.resolve(reference.entity, reference.key))
  }

  /** A clause is missing: at the start, between AND/OR/'(' and what follows, or at the end. */
  private missingComparison(token: Token, after: Token | undefined) {
    const where = after === undefined ? '' : ` after ${after.kind === 'word' ? after.text.toUpperCase() : "'('"}`
    if (isPunctuation(token, ')') && after === undefined) return this.error(token.position, "unbalanced ')'")
    if (token.kind === 'end' || isWord(token, 'AND') || isWord(token, 'OR') || isPunctuation(token, ')')) {
      const before = token.kind === 'end' ? '' : ` before ${token.kind === 'word' ? token.text.toUpperCase() : "')'"}`
      return this.error(token.position, `empty clause${where}${before}`, 'a comparison such as metrics.rmse < 1')
    }
    return this.error(token.position, `expected a key${where}${this.found(token)}`, this.grammar.keyHint)
  }

  private parseOperator(written: string): ComparisonOperator {
    const token = this.next()
    if (token.kind === 'operator') return token.value
    if (token.kind === 'word') {
      const word = token.text.toUpperCase()
      if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word
      if (word === 'NOT') {
        const following = this.next()
        if (isWord(following, 'IN')) return 'NOT IN'
        throw this.error(following.position, `expected IN after NOT${this.found(following)}`)
      }
    }
    throw this.error(token.position, `expected a comparison operator after ${written}${this.found(token)}`, ALL_OPERATORS)
  }

  private parseList(operator: 'IN' | 'NOT IN'): string[] {
    const open = this.next()
    if (!isPunctuation(open, '(')) {
      throw this.error(open.position, `expected '(' after ${operator}${this.found(open)}`, "a list of quoted strings such as ('a', 'b')")
    }
    const values: string[] = []
    for (;;) {
      const item = this.next()
      // MLflow reads the list as a Python tuple literal, so a trailing comma is allowed.
      if (isPunctuation(item, ')') && values.length > 0) return values
      if (isPunctuation(item, ')')) throw this.error(item.position, `empty ${operator} list`, 'at least one quoted string')
      if (item.kind !== 'string') throw this.error(item.position, `expected a quoted string in the ${operator} list${this.found(item)}`)
      values.push(item.value)
      const separator = this.next()
      if (isPunctuation(separator, ')')) return values
      if (separator.kind === 'end') throw this.error(open.position, `unclosed ${operator} list`, "')'")
      if (!isPunctuation(separator, ',')) throw this.error(separator.position, `unexpected ${this.describe(separator)} in the ${operator} list`, "',' or ')'")
    }
  }
}

/** Parse filter text with a grammar; absent or blank text means no filter. */
export function parseFilter(text: string | undefined, grammar: Grammar): FilterNode | undefined {
  if (text === undefined || text.trim() === '') return undefined
  // Before tokenising: the token list of a multi-megabyte filter would cost far more than its text.
  if (text.length > MAX_FILTER_LENGTH) {
    throw invalidParameter(`Invalid filter: ${text.length} characters is more than the limit of ${MAX_FILTER_LENGTH} characters.`)
  }
  return new Parser(text, grammar).parse()
}
