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
  // The columns the row products reach for the current j: two or three for an indicator column,
  // all of them for the numeric one.
  const touched = new Int32Array(p)
  for (let j = 0; j < p; j++) {
    let touchedCount = 0
    // Column j of XᵀX = Σ over the rows i of column j of x_ij · (row i).
    for (let k = csc.columnStart[j]!; k < csc.columnStart[j + 1]!; k++) {
      const i = csc.rowIndices[k]!
      const scale = csc.values[k]!
      for (let l = matrix.rowStart[i]!; l < matrix.rowStart[i + 1]!; l++) {
        const column = matrix.indices[l]!
        if (marker[column] !== j) {
          marker[column] = j
          accumulator[column] = 0
          touched[touchedCount++] = column
        }
        accumulator[column]! += scale * matrix.values[l]!
      }
    }
    sortPrefix(touched, touchedCount)
    if (count + touchedCount > indices.length) {
      const grown = Math.max(indices.length * 2, count + touchedCount)
      const nextIndices = new Int32Array(grown)
      nextIndices.set(indices)
      const nextValues = new Float64Array(grown)
      nextValues.set(values)
      indices = nextIndices
      values = nextValues
    }
    for (let t = 0; t < touchedCount; t++) {
      const column = touched[t]!
      indices[count] = column
      values[count] = accumulator[column]!
      count++
    }
    rowStart[j + 1] = count
  }
  return { rows: p, columns: p, rowStart, indices: indices.slice(0, count), values: values.slice(0, count) }
}

/** Sorts array[0..length) ascending: insertion sort for the usual handful, the typed sort beyond. */
function sortPrefix(array: Int32Array, length: number): void {
  if (length > 16) {
    array.subarray(0, length).sort()
    return
  }
  for (let i = 1; i < length; i++) {
    const value = array[i]!
    let position = i
    while (position > 0 && array[position - 1]! > value) {
      array[position] = array[position - 1]!
      position--
    }
    array[position] = value
  }
}
