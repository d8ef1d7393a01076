// The Gram matrix XᵀX of a sparse design, itself sparse when most columns are indicators: one-hot
// columns of a field never share a row, so XᵀX has a diagonal block per field plus the rows and
// columns of the numeric features. Built once (Gustavson's row-by-row product, O(Σ nnz(row)²)), it
// makes each conjugate-gradient step cost O(nnz(XᵀX)) ≈ 40k operations instead of two passes over X,
// and it serves OLS and every ridge alpha of the sweep.
import type { CsrMatrix } from './sparse-matrix.ts'
import { toCsc } from './sparse-matrix.ts'

/** A symmetric matrix in CSR (both triangles stored). */
export type GramMatrix = CsrMatrix

export function gramMatrix(matrix: CsrMatrix): GramMatrix {
  const csc = toCsc(matrix)
  const p = matrix.columns
  const marker = new Int32Array(p).fill(-1)
  const accumulator = new Float64Array(p)
  const rowStart = new Int32Array(p + 1)
  let indices = new Int32Array(Math.max(16, matrix.indices.length))
  let values = new Float64Array(indices.length)
  let count = 0
  const touched: number[] = []
  for (let j = 0; j < p; j++) {
    touched.length = 0
    // Column j of XᵀX = Σ over the rows i of column j of x_ij · (row i).
    for (let k = csc.columnStart[j]!; k < csc.columnStart[j + 1]!; k++) {
      const i = csc.rowIndices[k]!
      const scale = csc.values[k]!
      for (let l = matrix.rowStart[i]!; l < matrix.rowStart[i + 1]!; l++) {
        const column = matrix.indices[l]!
        if (marker[column] !== j) {
          marker[column] = j
          accumulator[column] = 0
          touched.push(column)
        }
        accumulator[column]! += scale * matrix.values[l]!
      }
    }
    touched.sort((a, b) => a - b)
    if (count + touched.length > indices.length) {
      const grown = Math.max(indices.length * 2, count + touched.length)
      const nextIndices = new Int32Array(grown)
      nextIndices.set(indices)
      const nextValues = new Float64Array(grown)
      nextValues.set(values)
      indices = nextIndices
      values = nextValues
    }
    for (const column of touched) {
      indices[count] = column
      values[count] = accumulator[column]!
      count++
    }
    rowStart[j + 1] = count
  }
  return { rows: p, columns: p, rowStart, indices: indices.slice(0, count), values: values.slice(0, count) }
}
