// Per-browser memory of view choices (columns, widths) in localStorage. Private windows and full
// storage refuse writes; then the choice lasts for the page only, which is all a failure should cost.

export function readStored<T>(key: string, valid: (value: unknown) => value is T): T | undefined {
  try {
    const text = localStorage.getItem(key)
    if (text === null) return undefined
    const value: unknown = JSON.parse(text)
    return valid(value) ? value : undefined
  } catch {
    return undefined
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // see above
  }
}

export const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string')

export const isWidthMap = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v))

/** Storage keys: one set per experiment selection, so each experiment keeps its own table. */
export const columnsKey = (experimentIds: readonly string[]) => `orchard.columns.${experimentIds.join(',')}`
export const widthsKey = (experimentIds: readonly string[]) => `orchard.widths.${experimentIds.join(',')}`
export const chartsKey = (experimentIds: readonly string[]) => `orchard.charts.${experimentIds.join(',')}`
