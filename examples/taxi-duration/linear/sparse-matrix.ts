// Compressed sparse row/column matrices over typed arrays, and the centred products the solvers use.
// Centring (X - 1·mᵀ) is never materialised: it would turn 150k stored values into 70k × 13k dense ones.

/** Rows × columns in CSR: row i's entries are indices/values[rowStart[i] .. rowStart[i + 1]). */
export interface CsrMatrix {
  readonly rows: number
  readonly columns: number
  readonly rowStart: Int32Array
  readonly indices: Int32Array
  readonly values: Float64Array
}

/** The same matrix by column: column j's entries are rowIndices/values[columnStart[j] .. columnStart[j + 1]). */
export interface CscMatrix {
  readonly rows: number
  readonly columns: number
  readonly columnStart: Int32Array
  readonly rowIndices: Int32Array
  readonly values: Float64Array
}

/** CSR → CSC by a counting sort over column indices: O(nnz), rows stay ordered within a column. */
export function toCsc(matrix: CsrMatrix): CscMatrix {
  const { rows, columns, rowStart, indices, values } = matrix
  const columnStart = new Int32Array(columns + 1)
  for (let k = 0; k < indices.length; k++) columnStart[indices[k]! + 1]!++
  for (let j = 0; j < columns; j++) columnStart[j + 1]! += columnStart[j]!
  const next = columnStart.slice(0, columns)
  const rowIndices = new Int32Array(indices.length)
  const cscValues = new Float64Array(indices.length)
  for (let i = 0; i < rows; i++) {
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) {
      const position = next[indices[k]!]!++
      rowIndices[position] = i
      cscValues[position] = values[k]!
    }
  }
  return { rows, columns, columnStart, rowIndices, values: cscValues }
}

/** Column means m (what centring subtracts). */
export function columnMeans(matrix: CsrMatrix): Float64Array {
  const means = new Float64Array(matrix.columns)
  for (let k = 0; k < matrix.indices.length; k++) means[matrix.indices[k]!]! += matrix.values[k]!
  for (let j = 0; j < matrix.columns; j++) means[j]! /= matrix.rows
  return means
}

/** out = X·w. */
export function multiply(matrix: CsrMatrix, w: Float64Array, out: Float64Array = new Float64Array(matrix.rows)): Float64Array {
  const { rows, rowStart, indices, values } = matrix
  for (let i = 0; i < rows; i++) {
    let sum = 0
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) sum += values[k]! * w[indices[k]!]!
    out[i] = sum
  }
  return out
}

/** out = Xᵀ·r. */
export function multiplyTransposed(matrix: CsrMatrix, r: Float64Array, out: Float64Array = new Float64Array(matrix.columns)): Float64Array {
  const { rows, rowStart, indices, values } = matrix
  out.fill(0)
  for (let i = 0; i < rows; i++) {
    const ri = r[i]!
    if (ri === 0) continue
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) out[indices[k]!]! += values[k]! * ri
  }
  return out
}

export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!
  return sum
}

export function sum(a: Float64Array): number {
  let total = 0
  for (let i = 0; i < a.length; i++) total += a[i]!
  return total
}

/** The centred design Xc = X - 1·mᵀ as an operator: Xc·w and Xcᵀ·r without forming Xc. */
export class CenteredDesign {
  readonly means: Float64Array
  constructor(readonly matrix: CsrMatrix) {
    this.means = columnMeans(matrix)
  }

  get rows(): number {
    return this.matrix.rows
  }

  get columns(): number {
    return this.matrix.columns
  }

  /** out = X·w - (m·w)·1. */
  multiply(w: Float64Array, out?: Float64Array): Float64Array {
    const result = multiply(this.matrix, w, out)
    const shift = dot(this.means, w)
    for (let i = 0; i < result.length; i++) result[i]! -= shift
    return result
  }

  /** out = Xᵀ·r - m·(1ᵀr). */
  multiplyTransposed(r: Float64Array, out?: Float64Array): Float64Array {
    const result = multiplyTransposed(this.matrix, r, out)
    const total = sum(r)
    for (let j = 0; j < result.length; j++) result[j]! -= this.means[j]! * total
    return result
  }

  /** ‖xc_j‖² for every column: Σx² - n·m², computed from the stored entries only. */
  squaredColumnNorms(): Float64Array {
    const norms = new Float64Array(this.columns)
    const { indices, values } = this.matrix
    for (let k = 0; k < indices.length; k++) norms[indices[k]!]! += values[k]! * values[k]!
    for (let j = 0; j < this.columns; j++) norms[j] = Math.max(norms[j]! - this.rows * this.means[j]! * this.means[j]!, 0)
    return norms
  }
}
