// The two-sample, two-sided Kolmogorov–Smirnov test as scipy's ks_2samp computes it by default
// (method 'auto'): the exact lattice-path probability when neither sample exceeds 10,000 values,
// otherwise the one-sample Kolmogorov distribution at n = round(n₁n₂/(n₁+n₂)), evaluated by the
// same choice of algorithms as scipy (Simard & L'Ecuyer 2011): Durbin's matrix, Pelz–Good, Smirnov.
import { smirnovSurvival } from './special-functions.ts'

/** scipy's MAX_AUTO_N: above it the exact computation is skipped. */
const MAX_EXACT_N = 10_000
const SCALE = 2 ** 128
const UNSCALE = 2 ** -128

export interface KsResult {
  readonly statistic: number
  readonly pvalue: number
}

/** The largest |F₁ − F₂| between the empirical CDFs of two ascending arrays (ties handled as a step). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  const m = b.length
  let i = 0
  let j = 0
  let d = 0
  while (i < n && j < m) {
    const x = a[i]! <= b[j]! ? a[i]! : b[j]!
    while (i < n && a[i] === x) i++
    while (j < m && b[j] === x) j++
    const diff = Math.abs(i / n - j / m)
    if (diff > d) d = diff
  }
  return d
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/** Two ascending samples → statistic and two-sided p-value, as scipy.stats.ks_2samp(a, b). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  if (a.length === 0 || b.length === 0) throw new Error('the Kolmogorov–Smirnov test needs two non-empty samples')
  return ksPvalue(a.length, b.length, ksStatistic(a, b))
}

/**
 * The two-sided p-value of statistic `d` for samples of n₁ and n₂ values. In the exact range the
 * statistic is first snapped to the lattice of multiples of 1/lcm(n₁, n₂), as scipy does.
 */
export function ksPvalue(n1: number, n2: number, d: number): KsResult {
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2)
    const lcm = (n1 / g) * n2
    const h = Math.round(d * lcm)
    const snapped = h / lcm
    if (h === 0) return { statistic: snapped, pvalue: 1 }
    const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutside(n1, n2, g, h)
    if (p >= 0 && p <= 1) return { statistic: snapped, pvalue: p }
    // scipy falls back on the asymptotic distribution when the exact sum misbehaves.
  }
  const en = (n1 * n2) / (n1 + n2)
  return { statistic: d, pvalue: clip(kolmogorovSurvival(roundHalfEven(en), d)) }
}

const clip = (p: number) => Math.min(1, Math.max(0, p))
/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** P(D_{n,n} ≥ h/n) = 2 Σₖ (−1)^(k+1) C(2n, n−kh)/C(2n, n), in Horner form to avoid cancellation. */
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1)
    p = term * (1 - p)
  }
  return 2 * p
}

/**
 * The share of lattice paths from (0,0) to (m,n) that leave the band |x·n/g − y·m/g| < h, one column
 * at a time over a sliding window. Each entry holds that share directly (1 − the inside share, as
 * Viehmann 2021 proposes), which stays accurate for p-values far below machine epsilon.
 */
function probabilityOutside(first: number, second: number, g: number, h: number): number {
  const m = Math.max(first, second)
  const n = Math.min(first, second)
  const mg = m / g
  const ng = n / g
  let minj = 0
  let maxj = Math.min(Math.ceil(h / mg), n + 1)
  let length = maxj - minj
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1)
  a.fill(0, minj, maxj)
  for (let i = 1; i <= m; i++) {
    const lastMinj = minj
    const lastLength = length
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n)
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxj <= minj) return 1
    let value = minj === 0 ? 0 : 1
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj
      value = (a[jj + minj - lastMinj]! * i + value * j) / (i + j)
      a[jj] = value
    }
    length = maxj - minj
    if (lastLength > length) a.fill(1, length, lastLength)
  }
  return a[maxj - minj - 1]!
}

/** kstwo.sf(x, n): P(Dₙ ≥ x) for the one-sample two-sided statistic. */
export function kolmogorovSurvival(n: number, x: number): number {
  if (x >= 1) return 0
  if (x <= 0) return 1
  const t = n * x
  if (t <= 1) {
    if (t <= 0.5) return 1
    // Ruben–Gambino: P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ.
    let logCdf = n * Math.log(2 * t - 1)
    for (let i = 1; i <= n; i++) logCdf += Math.log(i / n)
    return clip(1 - Math.exp(logCdf))
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n)
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x))
  const nxSquared = t * x
  if (n <= 140) {
    // scipy uses Pomeranz for 0.754693 < nx² ≤ 4; Durbin's matrix is exact there too.
    if (nxSquared <= 4) return clip(1 - durbinMatrix(n, x))
    return clip(2 * smirnovSurvival(n, x))
  }
  if (nxSquared >= 370) return 0
  if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x))
  if (nxSquared >= 18) return 0
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrix(n, x) : pelzGood(n, x)
  return clip(1 - cdf)
}

/** P(Dₙ ≤ d) by Durbin's matrix (Marsaglia, Tsang & Wang 2003): the k-th diagonal entry of Hⁿ·n!/nⁿ. */
function durbinMatrix(n: number, d: number): number {
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let factorial = 1
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial
    factorial /= j
    v[j - 1] = (1 - h ** j) * factorial
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * factorial
  let matrix: Float64Array = new Float64Array(m * m)
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) matrix[r * m + i] = w[r - i + 1]!
  for (let r = 0; r < m; r++) matrix[r * m] = v[r]!
  for (let c = 0; c < m; c++) matrix[(m - 1) * m + c] = v[m - 1 - c]!
  let power: Float64Array | undefined
  let exponent = 0
  let matrixExponent = 0
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2) {
      power = power ? multiply(power, matrix, m) : matrix.slice()
      exponent += matrixExponent
    }
    matrix = multiply(matrix, matrix, m)
    matrixExponent *= 2
    if (Math.abs(matrix[(k - 1) * m + k - 1]!) > SCALE) {
      for (let i = 0; i < matrix.length; i++) matrix[i]! /= SCALE
      matrixExponent += 128
    }
  }
  let p = power![(k - 1) * m + k - 1]!
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < UNSCALE) {
      p *= SCALE
      exponent -= 128
    }
  }
  return clip(p * 2 ** exponent)
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const x = a[i * m + l]!
      if (x === 0) continue
      for (let j = 0; j < m; j++) out[i * m + j]! += x * b[l * m + j]!
    }
  }
  return out
}

const SQRT_2PI = Math.sqrt(2 * Math.PI)
const PI2 = Math.PI ** 2
const PI4 = Math.PI ** 4
const PI6 = Math.PI ** 6

/** The Pelz–Good (1976) expansion of P(Dₙ ≤ x) in powers of 1/√n, for large n. */
function pelzGood(n: number, x: number): number {
  const z = Math.sqrt(n) * x
  const z2 = z * z
  const z3 = z2 * z
  const z4 = z2 * z2
  const z6 = z4 * z2
  const qLog = -PI2 / 8 / z2
  if (qLog < -708) return 0
  let q = Math.exp(qLog)
  const k1a = -z2
  const k1b = PI2 / 4
  const k2a = 6 * z6 + 2 * z4
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4
  const k2c = (PI4 * (1 - 2 * z2)) / 16
  const k3d = (PI6 * (5 - 30 * z2)) / 64
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4
  const k3a = -30 * z6 - 90 * z4 * z4
  const terms = [0, 0, 0, 0]
  const maxK = Math.ceil((16 * z) / Math.PI)
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1
    const m2 = m * m
    const m4 = m2 * m2
    const m6 = m4 * m2
    const qPower = q ** (8 * k)
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qPower + coefficients[i]!
  }
  const divisors = [z, 6 * z4, 72 * z6 * z, 6480 * z4 * z6]
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT_2PI) / divisors[i]!
  q = Math.exp(-PI2 / 2 / z2)
  let k2Extra = 0
  let k3Extra = 0
  const sqrt3z = Math.sqrt(3) * z
  for (let k = maxK; k > 0; k--) {
    const k2 = k * k
    const qPower = q ** k2
    k2Extra += k2 * qPower
    const kPi = Math.PI * k
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower
  }
  terms[2]! += (k2Extra * PI2 * SQRT_2PI) / (-36 * z3)
  terms[3]! += (k3Extra * PI2 * SQRT_2PI) / (216 * z6)
  let sum = 0
  for (let i = 0; i < 4; i++) sum += terms[i]! / n ** (i / 2)
  return sum
}
