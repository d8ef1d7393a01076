import { createHash } from 'node:crypto'
import { invalidParameter } from '@orchard/protocol/base'

/**
 * Search page tokens: base64 of `{"offset", "watermark", "query"}`. `watermark` is the highest
 * insertion key (run_key, experiment_id) that existed when the first page was read; every page
 * only considers rows at or below it, so rows created while a client pages never shift the pages
 * it has not read yet. `query` fingerprints the search, so a token cannot be replayed against a
 * different one. Clients must treat the token as opaque.
 */
export interface PageCursor {
  readonly offset: number
  readonly watermark: number
}

export function queryFingerprint(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16)
}

export function encodePageToken(cursor: PageCursor, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ offset: cursor.offset, watermark: cursor.watermark, query: fingerprint })).toString(
    'base64',
  )
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

export function decodePageToken(token: string, fingerprint: string): PageCursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
  } catch {
    throw invalidParameter(`Invalid page token, could not decode '${token}'`)
  }
  const { offset, watermark, query } = (parsed ?? {}) as Record<string, unknown>
  if (!isCount(offset) || !isCount(watermark)) throw invalidParameter(`Invalid page token '${token}'`)
  if (query !== fingerprint) {
    throw invalidParameter(`Invalid page token '${token}': it belongs to a search with other arguments`)
  }
  return { offset, watermark }
}

/** Metric history pages: a plain offset, as MLflow (`{"offset": n}`). */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64')
}

export function decodeOffsetToken(token: string): number {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
  } catch {
    throw invalidParameter(`Invalid page token, could not decode '${token}'`)
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset
  if (!isCount(offset)) throw invalidParameter(`Invalid page token '${token}'`)
  return offset
}
