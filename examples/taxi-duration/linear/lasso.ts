// Lasso with an unpenalised intercept, scikit-learn's objective:
//   min (1/(2n))·‖y - Xw - b‖² + α·‖w‖₁
// by cyclic coordinate descent on the centred problem (b = ȳ - mᵀw), over CSC columns.
//
// Centring is implicit. The residual r = yc - Xc·w is kept as r̃ + c·1 where r̃ changes only on a
// column's stored rows; since every centred column is orthogonal to 1, xcⱼᵀr = xⱼᵀr̃ - mⱼ·Σr̃ and c
// is never needed. One coordinate update therefore costs O(nnz of the column), not O(n).
//
// Convergence is judged by the optimality (KKT) conditions, not by the size of the last step: with
// gⱼ = xcⱼᵀr / n, an optimum has gⱼ = α·sign(wⱼ) where wⱼ ≠ 0 and |gⱼ| ≤ α where wⱼ = 0.
import type { CscMatrix } from './sparse-matrix.ts'

export interface LassoFit {
  readonly coefficients: Float64Array
  readonly intercept: number
  /** Coordinate sweeps, full and over the active set. */
  readonly sweeps: number
  /** max over j of the KKT violation, divided by α. */
  readonly kktViolation: number
  readonly converged: boolean
  readonly objective: number
}

export interface LassoOptions {
  readonly alpha: number
  /** Largest allowed KKT violation relative to α. */
  readonly tolerance?: number
  readonly maxSweeps?: number
}

export function fitLasso(matrix: CscMatrix, y: Float64Array, options: LassoOptions): LassoFit {
  const { alpha } = options
  const tolerance = options.tolerance ?? 1e-8
  const maxSweeps = options.maxSweeps ?? 100_000
  const { rows: n, columns: p, columnStart, rowIndices, values } = matrix
  if (!(alpha > 0)) throw new Error(`Lasso needs alpha > 0, got ${alpha}`)

  const means = new Float64Array(p)
  const norms = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    let total = 0
    let squares = 0
    for (let k = columnStart[j]!; k < columnStart[j + 1]!; k++) {
      total += values[k]!
      squares += values[k]! * values[k]!
    }
    means[j] = total / n
    norms[j] = Math.max(squares - total * means[j]!, 0)
  }
  let meanY = 0
  for (let i = 0; i < n; i++) meanY += y[i]!
  meanY /= n
  const residual = new Float64Array(y.length)
  for (let i = 0; i < y.length; i++) residual[i] = y[i]! - meanY
  let residualSum = 0
  for (let i = 0; i < n; i++) residualSum += residual[i]!
  const w = new Float64Array(p)
  const threshold = n * alpha

  /** xcⱼᵀr. */
  const correlation = (j: number): number => {
    let total = 0
    for (let k = columnStart[j]!; k < columnStart[j + 1]!; k++) total += values[k]! * residual[rowIndices[k]!]!
    return total - means[j]! * residualSum
  }
  /** Exact minimisation along coordinate j; returns |Δwⱼ|·‖xcⱼ‖, the step's size in the residual. */
  const update = (j: number): number => {
    const norm = norms[j]!
    if (norm === 0) return 0
    const old = w[j]!
    const rho = correlation(j) + norm * old
    const next = rho > threshold ? (rho - threshold) / norm : rho < -threshold ? (rho + threshold) / norm : 0
    const delta = next - old
    if (delta === 0) return 0
    w[j] = next
    let change = 0
    for (let k = columnStart[j]!; k < columnStart[j + 1]!; k++) {
      const step = delta * values[k]!
      residual[rowIndices[k]!]! -= step
      change += step
    }
    residualSum -= change
    return Math.abs(delta) * Math.sqrt(norm)
  }
  const violation = (j: number): number => {
    const gradient = correlation(j) / n
    const wj = w[j]!
    return wj > 0 ? Math.abs(gradient - alpha) : wj < 0 ? Math.abs(gradient + alpha) : Math.max(Math.abs(gradient) - alpha, 0)
  }
  const worstViolation = (): number => {
    let worst = 0
    for (let j = 0; j < p; j++) worst = Math.max(worst, violation(j))
    return worst / alpha
  }

  // glmnet's strategy: a full sweep picks the active set, sweeps over it until it settles, then a
  // full KKT check either confirms the optimum or brings in the violators for another round.
  let sweeps = 0
  let kktViolation = Number.POSITIVE_INFINITY
  const active: number[] = []
  while (sweeps < maxSweeps) {
    for (let j = 0; j < p; j++) update(j)
    sweeps++
    active.length = 0
    for (let j = 0; j < p; j++) if (w[j] !== 0) active.push(j)
    while (sweeps < maxSweeps) {
      let largest = 0
      for (const j of active) largest = Math.max(largest, update(j))
      sweeps++
      if (largest <= tolerance * alpha * 1e-2 * Math.sqrt(n)) break
    }
    kktViolation = worstViolation()
    if (kktViolation <= tolerance) break
  }

  let squares = 0
  for (let i = 0; i < n; i++) squares += residual[i]!
  // The stored residual is r̃; the true residual is r̃ + c with c chosen so that Σr = 0 (r ⟂ 1).
  const offset = -residualSum / n
  squares = 0
  for (let i = 0; i < n; i++) squares += (residual[i]! + offset) ** 2
  let l1 = 0
  let shift = 0
  for (let j = 0; j < p; j++) {
    l1 += Math.abs(w[j]!)
    shift += means[j]! * w[j]!
  }
  return {
    coefficients: w,
    intercept: meanY - shift,
    sweeps,
    kktViolation,
    converged: kktViolation <= tolerance,
    objective: squares / (2 * n) + alpha * l1,
  }
}
