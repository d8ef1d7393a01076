// Regression metrics over a sparse design: predictions are X·w + b, computed on the stored entries.
import type { CsrMatrix } from '../linear/sparse-matrix.ts'
import { multiply } from '../linear/sparse-matrix.ts'

export interface RegressionMetrics {
  readonly rmse: number
  readonly mae: number
}

export function predictMatrix(matrix: CsrMatrix, fit: { readonly coefficients: Float64Array; readonly intercept: number }): Float64Array {
  const predictions = multiply(matrix, fit.coefficients)
  for (let i = 0; i < predictions.length; i++) predictions[i]! += fit.intercept
  return predictions
}

export function regressionMetrics(predicted: Float64Array, actual: Float64Array): RegressionMetrics {
  let squares = 0
  let absolute = 0
  for (let i = 0; i < actual.length; i++) {
    const error = predicted[i]! - actual[i]!
    squares += error * error
    absolute += Math.abs(error)
  }
  return { rmse: Math.sqrt(squares / actual.length), mae: absolute / actual.length }
}
