import type { Schema } from '../signature/schema.ts'
import type { ColumnTable } from '../table.ts'
import { badInput } from '../table.ts'

/**
 * An RFC 4180 CSV reader fed in pieces: quoted fields may hold commas, quotes (`""`) and line
 * breaks, and a piece may end anywhere, even inside a quoted field. An unfinished row is kept as
 * text and parsed again once more arrives, which costs one row's length at most. Batch scoring
 * streams files through it; the scoring server feeds it one request body.
 */
export class CsvReader {
  private buffer = ''
  private line = 1

  /** Complete rows found so far (a row still open carries over to the next feed). */
  feed(text: string): string[][] {
    this.buffer += text
    return this.parse(false)
  }

  /** Rows left when the input ends (a last line without a line break). */
  end(): string[][] {
    return this.parse(true)
  }

  private parse(final: boolean): string[][] {
    const text = this.buffer
    const n = text.length
    const rows: string[][] = []
    let rowStart = 0
    let row: string[] = []
    let i = 0
    let lines = 0
    while (i < n) {
      let field: string
      if (text.charCodeAt(i) === 34 /* " */) {
        let j = i + 1
        let value = ''
        let closed = false
        while (j < n) {
          const q = text.indexOf('"', j)
          if (q === -1) break
          if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
            value += text.slice(j, q + 1)
            j = q + 2
            continue
          }
          if (q + 1 === n && !final) break // the next piece may start with the quote that escapes this one
          value += text.slice(j, q)
          j = q + 1
          closed = true
          break
        }
        if (!closed) {
          if (final) throw badInput(`CSV line ${this.line + lines}: a quoted field is never closed.`)
          break
        }
        for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) lines++
        field = value
        i = j
        const next = text.charCodeAt(i)
        if (i < n && next !== 44 && next !== 10 && next !== 13) throw badInput(`CSV line ${this.line + lines}: unexpected text after a closing quote.`)
      } else {
        let j = i
        while (j < n) {
          const ch = text.charCodeAt(j)
          if (ch === 44 || ch === 10 || ch === 13) break
          j++
        }
        field = text.slice(i, j)
        i = j
      }
      row.push(field)
      if (i >= n) {
        if (final) {
          rows.push(row)
          row = []
          rowStart = n
        }
        break
      }
      const ch = text.charCodeAt(i)
      if (ch === 44) {
        i++
        if (i === n && final) {
          row.push('')
          rows.push(row)
          row = []
          rowStart = n
        }
        continue
      }
      // A line break: \r\n counts as one; a \r at the end of a piece waits for a possible \n.
      if (ch === 13 && i + 1 === n && !final) break
      i += ch === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1
      lines++
      rows.push(row)
      row = []
      rowStart = i
    }
    this.buffer = text.slice(rowStart)
    this.line += lines
    return rows
  }
}

/** Parse a whole CSV text into rows. */
export function parseCsvRows(text: string): string[][] {
  const reader = new CsvReader()
  return [...reader.feed(text), ...reader.end()]
}

const NUMBER = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)$/i

/** A cell as pandas' read_csv types it without dtypes: empty is missing, numeric text a number. */
function inferCell(cell: string): unknown {
  if (cell === '') return null
  if (NUMBER.test(cell)) {
    const lower = cell.toLowerCase().replace(/^\+/, '')
    if (lower.endsWith('nan')) return Number.NaN
    if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity
    return Number(cell)
  }
  if (cell === 'True' || cell === 'true') return true
  if (cell === 'False' || cell === 'false') return false
  return cell
}

/** How to read a column's cells: from the signature when it declares the column, else inferred. */
export function cellReaders(names: readonly string[], schema: Schema | undefined): ((cell: string) => unknown)[] {
  const declared = new Map<string, string>()
  if (schema?.kind === 'columns') for (const c of schema.columns) if (c.name !== undefined && typeof c.type === 'string') declared.set(c.name, c.type)
  return names.map((name) => {
    const type = declared.get(name)
    // A column the signature calls string keeps its text ("007" stays "007"), as read_csv with dtype=str.
    if (type === 'string' || type === 'binary' || type === 'datetime') return (cell: string) => (cell === '' ? null : cell)
    return inferCell
  })
}

/** Rows of cells (after the header) as a typed table. */
export function csvRowsToTable(header: readonly string[], rows: readonly string[][], readers: readonly ((cell: string) => unknown)[], firstLine = 2): ColumnTable {
  const columns = header.map(() => new Array<unknown>(rows.length))
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!
    if (row.length !== header.length) {
      // A blank line is skipped by pandas; anything else with the wrong width is an error.
      if (row.length === 1 && row[0] === '') throw badInput(`CSV line ${firstLine + r} is empty.`)
      throw badInput(`CSV line ${firstLine + r} has ${row.length} fields; the header has ${header.length}.`)
    }
    for (let c = 0; c < header.length; c++) columns[c]![r] = readers[c]!(row[c]!)
  }
  return { names: header, columns, rowCount: rows.length }
}

/** A whole CSV document (header line first) as a table; MLflow's text/csv input. */
export function parseCsvTable(text: string, schema?: Schema): ColumnTable {
  const rows = parseCsvRows(text).filter((row) => !(row.length === 1 && row[0] === ''))
  const header = rows.shift()
  if (!header) throw badInput('The CSV input is empty: the first line must name the columns.')
  if (new Set(header).size !== header.length) throw badInput('The CSV header names a column twice.')
  return csvRowsToTable(header, rows, cellReaders(header, schema))
}
