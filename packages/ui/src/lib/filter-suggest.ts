// Suggestions for the runs filter box (MLflow's search grammar): the key being typed completes to
// `metrics.…`, `params.…`, `tags.…`, `attributes.…` or `datasets.…`; after a complete key come the
// operators its kind takes; after a value, `and`. Each suggestion replaces the word being typed.
// Orchard's aggregates of a metric's history complete too: `mi` offers `min(`, `min(val` completes
// to `min(metrics.val_rmse) `, which then takes the numeric operators.

export interface Suggestion {
  /** What the box holds once the suggestion is taken. */
  readonly text: string
  /** What the list shows. */
  readonly label: string
  readonly kind: 'key' | 'operator' | 'keyword'
}

const ATTRIBUTES = ['run_name', 'status', 'start_time', 'end_time', 'user_id', 'run_id', 'artifact_uri']
const DATASET_FIELDS = ['name', 'digest', 'context']
const NUMERIC_OPERATORS = ['<', '<=', '>', '>=', '=', '!=']
const STRING_OPERATORS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']
const MAX_SUGGESTIONS = 8
const AGGREGATE_NAMES = ['min', 'max', 'mean']
const AGGREGATE_OPENING = /(?:^|[\s(])(?:min|max|mean|avg)\(\s*$/i
const AGGREGATE_TRAILING = /(?:^|[\s(])((?:min|max|mean|avg)\(\s*metrics?\.(?:`[^`]*`|[\w.\-/:]+)\s*\))\s*(\S*)$/i

const quoteKey = (key: string) => (/^[\w.]+$/.test(key) ? key : `\`${key}\``)

export function suggestFilter(text: string, keys: { readonly metrics: readonly string[]; readonly params: readonly string[]; readonly tags: readonly string[] }): Suggestion[] {
  const word = /[\w.`\-/: ]*$/.exec(text)![0].replace(/^.*\s(?=\S*$)/, '')
  const before = text.slice(0, text.length - word.length)
  // After `<key> ` comes an operator; after `<key> <op> <value> ` comes `and`.
  const trailing =
    AGGREGATE_TRAILING.exec(text) ?? /(?:^|\s)((?:metrics|params|tags|attributes|datasets|attribute|metric|param|tag|dataset)\.(?:`[^`]*`|[\w.\-/:]+))\s+(\S*)$/i.exec(text)
  if (trailing && !text.endsWith(trailing[1]!)) {
    const typed = trailing[2]!.toUpperCase()
    const numeric = /^(metrics?\.|(min|max|mean|avg)\()/i.test(trailing[1]!) || /^attributes?\.(start_time|end_time)$/i.test(trailing[1]!)
    const operators = numeric ? NUMERIC_OPERATORS : STRING_OPERATORS
    const start = text.length - trailing[2]!.length
    return operators.filter((op) => op.startsWith(typed) && op !== typed).map((op) => ({ text: `${text.slice(0, start)}${op} `, label: op, kind: 'operator' }))
  }
  if (/(['"\d)])\s+[a-z]*$/i.test(text) && /\s(=|!=|<|>|<=|>=|LIKE|ILIKE|IN)\s/i.test(text)) {
    const typed = /([a-z]*)$/i.exec(text)![1]!.toLowerCase()
    return 'and'.startsWith(typed) && typed !== 'and' ? [{ text: `${text.slice(0, text.length - typed.length)}and `, label: 'and', kind: 'keyword' }] : []
  }
  const inAggregate = AGGREGATE_OPENING.test(before)
  if (!word && !inAggregate) return []
  const needle = word.replace(/`/g, '').toLowerCase()
  if (inAggregate) return metricsIn(keys.metrics, needle).map((c) => ({ text: `${before}${c}) `, label: c, kind: 'key' }))
  const openings: Suggestion[] =
    needle.length >= 2 ? AGGREGATE_NAMES.filter((a) => a.startsWith(needle)).map((a) => ({ text: `${before}${a}(`, label: `${a}(metrics.…)`, kind: 'keyword' })) : []
  const candidates = [
    ...keys.metrics.map((k) => `metrics.${quoteKey(k)}`),
    ...keys.params.map((k) => `params.${quoteKey(k)}`),
    ...keys.tags.map((k) => `tags.${quoteKey(k)}`),
    ...ATTRIBUTES.map((a) => `attributes.${a}`),
    ...DATASET_FIELDS.map((f) => `datasets.${f}`),
  ]
  // Whole-name prefixes first, then names whose key starts so (`al` → params.alpha), then substrings.
  const plain = (c: string) => c.replace(/`/g, '').toLowerCase()
  const rank = (c: string) => (plain(c).startsWith(needle) ? 0 : plain(c).slice(plain(c).indexOf('.') + 1).startsWith(needle) ? 1 : plain(c).includes(needle) ? 2 : 3)
  return candidates
    .map((c, i) => ({ c, i, r: rank(c) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c)
    .filter((c) => c.replace(/`/g, '').toLowerCase() !== needle)
    .slice(0, MAX_SUGGESTIONS - openings.length)
    .map((c): Suggestion => ({ text: `${before}${c} `, label: c, kind: 'key' }))
    .concat(openings)
}

/** Metric keys for inside `min(…)`: those starting with what is typed, then those containing it. */
function metricsIn(metrics: readonly string[], needle: string): string[] {
  const bare = needle.replace(/^metrics?\./, '')
  const named = metrics.map((k) => `metrics.${quoteKey(k)}`)
  const key = (c: string) => c.slice('metrics.'.length).replace(/`/g, '').toLowerCase()
  return [...named.filter((c) => key(c).startsWith(bare)), ...named.filter((c) => !key(c).startsWith(bare) && key(c).includes(bare))].slice(0, MAX_SUGGESTIONS)
}
