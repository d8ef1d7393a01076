// The numbers under a chart: per run, the last logged value (highest step, then latest time) and the
// finite min and max, so runs can be compared without hovering.

export interface SummaryPoint {
  readonly runId: string
  readonly value: number
  readonly step: number
  readonly timestamp: number
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
    s.count++
    if (!s.last || p.step > s.last.step || (p.step === s.last.step && p.timestamp >= s.last.timestamp)) s.last = p
    if (Number.isFinite(p.value)) {
      s.min = s.min === undefined ? p.value : Math.min(s.min, p.value)
      s.max = s.max === undefined ? p.value : Math.max(s.max, p.value)
    }
    out.set(p.runId, s)
  }
  return new Map([...out].map(([runId, s]) => [runId, { last: s.last?.value, min: s.min, max: s.max, count: s.count }]))
}
