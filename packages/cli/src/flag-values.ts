import type { Tag, ViewType } from '@orchard/core'
import { UsageError } from './command.ts'

// Flag values are a boundary: each parser names the flag and says what a good value looks like.

export function parseInteger(flag: string, value: string, range: { min: number; max: number }): number {
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(`--${flag} must be an integer from ${range.min} to ${range.max}, got '${value}'`)
  }
  return number
}

/** `a,b,c` (and repeated flags) → ['a', 'b', 'c']; empty items are a mistake, not skipped. */
export function parseList(flag: string, values: string | readonly string[]): string[] {
  const items = (typeof values === 'string' ? [values] : values).flatMap((value) => value.split(','))
  const trimmed = items.map((item) => item.trim())
  if (trimmed.some((item) => item === '')) {
    throw new UsageError(`--${flag} takes a comma-separated list without empty items, e.g. --${flag} a,b`)
  }
  return trimmed
}

const VIEWS: Record<string, ViewType> = {
  active: 'ACTIVE_ONLY',
  active_only: 'ACTIVE_ONLY',
  deleted: 'DELETED_ONLY',
  deleted_only: 'DELETED_ONLY',
  all: 'ALL',
}

/** `active|deleted|all`, plus MLflow's CLI spellings `active_only` and `deleted_only`. */
export function parseView(flag: string, value: string): ViewType {
  const view = VIEWS[value.toLowerCase()]
  if (!view) throw new UsageError(`--${flag} must be active, deleted or all, got '${value}'`)
  return view
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const
// MLflow's gc format: `#d#h#m#s`, each part optional, in that order, decimals allowed (`1.5d`).
const DURATION = /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/

/** `30d`, `12h`, `90m`, `45s`, `1d12h` → milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const match = DURATION.exec(value)
  const parts = match?.slice(1) ?? []
  if (!match || parts.every((part) => part === undefined)) {
    throw new UsageError(`--${flag} must be a duration such as 30d, 12h, 90m, 45s or 1d12h, got '${value}'`)
  }
  const [days, hours, minutes, seconds] = parts.map((part) => Number(part ?? 0))
  return Math.round(
    (days ?? 0) * UNIT_MS.d + (hours ?? 0) * UNIT_MS.h + (minutes ?? 0) * UNIT_MS.m + (seconds ?? 0) * UNIT_MS.s,
  )
}

/** Repeated `--tag key=value` → tags; the value may contain `=`. */
export function parseTags(flag: string, values: readonly string[] | undefined): Tag[] {
  return (values ?? []).map((item) => {
    const at = item.indexOf('=')
    if (at <= 0) throw new UsageError(`--${flag} takes key=value, got '${item}'`)
    return { key: item.slice(0, at), value: item.slice(at + 1) }
  })
}

/** Tags as the SDK takes them (MLflow's dict): a later `--tag` with the same key wins. */
export function tagRecord(tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((tag) => [tag.key, tag.value]))
}
