// Ordinary least squares and ridge with an unpenalised intercept, as scikit-learn defines them:
//   OLS:   min ‖y - Xw - b‖²                (LinearRegression; of all minimisers, the least-norm w)
//   Ridge: min ‖y - Xw - b‖² + α‖w‖²        (Ridge, no 1/n in front)
// Both reduce, after centring, to the normal equations (XcᵀXc + αI)·w = Xcᵀ·yc with b = ȳ - mᵀw,
// solved by conjugate gradients preconditioned with the diagonal, iterating on the sparse Gram matrix
// (see gram.ts) and judged at the end by the residual recomputed from X itself. The diagonal matters: trip_distance
// reaches hundreds of thousands of miles, so its column norm is ~10⁹ times an indicator's, and
// unpreconditioned CG (or a solver stopped at a loose default tolerance) stops far from the optimum.
import { gramMatrix } from './gram.ts'
import type { GramMatrix } from './gram.ts'
import { dot, multiply } from './sparse-matrix.ts'
import type { CenteredDesign } from './sparse-matrix.ts'

export interface LinearFit {
  readonly coefficients: Float64Array
  readonly intercept: number
  readonly iterations: number
  /** ‖D·(Xcᵀ(yc - Xc·w) - αw)‖ / ‖D·Xcᵀyc‖ with D = diag(A)^-½, recomputed from scratch at the end. */
  readonly relativeResidual: number
  readonly converged: boolean
}

export interface LeastSquaresOptions {
  /** Ridge penalty α ≥ 0; 0 is ordinary least squares. */
  readonly alpha?: number
  /** Stop when the scaled normal-equation residual falls below this, relative to its start. */
  readonly tolerance?: number
  readonly maxIterations?: number
  /**
   * Column groups whose indicators sum to 1 on every row (a categorical field present in every
   * training row). With the intercept they make Xc singular along "the group's coefficients + t";
   * OLS then returns the least-norm solution by giving each group's coefficients mean zero.
   */
  readonly nullSpaceGroups?: readonly (readonly number[])[]
  /** XᵀX of the design, when the caller fits several models on it. */
  readonly gram?: GramMatrix
}

/** The normal-equation residual Xcᵀ(yc - Xc·w) - αw, the quantity convergence is judged by. */
export function normalResidual(design: CenteredDesign, centeredY: Float64Array, w: Float64Array, alpha: number): Float64Array {
  const residual = design.multiply(w)
  for (let i = 0; i < residual.length; i++) residual[i] = centeredY[i]! - residual[i]!
  const gradient = design.multiplyTransposed(residual)
  for (let j = 0; j < gradient.length; j++) gradient[j]! -= alpha * w[j]!
  return gradient
}

function scaledNorm(vector: Float64Array, inverseDiagonal: Float64Array): number {
  let total = 0
  for (let j = 0; j < vector.length; j++) total += vector[j]! * vector[j]! * inverseDiagonal[j]!
  return Math.sqrt(total)
}

export function fitLeastSquares(design: CenteredDesign, y: Float64Array, options: LeastSquaresOptions = {}): LinearFit {
  const alpha = options.alpha ?? 0
  const tolerance = options.tolerance ?? 1e-10
  const maxIterations = options.maxIterations ?? 10_000
  const p = design.columns
  let mean = 0
  for (let i = 0; i < y.length; i++) mean += y[i]!
  mean /= y.length
  // Plain loops, not TypedArray#map: V8 runs map's callback far slower than an indexed loop.
  const centeredY = new Float64Array(y.length)
  for (let i = 0; i < y.length; i++) centeredY[i] = y[i]! - mean

  const diagonal = design.squaredColumnNorms()
  const inverseDiagonal = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    const d = diagonal[j]! + alpha
    inverseDiagonal[j] = d > 0 ? 1 / d : 0
  }
  const gram = options.gram ?? gramMatrix(design.matrix)
  const n = design.rows
  const means = design.means
  // A·v = (XᵀX - n·m·mᵀ + αI)·v: the centred normal matrix, never formed densely.
  const apply = (vector: Float64Array, out: Float64Array): void => {
    multiply(gram, vector, out)
    const shift = n * dot(means, vector)
    for (let j = 0; j < p; j++) out[j]! += alpha * vector[j]! - means[j]! * shift
  }
  const rightHandSide = design.multiplyTransposed(centeredY)
  const gramResidual = (w: Float64Array, out: Float64Array): void => {
    apply(w, out)
    for (let j = 0; j < p; j++) out[j] = rightHandSide[j]! - out[j]!
  }

  const w = new Float64Array(p)
  const r = Float64Array.from(rightHandSide)
  const initial = scaledNorm(r, inverseDiagonal)
  const z = new Float64Array(p)
  for (let j = 0; j < p; j++) z[j] = r[j]! * inverseDiagonal[j]!
  const direction = Float64Array.from(z)
  const product = new Float64Array(p)
  let rz = dot(r, z)
  let iterations = 0
  while (initial > 0 && iterations < maxIterations) {
    apply(direction, product)
    const curvature = dot(direction, product)
    if (!(curvature > 0)) break
    const step = rz / curvature
    for (let j = 0; j < p; j++) {
      w[j]! += step * direction[j]!
      r[j]! -= step * product[j]!
    }
    iterations++
    // The recurrence drifts from the true residual on an ill-conditioned system; re-anchor it, and
    // confirm a small recurrence residual with a recomputed one before stopping.
    if (iterations % 50 === 0) gramResidual(w, r)
    if (scaledNorm(r, inverseDiagonal) <= tolerance * initial) {
      gramResidual(w, r)
      if (scaledNorm(r, inverseDiagonal) <= tolerance * initial) break
    }
    for (let j = 0; j < p; j++) z[j] = r[j]! * inverseDiagonal[j]!
    const next = dot(r, z)
    const beta = next / rz
    rz = next
    for (let j = 0; j < p; j++) direction[j] = z[j]! + beta * direction[j]!
  }

  if (alpha === 0) for (const group of options.nullSpaceGroups ?? []) centerGroup(w, group)
  // The verdict comes from X, not from the Gram matrix the iterations used.
  const relativeResidual = initial > 0 ? scaledNorm(normalResidual(design, centeredY, w, alpha), inverseDiagonal) / initial : 0
  return {
    coefficients: w,
    intercept: mean - dot(design.means, w),
    iterations,
    relativeResidual,
    converged: relativeResidual <= tolerance * 10,
  }
}

/** Moves w along a null direction of Xc so that the group's coefficients sum to zero. */
function centerGroup(w: Float64Array, group: readonly number[]): void {
  if (group.length === 0) return
  let total = 0
  for (const j of group) total += w[j]!
  const shift = total / group.length
  for (const j of group) w[j]! -= shift
}
