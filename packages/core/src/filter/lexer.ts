import { filterError } from './filter-error.ts'
import type { Subject } from './filter-error.ts'
import { QuotedReader } from './read-quoted.ts'

// Tokens of MLflow's search-filter language. Each knows where it starts and ends (0-based, end
// exclusive) so that every error can point at the character at fault. The character classes are
// the ones sqlparse uses for MLflow, so that any text MLflow reads is read the same way here.

type Span = { readonly position: number; readonly end: number }

type ComparisonSymbol = '=' | '!=' | '<' | '<=' | '>' | '>='

export type Token = Span &
  (
    | { readonly kind: 'word'; readonly text: string } // a bare word: a key, AND, OR, LIKE, IN, ASC…
    | { readonly kind: 'name'; readonly entity: string; readonly key: string; readonly keyPosition: number } // entity.key
    | { readonly kind: 'quoted-name'; readonly key: string } // `a key` on its own
    | { readonly kind: 'string'; readonly value: string; readonly quote: "'" | '"' }
    | { readonly kind: 'number'; readonly value: number }
    | { readonly kind: 'operator'; readonly value: ComparisonSymbol }
    | { readonly kind: 'punctuation'; readonly value: '(' | ')' | ',' }
    | { readonly kind: 'end' }
  )

const OPERATORS = new Set<string>(['=', '!=', '<', '<=', '>', '>='])
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u
const NON_ASCII_SPACE = /\s/u

/** Width (1 or 2 UTF-16 units) of the word character at i — letters, digits, `_` — or 0. */
function wordWidth(text: string, i: number): number {
  const code = text.charCodeAt(i)
  if (Number.isNaN(code)) return 0
  if (code < 128) return isDigitCode(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 ? 1 : 0
  const point = text.codePointAt(i) as number
  return NON_ASCII_WORD.test(String.fromCodePoint(point)) ? (point > 0xffff ? 2 : 1) : 0
}

const isDigitCode = (code: number) => code >= 48 && code <= 57
const isDigit = (text: string, i: number) => isDigitCode(text.charCodeAt(i))
const isOperatorChar = (c: string | undefined) => c === '<' || c === '>' || c === '=' || c === '!' || c === '~'

function isSpace(text: string, i: number): boolean {
  const code = text.charCodeAt(i)
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && NON_ASCII_SPACE.test(text[i] as string))
}

function skipWord(text: string, i: number): number {
  for (let width = wordWidth(text, i); width > 0; width = wordWidth(text, i)) i += width
  return i
}

function skipDigits(text: string, i: number): number {
  while (isDigit(text, i)) i++
  return i
}

/**
 * MLflow's reading of a key: the outer single or double quotes come off, then outer backticks.
 * Nothing inside is unescaped, so tags."a""b" is the key a""b, as in MLflow.
 */
export function canonicalKey(raw: string): string {
  let key = raw
  const first = key[0]
  if (key.length >= 2 && (first === '"' || first === "'") && key[key.length - 1] === first) key = key.slice(1, -1)
  if (key.length >= 2 && key[0] === '`' && key[key.length - 1] === '`') key = key.slice(1, -1)
  return key
}

class Lexer {
  private readonly quoted: QuotedReader

  constructor(
    private readonly text: string,
    private readonly subject: Subject,
  ) {
    this.quoted = new QuotedReader(text)
  }

  run(): Token[] {
    const { text } = this
    const tokens: Token[] = []
    let i = 0
    while (i < text.length) {
      if (isSpace(text, i)) {
        i++
        continue
      }
      const token = this.next(i)
      tokens.push(token)
      i = token.end
    }
    tokens.push({ kind: 'end', position: text.length, end: text.length })
    return tokens
  }

  private error(position: number, problem: string, expected?: string) {
    return filterError(this.subject, this.text, position, problem, expected)
  }

  private next(position: number): Token {
    const { text } = this
    const c = text[position] as string
    if (c === '(' || c === ')' || c === ',') return { kind: 'punctuation', value: c, position, end: position + 1 }
    if (isOperatorChar(c)) return this.operator(position)
    if (c === "'" || c === '"') {
      const end = this.closeQuote(position)
      return { kind: 'string', value: text.slice(position + 1, end - 1), quote: c, position, end }
    }
    if (c === '`') {
      const end = this.closeQuote(position)
      if (text[end] === '.') return this.dottedName(position, end)
      return { kind: 'quoted-name', key: canonicalKey(text.slice(position, end)), position, end }
    }
    if (isDigit(text, position) || ((c === '-' || c === '.') && this.startsNumber(position + 1, c === '-'))) return this.number(position)
    if (wordWidth(text, position) > 0) {
      const end = skipWord(text, position)
      if (text[end] === '.') return this.dottedName(position, end)
      return { kind: 'word', text: text.slice(position, end), position, end }
    }
    throw this.error(position, `unexpected character ${JSON.stringify(c)}`)
  }

  private startsNumber(i: number, afterMinus: boolean): boolean {
    return isDigit(this.text, i) || (afterMinus && this.text[i] === '.' && isDigit(this.text, i + 1))
  }

  private closeQuote(position: number): number {
    const end = this.quoted.endOf(position)
    if (end < 0) {
      const quote = this.text[position] as string
      throw this.error(position, quote === '`' ? 'unterminated backtick-quoted name' : 'unterminated string', `a closing ${quote}`)
    }
    return end
  }

  // sqlparse reads a maximal run of <>=~! as one comparator, so == and <> are rejected, not split.
  private operator(position: number): Token {
    let end = position
    while (isOperatorChar(this.text[end])) end++
    const value = this.text.slice(position, end)
    if (!OPERATORS.has(value)) {
      throw this.error(position, `Invalid comparator '${value}'`, '=, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN')
    }
    return { kind: 'operator', value: value as ComparisonSymbol, position, end }
  }

  /**
   * `entity.key`: MLflow splits the whole dotted run at its first dot, so tags.mlflow.runName is the
   * tag mlflow.runName. Key segments are words or quoted runs joined by dots; the key is the raw text
   * after the first dot with its outer quotes removed (canonicalKey).
   */
  private dottedName(position: number, dot: number): Token {
    const { text } = this
    const keyPosition = dot + 1
    let end = keyPosition
    for (;;) {
      const c = text[end]
      if (c === '`' || c === '"') end = this.closeQuote(end)
      else end = skipWord(text, end)
      if (text[end] !== '.') break
      end++
    }
    const entity = canonicalKey(text.slice(position, dot))
    return { kind: 'name', entity, key: canonicalKey(text.slice(keyPosition, end)), keyPosition, position, end }
  }

  // MLflow's numbers: -?\d+(\.\d+)?e-?\d+, or -?\d+\.\d*, -?\.\d+ and -?\d+ not run into a word.
  private number(position: number): Token {
    const { text } = this
    let i = text[position] === '-' ? position + 1 : position
    const integerEnd = skipDigits(text, i)
    const hasInteger = integerEnd > i
    i = integerEnd
    let fractionDigits = -1
    if (text[i] === '.') {
      const fractionEnd = skipDigits(text, i + 1)
      fractionDigits = fractionEnd - i - 1
      i = fractionEnd
    }
    let exponent = false
    if (hasInteger && fractionDigits !== 0 && (text[i] === 'e' || text[i] === 'E')) {
      const sign = text[i + 1] === '-' ? 1 : 0
      const exponentEnd = skipDigits(text, i + 1 + sign)
      exponent = exponentEnd > i + 1 + sign
      if (exponent) i = exponentEnd
    }
    // sqlparse's pattern with an exponent has no lookahead, so 1e3and reads as 1e3 followed by and.
    if (!exponent && wordWidth(text, i) > 0) {
      let end = i
      while (wordWidth(text, end) > 0 || text[end] === '.' || text[end] === '+' || text[end] === '-') end++
      throw this.error(position, `malformed number ${JSON.stringify(text.slice(position, end))}`, "digits with an optional '-', fraction and exponent, such as -1.5e-3")
    }
    return { kind: 'number', value: Number(text.slice(position, i)), position, end: i }
  }
}

/** Split filter or order_by text into tokens, ending with an `end` token. */
export function tokenize(text: string, subject: Subject): Token[] {
  return new Lexer(text, subject).run()
}
