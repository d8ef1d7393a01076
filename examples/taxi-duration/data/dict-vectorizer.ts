// sklearn's DictVectorizer over column-shaped records: a categorical field becomes one indicator
// feature "<field>=<value>" per value seen in training, a numeric field one feature "<field>", and the
// feature names are sorted as sklearn sorts them. Values unseen in training contribute nothing.
import type { CsrMatrix } from '../linear/sparse-matrix.ts'
import type { PreparedTrips } from './prepare.ts'

export interface FittedVectorizer {
  readonly featureNames: readonly string[]
  readonly categorical: readonly string[]
  readonly numeric: readonly string[]
  /** Feature name → column. */
  readonly index: ReadonlyMap<string, number>
}

type Columns = Pick<PreparedTrips, 'rows' | 'categorical' | 'numeric'>

export function fitVectorizer(data: Columns): FittedVectorizer {
  const categorical = Object.keys(data.categorical)
  const numeric = Object.keys(data.numeric)
  const names = new Set<string>(numeric)
  for (const field of categorical) {
    // Distinct values first: one string concatenation per category, not per row.
    for (const value of new Set(data.categorical[field]!)) if (value !== null) names.add(`${field}=${value}`)
  }
  // Code-unit order, as Python's sorted() orders str.
  const featureNames = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { featureNames, categorical, numeric, index: new Map(featureNames.map((name, column) => [name, column])) }
}

/** Value → column for one categorical field, so rows are looked up without building "<field>=<value>". */
function valueColumns(vectorizer: FittedVectorizer, field: string): Map<string, number> {
  const prefix = `${field}=`
  const columns = new Map<string, number>()
  vectorizer.featureNames.forEach((name, column) => {
    if (name.startsWith(prefix)) columns.set(name.slice(prefix.length), column)
  })
  return columns
}

/** One row per record; each row's entries in column order (which CSC conversion and sklearn keep). */
export function transform(vectorizer: FittedVectorizer, data: Columns): CsrMatrix {
  const perRow = vectorizer.categorical.length + vectorizer.numeric.length
  const rowStart = new Int32Array(data.rows + 1)
  const indices = new Int32Array(data.rows * perRow)
  const values = new Float64Array(data.rows * perRow)
  const categoricalColumns = vectorizer.categorical.map((field) => ({ columns: valueColumns(vectorizer, field), values: data.categorical[field] ?? [] }))
  const numericColumns = vectorizer.numeric.map((field) => {
    const column = data.numeric[field]
    if (!column) throw new Error(`the data has no numeric field '${field}'`)
    return { column, index: vectorizer.index.get(field)! }
  })
  let count = 0
  const insert = (index: number, value: number, rowFirst: number): void => {
    // Insertion into the row's few entries keeps them in column order without a sort per row.
    let position = count
    while (position > rowFirst && indices[position - 1]! > index) {
      indices[position] = indices[position - 1]!
      values[position] = values[position - 1]!
      position--
    }
    indices[position] = index
    values[position] = value
    count++
  }
  for (let i = 0; i < data.rows; i++) {
    const rowFirst = count
    for (const { columns, values: column } of categoricalColumns) {
      const value = column[i]
      if (value === null || value === undefined) continue
      const index = columns.get(value)
      if (index !== undefined) insert(index, 1, rowFirst)
    }
    for (const { column, index } of numericColumns) insert(index, column[i]!, rowFirst)
    rowStart[i + 1] = count
  }
  return { rows: data.rows, columns: vectorizer.featureNames.length, rowStart, indices: indices.slice(0, count), values: values.slice(0, count) }
}
