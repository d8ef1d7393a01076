import type { Metric, Param, Tag } from '@orchard/core'
import {
  MAX_BATCH_REQUEST_BYTES,
  MAX_ENTITIES_PER_BATCH,
  MAX_METRICS_PER_BATCH,
  MAX_PARAMS_PER_BATCH,
  MAX_TAGS_PER_BATCH,
} from '@orchard/protocol/base'

/** A log-batch, each list in the order it is to be stored. */
export interface Batch {
  readonly metrics: readonly Metric[]
  readonly params: readonly Param[]
  readonly tags: readonly Tag[]
}

// Room left in a request body for `{"run_id": …}` and the list brackets.
const ENVELOPE_BYTES = 4096
const BODY_BUDGET = MAX_BATCH_REQUEST_BYTES - ENVELOPE_BYTES

/** UTF-8 length of a string without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

// An upper bound of an entry's JSON size: a number is at most 24 characters, and every string
// character at most 6 bytes once escaped, but escaping is rare, so count the real UTF-8 length and
// add the JSON punctuation around the fields.
const metricBytes = (m: Metric) => utf8Length(m.key) + 100
const pairBytes = (p: Param | Tag) => utf8Length(JSON.stringify(p.key)) + utf8Length(JSON.stringify(p.value)) + 20

/**
 * Split a batch into log-batch requests within MLflow's limits (1000 metrics, 100 params, 100 tags,
 * 1000 entries and 1 MB per request), keeping each kind's order across requests. Like MLflow's
 * client, params and tags go first, with metrics filling the room they leave.
 */
export function splitBatch(batch: Batch): Batch[] {
  const requests: Batch[] = []
  let p = 0
  let t = 0
  let m = 0
  while (p < batch.params.length || t < batch.tags.length || m < batch.metrics.length) {
    let bytes = 0
    let entries = 0
    const take = <T>(items: readonly T[], from: number, limit: number, size: (item: T) => number): number => {
      let to = from
      while (to < items.length && to - from < limit && entries < MAX_ENTITIES_PER_BATCH) {
        const itemBytes = size(items[to] as T)
        // Always take one entry into an empty request, so an oversized entry still gets sent (and refused).
        if (entries > 0 && bytes + itemBytes > BODY_BUDGET) break
        bytes += itemBytes
        entries++
        to++
      }
      return to
    }
    const pEnd = take(batch.params, p, MAX_PARAMS_PER_BATCH, pairBytes)
    const tEnd = take(batch.tags, t, MAX_TAGS_PER_BATCH, pairBytes)
    const mEnd = take(batch.metrics, m, MAX_METRICS_PER_BATCH, metricBytes)
    requests.push({ params: batch.params.slice(p, pEnd), tags: batch.tags.slice(t, tEnd), metrics: batch.metrics.slice(m, mEnd) })
    p = pEnd
    t = tEnd
    m = mEnd
  }
  return requests
}
