// Where a quoted run ends, exactly as MLflow's tokenizer (sqlparse) decides it. sqlparse matches
// strings with the backtracking regex Q(QQ|\\Q|[^Q])*Q (for ` without the \\Q branch): a doubled
// quote or a backslash-quote does not close the run, yet if that reading never finds a closing
// quote the regex backtracks, so 'C:\' is the string C:\ rather than an unterminated one. MLflow
// then keeps the text between the outer quotes verbatim: neither '' nor \' is unescaped.
//
// We reproduce the regex's first match without its worst case: a greedy forward scan finds it
// whenever the greedy reading closes (nearly always); otherwise a right-to-left pass computes, for
// every offset, where the regex would end from there. That table depends only on the rest of the
// text, so it is built once per quote character and reused: lexing stays linear.

const FAIL = -1

export class QuotedReader {
  private readonly tables = new Map<string, Int32Array>()

  constructor(private readonly text: string) {}

  /** The index just past the closing quote of the run opened at `start`, or -1 if it never closes. */
  endOf(start: number): number {
    const text = this.text
    const quote = text[start] as string
    const backslash = quote !== '`'
    let i = start + 1
    while (i < text.length) {
      const c = text[i]
      if (c === quote) {
        if (text[i + 1] !== quote) return i + 1
        i += 2
      } else if (backslash && c === '\\' && text[i + 1] === quote) {
        i += 2
      } else {
        i++
      }
    }
    return this.table(quote, backslash)[start + 1] ?? FAIL
  }

  private table(quote: string, backslash: boolean): Int32Array {
    let table = this.tables.get(quote)
    if (table) return table
    const text = this.text
    const n = text.length
    table = new Int32Array(n + 2).fill(FAIL)
    for (let b = n - 1; b >= 0; b--) {
      const c = text[b]
      if (c === quote) {
        const further = text[b + 1] === quote ? (table[b + 2] as number) : FAIL
        table[b] = further !== FAIL ? further : b + 1
      } else if (backslash && c === '\\' && text[b + 1] === quote) {
        const escaped = table[b + 2] as number
        table[b] = escaped !== FAIL ? escaped : (table[b + 1] as number)
      } else {
        table[b] = table[b + 1] as number
      }
    }
    this.tables.set(quote, table)
    return table
  }
}
