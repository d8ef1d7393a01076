// A radix sort of doubles, several times faster than Float64Array#sort on a million values: the
// sort is most of the cost of a drift report's numeric statistics.

const RADIX_BITS = 16
const BUCKETS = 1 << RADIX_BITS
const MASK = BUCKETS - 1

/**
 * Sorts finite (or ±Infinity) doubles ascending, in place, and returns the array. −0 sorts before +0,
 * which compare equal anyway. NaN must have been removed by the caller.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length
  if (n < 512) return values.sort()
  // Map each double to an unsigned 64-bit key that orders as the double does: flip the sign bit of
  // positives, every bit of negatives. Keys live as (high, low) 32-bit halves.
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2)
  let low = new Uint32Array(n)
  let high = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!
    const hi = words[2 * i + 1]!
    if (hi & 0x80000000) {
      low[i] = ~lo >>> 0
      high[i] = ~hi >>> 0
    } else {
      low[i] = lo
      high[i] = (hi | 0x80000000) >>> 0
    }
  }
  let lowOut = new Uint32Array(n)
  let highOut = new Uint32Array(n)
  const counts = new Uint32Array(BUCKETS)
  // Two passes of 16 bits order the keys by their high halves (sign, exponent and 20 bits of
  // mantissa); keys that share a high half are then few and next to each other, and are put in
  // order by their low halves in place. Half the scatter passes of a full 64-bit radix sort.
  for (let pass = 0; pass < 2; pass++) {
    const shift = pass * RADIX_BITS
    counts.fill(0)
    for (let i = 0; i < n; i++) counts[(high[i]! >>> shift) & MASK]!++
    // A pass where every key has the same digit changes nothing.
    if (counts[(high[0]! >>> shift) & MASK] === n) continue
    let total = 0
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b]!
      counts[b] = total
      total += c
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(high[i]! >>> shift) & MASK]!++
      lowOut[at] = low[i]!
      highOut[at] = high[i]!
    }
    const swapLow = low
    low = lowOut
    lowOut = swapLow
    const swapHigh = high
    high = highOut
    highOut = swapHigh
  }
  for (let i = 0; i < n; ) {
    const hi = high[i]!
    let j = i + 1
    while (j < n && high[j] === hi) j++
    if (j - i > 32) low.subarray(i, j).sort()
    else {
      for (let k = i + 1; k < j; k++) {
        const key = low[k]!
        let m = k - 1
        while (m >= i && low[m]! > key) {
          low[m + 1] = low[m]!
          m--
        }
        low[m + 1] = key
      }
    }
    i = j
  }
  for (let i = 0; i < n; i++) {
    const hi = high[i]!
    if (hi & 0x80000000) {
      words[2 * i] = low[i]!
      words[2 * i + 1] = (hi & 0x7fffffff) >>> 0
    } else {
      words[2 * i] = ~low[i]! >>> 0
      words[2 * i + 1] = ~hi >>> 0
    }
  }
  return values
}
