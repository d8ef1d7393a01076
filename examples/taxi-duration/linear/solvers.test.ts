// The solvers on small problems whose solutions are known in closed form, including the two traps of
// the taxi design: a one-hot group that makes OLS singular, and a column scaled by 10⁶.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fitLasso } from './lasso.ts'
import { fitLeastSquares } from './least-squares.ts'
import { CenteredDesign, toCsc } from './sparse-matrix.ts'
import type { CsrMatrix } from './sparse-matrix.ts'

/** A CSR matrix from dense rows (zeros not stored). */
function csr(rows: number[][]): CsrMatrix {
  const rowStart = [0]
  const indices: number[] = []
  const values: number[] = []
  for (const row of rows) {
    row.forEach((value, column) => {
      if (value !== 0) {
        indices.push(column)
        values.push(value)
      }
    })
    rowStart.push(indices.length)
  }
  return { rows: rows.length, columns: rows[0]!.length, rowStart: Int32Array.from(rowStart), indices: Int32Array.from(indices), values: Float64Array.from(values) }
}

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`)

describe('least squares (PCG on the normal equations)', () => {
  it('recovers an exact linear relation with its intercept', () => {
    const x = [[1, 0.5], [2, -1], [3, 4], [-1, 2], [0.5, 0.25], [4, -3]]
    const y = Float64Array.from(x.map(([a, b]) => 2 + 3 * a! - b!))
    const fit = fitLeastSquares(new CenteredDesign(csr(x)), y)
    close(fit.coefficients[0]!, 3, 1e-10, 'w1')
    close(fit.coefficients[1]!, -1, 1e-10, 'w2')
    close(fit.intercept, 2, 1e-10, 'b')
    assert.ok(fit.converged && fit.relativeResidual < 1e-10)
  })

  it('still converges when one column is a million times larger than the others', () => {
    const x = [[1, 0, 2e6], [0, 1, 1e6], [1, 0, 5e6], [0, 1, 3e6], [1, 0, 1e6], [0, 1, 4e6]]
    const y = Float64Array.from([5, 1, 11, 3, 3, 6])
    const fit = fitLeastSquares(new CenteredDesign(csr(x)), y, { nullSpaceGroups: [[0, 1]] })
    assert.ok(fit.converged, `residual ${fit.relativeResidual}`)
    // Normal equations of the centred problem hold: Xcᵀ(yc - Xc·w) = 0, checked densely here.
    const means = [0.5, 0.5, 16e6 / 6]
    const meanY = 29 / 6
    const residual = x.map((row, i) => y[i]! - meanY - row.reduce((s, v, j) => s + (v - means[j]!) * fit.coefficients[j]!, 0))
    for (let j = 0; j < 3; j++) {
      const gradient = x.reduce((s, row, i) => s + (row[j]! - means[j]!) * residual[i]!, 0)
      assert.ok(Math.abs(gradient) < 1e-6 * (j === 2 ? 1e6 : 1), `normal equation ${j}: ${gradient}`)
    }
  })

  it('returns the least-norm OLS solution when a one-hot group and the intercept are collinear', () => {
    // Three categories, every row has exactly one: b + w_c is identified, w alone is not.
    const x = [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]]
    const y = Float64Array.from([1, 3, 10, 12, 20])
    const fit = fitLeastSquares(new CenteredDesign(csr(x)), y, { nullSpaceGroups: [[0, 1, 2]] })
    const w = fit.coefficients
    close(w[0]! + w[1]! + w[2]!, 0, 1e-12, 'sum of the group')
    close(fit.intercept + w[0]!, 2, 1e-10, 'category 0 mean')
    close(fit.intercept + w[1]!, 11, 1e-10, 'category 1 mean')
    close(fit.intercept + w[2]!, 20, 1e-10, 'category 2 mean')
    close(fit.intercept, 11, 1e-10, 'b is the mean of the category means')
  })

  it('matches the closed-form ridge solution with an unpenalised intercept', () => {
    const x = [1, 2, 3, 4, 5, 10]
    const y = Float64Array.from([2, 3, 7, 8, 11, 19])
    const n = x.length
    const mx = x.reduce((a, b) => a + b) / n
    const my = y.reduce((a, b) => a + b) / n
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0)
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0)
    for (const alpha of [0.1, 1, 100]) {
      const fit = fitLeastSquares(new CenteredDesign(csr(x.map((v) => [v]))), y, { alpha })
      close(fit.coefficients[0]!, sxy / (sxx + alpha), 1e-12, `w at alpha ${alpha}`)
      close(fit.intercept, my - mx * (sxy / (sxx + alpha)), 1e-12, `b at alpha ${alpha}`)
    }
  })
})

describe('lasso (coordinate descent)', () => {
  it('matches the soft-thresholded closed form on one feature, including an all-zero solution', () => {
    const x = [1, 2, 3, 4, 5, 10]
    const y = Float64Array.from([2, 3, 7, 8, 11, 19])
    const n = x.length
    const mx = x.reduce((a, b) => a + b) / n
    const my = y.reduce((a, b) => a + b) / n
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / n
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0) / n
    const matrix = toCsc(csr(x.map((v) => [v])))
    for (const alpha of [0.5, 5, 100]) {
      const expected = Math.sign(sxy) * Math.max(Math.abs(sxy) - alpha, 0) / sxx
      const fit = fitLasso(matrix, y, { alpha })
      close(fit.coefficients[0]!, expected, 1e-10, `w at alpha ${alpha}`)
      close(fit.intercept, my - mx * expected, 1e-10, `b at alpha ${alpha}`)
      assert.ok(fit.converged)
    }
  })

  it('meets the KKT conditions on a correlated, badly scaled design', () => {
    const rows: number[][] = []
    const ys: number[] = []
    let seed = 7
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    for (let i = 0; i < 200; i++) {
      const category = Math.floor(random() * 5)
      const distance = random() * 10 * (i === 17 ? 1e5 : 1)
      rows.push([0, 1, 2, 3, 4].map((c): number => (c === category ? 1 : 0)).concat([distance]))
      ys.push(5 + category * 2 + 0.8 * Math.min(distance, 10) + random())
    }
    const matrix = csr(rows)
    const y = Float64Array.from(ys)
    const alpha = 0.05
    const fit = fitLasso(toCsc(matrix), y, { alpha })
    assert.ok(fit.converged, `KKT violation ${fit.kktViolation}`)
    // Independent dense check of the optimality conditions.
    const n = rows.length
    const means = [0, 1, 2, 3, 4, 5].map((j) => rows.reduce((s, r) => s + r[j]!, 0) / n)
    const residual = rows.map((r, i) => y[i]! - fit.intercept - r.reduce((s, v, j) => s + v * fit.coefficients[j]!, 0))
    for (let j = 0; j < 6; j++) {
      const g = rows.reduce((s, r, i) => s + (r[j]! - means[j]!) * residual[i]!, 0) / n
      const w = fit.coefficients[j]!
      if (w === 0) assert.ok(Math.abs(g) <= alpha * (1 + 1e-6), `|g${j}| = ${Math.abs(g)} > alpha`)
      else close(g, alpha * Math.sign(w), 1e-6, `g${j}`)
    }
  })

  it('refuses a non-positive alpha', () => {
    assert.throws(() => fitLasso(toCsc(csr([[1], [2]])), Float64Array.from([1, 2]), { alpha: 0 }), /alpha > 0/)
  })
})
