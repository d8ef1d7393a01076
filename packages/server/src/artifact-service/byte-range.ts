// One `Range: bytes=…` header against a file of known size (RFC 9110 §14). We serve a single range;
// a header we cannot parse, or one asking for several ranges, is ignored and the whole file is sent,
// which the RFC allows. Only a well-formed range that starts past the end is refused (416).

export type RangeAnswer =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' }

const WHOLE: RangeAnswer = { kind: 'whole' }
const SINGLE_RANGE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i

export function answerRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return WHOLE
  const match = SINGLE_RANGE.exec(header)
  if (!match) return WHOLE
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return WHOLE
  if (first === '') {
    // `-N`: the last N bytes.
    const length = Number(last)
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return WHOLE
  if (start >= size) return { kind: 'unsatisfiable' }
  const end = last === '' ? size - 1 : Number(last)
  return { kind: 'partial', start, end: Math.min(end, size - 1) }
}
