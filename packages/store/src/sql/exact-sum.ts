/**
 * A sum of doubles rounded once, at the end (Shewchuk's partials, as Python's math.fsum): the result
 * is the exact sum correctly rounded, whatever order the values came in. Bucket means use it so that
 * a history gives the same mean whether its points were read from rows or from chunks, in any order.
 */
export class ExactSum {
  private readonly partials: number[] = []
  private special = 0
  private overflowed = false
  private naive = 0

  add(value: number): void {
    this.naive += value
    if (!Number.isFinite(value)) {
      // ±Infinity (NaN is never added): the sum is that infinity, or NaN once both signs are in.
      this.special += value
      return
    }
    let x = value
    let kept = 0
    for (let j = 0; j < this.partials.length; j++) {
      let y = this.partials[j] as number
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x]
      const hi = x + y
      const lo = y - (hi - x)
      if (lo !== 0) this.partials[kept++] = lo
      x = hi
    }
    if (!Number.isFinite(x)) this.overflowed = true
    this.partials.length = kept
    this.partials.push(x)
  }

  value(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special
    // Finite values whose partial sums overflow: the plain sum is as good as any (±Infinity).
    if (this.overflowed) return this.naive
    const partials = this.partials
    let n = partials.length
    if (n === 0) return 0
    let hi = partials[--n] as number
    let lo = 0
    while (n > 0) {
      const x = hi
      const y = partials[--n] as number
      hi = x + y
      lo = y - (hi - x)
      if (lo !== 0) break
    }
    // Round half-way cases as the exact sum would: the next partial says which way.
    if (n > 0 && ((lo < 0 && (partials[n - 1] as number) < 0) || (lo > 0 && (partials[n - 1] as number) > 0))) {
      const y = lo * 2
      const x = hi + y
      if (y === x - hi) hi = x
    }
    return hi
  }
}
