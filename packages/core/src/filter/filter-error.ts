import { OrchardError } from '@orchard/protocol/base'

/** What is being parsed, for messages: a search filter or one order_by term. */
export type Subject = 'filter' | 'order_by clause'

// Filters may be long (a GET query string holds kilobytes of clauses): past this length the message
// quotes the stretch around the fault instead of the whole text.
const QUOTED_IN_FULL = 500
const CONTEXT = 120

function quote(text: string, position: number): string {
  if (text.length <= QUOTED_IN_FULL) return JSON.stringify(text)
  const start = Math.max(0, position - CONTEXT)
  const end = Math.min(text.length, position + CONTEXT)
  const excerpt = `${start > 0 ? '...' : ''}${text.slice(start, end)}${end < text.length ? '...' : ''}`
  return `(${text.length} characters) ${JSON.stringify(excerpt)}`
}

/**
 * `Invalid filter "<text>": <problem> at position <n>[; expected <expected>]`, where n is the
 * 0-based index of the offending character. Every parse failure is INVALID_PARAMETER_VALUE, as in
 * MLflow.
 */
export function filterError(subject: Subject, text: string, position: number, problem: string, expected?: string): OrchardError {
  const hint = expected === undefined ? '' : `; expected ${expected}`
  return new OrchardError('INVALID_PARAMETER_VALUE', `Invalid ${subject} ${quote(text, position)}: ${problem} at position ${position}${hint}`)
}
