// Exponential moving average as TensorBoard and MLflow draw it: debiased, so the first points are not
// pulled toward zero, and gaps (missing or non-finite values) pass through without resetting it.

/** `weight` in [0, 1): 0 returns the values unchanged; 0.99 is very smooth. */
export function smoothSeries(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return [...values]
  const w = Math.min(weight, 0.999)
  let last = 0
  let count = 0
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return value
    last = last * w + (1 - w) * value
    count++
    return last / (1 - w ** count)
  })
}
