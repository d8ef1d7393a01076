// The numbers under a chart: per run, the last logged value (highest step, then latest time) and the
// finite min and max, so runs can be compared without hovering. A bucketed point (get-history-buckets)
// brings its bucket's min, max and count, so a spike inside a bucket still counts.

export interface SummaryPoint {
  readonly runId: string
  readonly value: number
  readonly step: number
  readonly timestamp: number
  readonly min?: number
  readonly max?: number
  readonly count?: number
}

export interface SeriesSummary {
  readonly last: number | undefined
  readonly min: number | undefined
  readonly max: number | undefined
  readonly count: number
}

export function summarize(points: readonly SummaryPoint[]): Map<string, SeriesSummary> {
  const out = new Map<string, { last?: SummaryPoint; min?: number; max?: number; count: number }>()
  for (const p of points) {
    const s = out.get(p.runId) ?? { count: 0 }
    s.count += p.count ?? 1
    if (!s.last || p.step > s.last.step || (p.step === s.last.step && p.timestamp >= s.last.timestamp)) s.last = p
    for (const v of [p.min ?? p.value, p.max ?? p.value]) {
      if (!Number.isFinite(v)) continue
      s.min = s.min === undefined ? v : Math.min(s.min, v)
      s.max = s.max === undefined ? v : Math.max(s.max, v)
    }
    out.set(p.runId, s)
  }
  return new Map([...out].map(([runId, s]) => [runId, { last: s.last?.value, min: s.min, max: s.max, count: s.count }]))
}
