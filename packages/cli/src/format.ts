// Human output: aligned tables and `label: value` blocks. Machine output is `--json` (wire shapes).

const pad2 = (n: number) => String(n).padStart(2, '0')

/** `2024-05-01 14:03:27` in local time; `-` when there is no time. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-'
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
}

/** `850ms`, `12.4s`, `3m 05s`, `2h 10m`; `-` while a run has no end. */
export function formatDuration(startMs: number | null, endMs: number | null): string {
  if (startMs === null || endMs === null) return '-'
  const ms = Math.max(0, endMs - startMs)
  if (ms < 1000) return `${ms}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes}m ${pad2(Math.floor((ms % 60_000) / 1000))}s`
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`
}

/** Cut to `max` characters, ending in `…`; line breaks become spaces so one row stays one line. */
function truncate(value: string, max: number): string {
  const flat = value.replace(/\s*\n\s*/g, ' ')
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}

interface Column {
  readonly header: string
  /** Longer cells are truncated; ids leave this out so they can be copied whole. */
  readonly maxWidth?: number
}

/** Columns separated by two spaces, headers first, no trailing spaces. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => columns.map((column, i) => truncate(row[i] ?? '', column.maxWidth ?? Infinity)))
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i]?.length ?? 0)))
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return `${[line(columns.map((column) => column.header)), ...cells.map(line)].join('\n')}\n`
}

/** `Label:  value` lines with the values aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length + 1))
  return `${fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`.trimEnd()).join('\n')}\n`
}

/** For `--json`: the wire body, two-space indented. */
export function printJson(body: unknown): void {
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
}
