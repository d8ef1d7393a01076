import type { Db } from './db.ts'
import type { Dialect, Fragment } from './dialect.ts'

export interface JsonRowsSource {
  readonly columns: readonly string[]
  /** `FROM … WHERE …` */
  readonly from: Fragment
}

/**
 * Reads several row sets in one round trip, each aggregated by the database into one JSON array
 * of arrays (see Dialect.jsonRows). Used to hydrate pages: one query for all their child rows.
 */
export async function readJsonRows<Sets extends readonly (readonly unknown[])[][]>(
  db: Db,
  dialect: Dialect,
  sources: readonly JsonRowsSource[],
): Promise<Sets> {
  const selects = sources.map((s, i) => `(SELECT ${dialect.jsonRows(s.columns)} ${s.from.sql}) AS set${i}`)
  const [row] = await db.query<Record<string, string>>(
    `SELECT ${selects.join(', ')}`,
    sources.flatMap((s) => s.from.params),
  )
  return sources.map((_, i) => JSON.parse(row?.[`set${i}`] ?? '[]') as unknown[][]) as unknown as Sets
}

/**
 * As readJsonRows, each set as its columns (Dialect.jsonColumns): one array per column, of equal
 * length, the n-th row's values at index n of each; empty arrays when the set has no rows.
 */
export async function readJsonColumns<Sets extends readonly (readonly (readonly unknown[])[])[]>(
  db: Db,
  dialect: Dialect,
  sources: readonly JsonRowsSource[],
): Promise<Sets> {
  const selects = sources.map((s, i) => `(SELECT ${dialect.jsonColumns(s.columns)} ${s.from.sql}) AS set${i}`)
  const [row] = await db.query<Record<string, string | null>>(
    `SELECT ${selects.join(', ')}`,
    sources.flatMap((s) => s.from.params),
  )
  return sources.map((source, i) => {
    const text = row?.[`set${i}`]
    const columns = text ? (JSON.parse(text) as (unknown[] | null)[]) : []
    return source.columns.map((_, c) => columns[c] ?? [])
  }) as unknown as Sets
}
