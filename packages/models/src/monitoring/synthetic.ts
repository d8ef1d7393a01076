// Seeded samples for tests, the bench and the false-alarm measurement: the same seed gives the same
// numbers on every machine, so reference values computed once with scipy stay valid.

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws by Box–Muller. */
export function normalSample(random: () => number, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const u = 1 - random()
    const v = random()
    const r = Math.sqrt(-2 * Math.log(u))
    out[i] = mean + sd * r * Math.cos(2 * Math.PI * v)
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(2 * Math.PI * v)
  }
  return out
}

/** Draws from categories with the given weights (need not sum to 1). */
export function categoricalSample(random: () => number, n: number, categories: readonly string[], weights: readonly number[]): string[] {
  const sum = weights.reduce((s, w) => s + w, 0)
  const cumulative: number[] = []
  let acc = 0
  for (const w of weights) cumulative.push((acc += w / sum))
  const out = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    const u = random()
    let k = 0
    while (k < cumulative.length - 1 && u >= cumulative[k]!) k++
    out[i] = categories[k]!
  }
  return out
}
