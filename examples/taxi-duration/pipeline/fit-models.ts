// Fits one model specification on the training design and reports its fit, its metrics on both
// months and the evidence that the solver converged.
import type { FittedVectorizer } from '../data/dict-vectorizer.ts'
import { fitLasso } from '../linear/lasso.ts'
import { fitLeastSquares } from '../linear/least-squares.ts'
import { gramMatrix } from '../linear/gram.ts'
import type { GramMatrix } from '../linear/gram.ts'
import { CenteredDesign, toCsc } from '../linear/sparse-matrix.ts'
import type { CscMatrix, CsrMatrix } from '../linear/sparse-matrix.ts'
import { predictMatrix, regressionMetrics } from '../model/metrics.ts'
import type { RegressionMetrics } from '../model/metrics.ts'

export type ModelKind = 'linear' | 'ridge' | 'lasso'

export interface ModelSpec {
  readonly kind: ModelKind
  /** Penalty strength, in scikit-learn's scaling for that model; none for linear. */
  readonly alpha?: number
}

/** The sweep the train command runs: sklearn's defaults plus a decade either side. */
export const DEFAULT_SWEEP: readonly ModelSpec[] = [
  { kind: 'linear' },
  { kind: 'ridge', alpha: 0.1 },
  { kind: 'ridge', alpha: 1 },
  { kind: 'ridge', alpha: 10 },
  { kind: 'lasso', alpha: 0.001 },
  { kind: 'lasso', alpha: 0.01 },
  { kind: 'lasso', alpha: 0.1 },
]

export interface TrainingData {
  readonly vectorizer: FittedVectorizer
  readonly train: CsrMatrix
  readonly trainY: Float64Array
  readonly val: CsrMatrix
  readonly valY: Float64Array
}

export interface FittedModel {
  readonly spec: ModelSpec
  readonly coefficients: Float64Array
  readonly intercept: number
  readonly train: RegressionMetrics
  readonly val: RegressionMetrics
  readonly valPredictions: Float64Array
  readonly fitSeconds: number
  /** What convergence was judged by, and its final value. */
  readonly convergence: { readonly solver: string; readonly measure: string; readonly value: number; readonly iterations: number; readonly converged: boolean }
}

export function specName(spec: ModelSpec): string {
  return spec.alpha === undefined ? spec.kind : `${spec.kind}-alpha-${spec.alpha}`
}

/**
 * The indicator columns of each categorical field that every training row has exactly one of: with
 * the intercept, each such group is a null direction of the centred design.
 */
export function completeCategoricalGroups(vectorizer: FittedVectorizer, matrix: CsrMatrix): number[][] {
  const groups: number[][] = []
  for (const field of vectorizer.categorical) {
    const prefix = `${field}=`
    const member = new Uint8Array(matrix.columns)
    const columns: number[] = []
    vectorizer.featureNames.forEach((name, column) => {
      if (name.startsWith(prefix)) {
        member[column] = 1
        columns.push(column)
      }
    })
    let complete = true
    for (let i = 0; i < matrix.rows && complete; i++) {
      let count = 0
      for (let k = matrix.rowStart[i]!; k < matrix.rowStart[i + 1]!; k++) count += member[matrix.indices[k]!]!
      complete = count === 1
    }
    if (complete && columns.length > 0) groups.push(columns)
  }
  return groups
}

/** Shared per training set: the centred operator and the CSC copy are built once for the sweep. */
export class ModelFitter {
  private design?: CenteredDesign
  private csc?: CscMatrix
  private groups?: number[][]
  private gram?: GramMatrix

  constructor(readonly data: TrainingData) {}

  fit(spec: ModelSpec): FittedModel {
    const started = performance.now()
    const solved = this.solve(spec)
    const fitSeconds = (performance.now() - started) / 1000
    const trainPredictions = predictMatrix(this.data.train, solved)
    const valPredictions = predictMatrix(this.data.val, solved)
    return {
      spec,
      coefficients: solved.coefficients,
      intercept: solved.intercept,
      train: regressionMetrics(trainPredictions, this.data.trainY),
      val: regressionMetrics(valPredictions, this.data.valY),
      valPredictions,
      fitSeconds,
      convergence: solved.convergence,
    }
  }

  /**
   * Builds what a model family's solver shares across the sweep (the CSC copy for lasso; the centred
   * operator, XᵀX and the null-space groups for OLS and ridge). The first fit does it when needed;
   * the benchmark calls it on its own to tell set-up time from solver time.
   */
  prepare(kind: ModelKind): void {
    if (kind === 'lasso') {
      this.csc ??= toCsc(this.data.train)
      return
    }
    this.design ??= new CenteredDesign(this.data.train)
    this.groups ??= completeCategoricalGroups(this.data.vectorizer, this.data.train)
    this.gram ??= gramMatrix(this.data.train)
  }

  /** The solve alone, without scoring (what `fitSeconds` measures). */
  solve(spec: ModelSpec): Pick<FittedModel, 'coefficients' | 'intercept' | 'convergence'> {
    this.prepare(spec.kind)
    if (spec.kind === 'lasso') {
      const fit = fitLasso(this.csc!, this.data.trainY, { alpha: spec.alpha ?? 1 })
      return {
        ...fit,
        convergence: { solver: 'coordinate descent', measure: 'max KKT violation / alpha', value: fit.kktViolation, iterations: fit.sweeps, converged: fit.converged },
      }
    }
    const fit = fitLeastSquares(this.design!, this.data.trainY, {
      alpha: spec.kind === 'ridge' ? (spec.alpha ?? 1) : 0,
      nullSpaceGroups: this.groups,
      gram: this.gram,
    })
    return {
      ...fit,
      convergence: { solver: 'preconditioned conjugate gradients', measure: 'relative normal-equation residual', value: fit.relativeResidual, iterations: fit.iterations, converged: fit.converged },
    }
  }
}
