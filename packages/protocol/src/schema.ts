import { z } from 'zod'
import { invalidParameter } from './errors.ts'

// Field types for request schemas. They accept what MLflow's handlers accept: numbers may come as
// numeric strings (query strings, older clients), doubles as "NaN"/"Infinity"/"-Infinity" (proto3
// JSON), booleans as true/false only.

const INTEGER_TEXT = /^\s*-?\d+\s*$/
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY }

/** A 64-bit integer as JSON number or decimal string; kept as a JS number (exact up to 2^53). */
export const int64 = z.preprocess(
  (v) => (typeof v === 'string' && INTEGER_TEXT.test(v) ? Number(v) : v),
  z.number({ error: 'expected an integer' }).int({ error: 'expected an integer' }),
)

/** A double: a JSON number, a numeric string, or NaN / Infinity / -Infinity as strings. */
export const double = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v
    if (v in NON_FINITE) return NON_FINITE[v]
    const n = v.trim() === '' ? Number.NaN : Number(v)
    return Number.isNaN(n) ? v : n
  },
  // zod's number() refuses NaN and ±Infinity, which metric values may be.
  z.custom<number>((v) => typeof v === 'number', { error: 'expected a number' }),
)

export const bool = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: "expected 'true' or 'false'" }),
)

/** A required string: absent and empty both count as missing, as in MLflow's _assert_required. */
export const requiredString = z.string({ error: 'expected a string' }).min(1, { error: 'missing' })
export const optionalString = z.string({ error: 'expected a string' }).optional()

export const keyValue = z.object({ key: requiredString, value: z.string({ error: 'expected a string' }).optional() })

/**
 * An array of `element`, where elements that `isPlain` recognises (a subset of what `element`
 * accepts, which `element` would return unchanged) skip zod. A log-batch of 1,000 metric points spent
 * about a tenth of its server CPU in zod copying points that needed no conversion; any array with an
 * element outside the fast path is parsed whole by `z.array(element)`, so errors and conversions
 * (numeric strings, "NaN") stay exactly as they were.
 *
 * Written as a check that may replace the value, not as a `transform`: in a server parsing one
 * request after another, a transform's pipe left every parsed body it passed through to be promoted
 * to V8's old generation (about 2 MB per young-generation collection under a 1,000-point log-batch
 * load, BENCHMARKS.md), where a check leaves nothing behind.
 */
export function arrayWithFastPath<T extends z.ZodType>(element: T, isPlain: (value: unknown) => boolean): z.ZodType<z.output<z.ZodArray<T>>, unknown> {
  const full = z.array(element)
  return z.unknown().check((payload) => {
    const value = payload.value
    if (Array.isArray(value) && value.every(isPlain)) return
    const result = full.safeParse(value, { reportInput: true })
    if (result.success) payload.value = result.data
    else for (const issue of result.error.issues) payload.issues.push({ ...issue } as z.core.$ZodRawIssue)
  }) as unknown as z.ZodType<z.output<z.ZodArray<T>>, unknown>
}

/** Repeated fields: absent means empty. */
export const stringList = z.array(z.string({ error: 'expected a string' })).optional()

/** Render the first zod issue as MLflow words: missing value, or invalid value naming the field. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'Invalid request.'
  const path = issue.path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  )
  const input = (issue as { input?: unknown }).input
  if (input === undefined || issue.message === 'missing') {
    return `Missing value for required parameter '${path}'. See the API docs for more information about request parameters.`
  }
  return `Invalid value ${JSON.stringify(input)} for parameter '${path}' supplied: ${issue.message}. See the API docs for more information about request parameters.`
}

/** Parse a request object against a schema, throwing INVALID_PARAMETER_VALUE in MLflow's words. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true })
  if (!result.success) throw invalidParameter(describeIssue(result.error))
  return result.data
}

type FieldKind = 'array' | 'scalar'

function fieldKind(schema: z.ZodType): FieldKind {
  let current: z.ZodType = schema
  for (;;) {
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType } } })._zod.def
    if (def.type === 'array') return 'array'
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) current = def.innerType
    else if (def.type === 'pipe' && def.out) current = def.out
    else return 'scalar'
  }
}

/**
 * Turn a query string into the object a schema expects: repeated fields collect every value of
 * their key (`run_id=a&run_id=b`), scalars take the first. Types are then coerced by the schema.
 */
export function queryToObject(schema: z.ZodObject, params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(schema.shape)) {
    if (!params.has(name)) continue
    out[name] = fieldKind(field as z.ZodType) === 'array' ? params.getAll(name) : params.get(name)
  }
  return out
}
