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
    for (const value of data.categorical[field]!) if (value !== null) names.add(`${field}=${value}`)
  }
  // Code-unit order, as Python's sorted() orders str.
  const featureNames = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { featureNames, categorical, numeric, index: new Map(featureNames.map((name, column) => [name, column])) }
}

/** One row per record; each row's entries in column order (which CSC conversion and sklearn keep). */
export function transform(vectorizer: FittedVectorizer, data: Columns): CsrMatrix {
  const perRow = vectorizer.categorical.length + vectorizer.numeric.length
  const rowStart = new Int32Array(data.rows + 1)
  const indices = new Int32Array(data.rows * perRow)
  const values = new Float64Array(data.rows * perRow)
  const categoricalColumns = vectorizer.categorical.map((field) => ({ field, values: data.categorical[field] ?? [] }))
  const numericColumns = vectorizer.numeric.map((field) => {
    const column = data.numeric[field]
    if (!column) throw new Error(`the data has no numeric field '${field}'`)
    return { column, index: vectorizer.index.get(field)! }
  })
  const entries: [number, number][] = []
  let count = 0
  for (let i = 0; i < data.rows; i++) {
    entries.length = 0
    for (const { field, values: column } of categoricalColumns) {
      const value = column[i]
      if (value === null || value === undefined) continue
      const index = vectorizer.index.get(`${field}=${value}`)
      if (index !== undefined) entries.push([index, 1])
    }
    for (const { column, index } of numericColumns) entries.push([index, column[i]!])
    if (entries.length > 1) entries.sort((a, b) => a[0] - b[0])
    for (const [index, value] of entries) {
      indices[count] = index
      values[count] = value
      count++
    }
    rowStart[i + 1] = count
  }
  return { rows: data.rows, columns: vectorizer.featureNames.length, rowStart, indices: indices.slice(0, count), values: values.slice(0, count) }
}
