// Display formats shared by the tables and the run page.

/** `1h 02m`, `3m 04s`, `5.2s`, `120ms`; an empty string when either end is unknown. */
export function formatDuration(startMs: number | null, endMs: number | null): string {
  if (startMs === null || endMs === null || endMs < startMs) return ''
  const ms = endMs - startMs
  if (ms < 1000) return `${ms}ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`
  return `${Math.floor(h / 24)}d ${h % 24}h`
}

/** Local date and time to the second, `2026-11-23 09:15:02`, stable across browser locales. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return ''
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** Metric values: up to 6 significant digits; NaN and ±Infinity spelled out. */
export function formatMetric(value: number | undefined): string {
  if (value === undefined) return ''
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value)
  return String(Number(value.toPrecision(6)))
}

/** File sizes in binary units, `532 B`, `1.4 KB`, `3.2 MB`, `1.1 GB`; empty when unknown. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(1)} GB`
}

const SI_LARGE = ['', 'k', 'M', 'G', 'T', 'P', 'E']

/**
 * Axis tick labels that tell ticks apart at any magnitude: `increment` is the distance between
 * ticks. Values of a million and more take an SI suffix (`1.5M`), values below 0.001 scientific
 * notation (`2.5e-7`), others as many decimals as the increment needs. So 1e-5, 2e-5, 3e-5 never
 * all read `0`.
 */
export function formatTicks(values: readonly number[], increment: number): string[] {
  const finite = values.filter(Number.isFinite)
  const magnitude = Math.max(0, ...finite.map(Math.abs))
  const step = Number.isFinite(increment) && increment > 0 ? increment : magnitude || 1
  // The fewest decimals (of values divided by `unit`) that write every tick exactly: an increment of
  // 2.5 needs one more than its order of magnitude says.
  const digitsFor = (unit: number) => {
    const base = Math.max(0, -Math.floor(Math.log10(step / unit) + 1e-9))
    for (let digits = base; digits < base + 4; digits++) {
      if (finite.every((v) => Math.abs(Number((v / unit).toFixed(digits)) - v / unit) < (step / unit) * 1e-6)) return Math.min(digits, 12)
    }
    return Math.min(base + 3, 12)
  }
  if (magnitude >= 1e6) {
    const tier = Math.min(SI_LARGE.length - 1, Math.floor(Math.log10(magnitude) / 3))
    const unit = 10 ** (3 * tier)
    const digits = digitsFor(unit)
    return values.map((v) => (v === 0 ? '0' : `${trimZeros((v / unit).toFixed(digits))}${SI_LARGE[tier]}`))
  }
  if (magnitude < 1e-3 && magnitude > 0) {
    const exponent = Math.floor(Math.log10(magnitude))
    const digits = digitsFor(10 ** exponent)
    return values.map((v) => (v === 0 ? '0' : shortExponent(v.toExponential(digits))))
  }
  const digits = digitsFor(1)
  return values.map((v) => (v === 0 ? '0' : v.toFixed(digits)))
}

const trimZeros = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text)
const shortExponent = (text: string) => text.replace(/\.?0+e/, 'e').replace('e+', 'e')

/** One value in at most ~4 significant digits with the same notation rules, for log-scale ticks and bar labels. */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return formatMetric(value)
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e6) {
    const tier = Math.min(SI_LARGE.length - 1, Math.floor(Math.log10(magnitude) / 3))
    return `${Number((value / 10 ** (3 * tier)).toPrecision(4))}${SI_LARGE[tier]}`
  }
  if (magnitude < 1e-3) return shortExponent(value.toExponential(3))
  return String(Number(value.toPrecision(4)))
}
