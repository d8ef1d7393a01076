/**
 * SQLite binds NaN as NULL, so NaN is stored as value 0 with is_nan = 1 on both databases (as
 * MLflow does); ±Infinity are stored as themselves. Comparisons and ordering use the stored pair.
 */
export function encodeMetricValue(value: number): { readonly value: number; readonly isNan: 0 | 1 } {
  return Number.isNaN(value) ? { value: 0, isNan: 1 } : { value, isNan: 0 }
}

export function decodeMetricValue(value: number, isNan: number | boolean): number {
  return isNan ? Number.NaN : value
}

/**
 * A metric value as runs/search's wire JSON writes it (runToWire + JSON.stringify): the shortest
 * digits that read back the same double, and NaN and ±Infinity as MLflow's strings. Stored beside
 * the value in latest_metrics.value_json (migration 015).
 */
export function metricValueJson(value: number): string {
  if (Number.isFinite(value)) return JSON.stringify(value)
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"'
}
