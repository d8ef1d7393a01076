import type { Context } from 'hono'
import { MAX_JSON_DEPTH, invalidParameter } from '@orchard/protocol/base'
import { readBodyText } from './request-limits.ts'

// Python's json module (used by MLflow's Python client through requests) writes non-finite floats as
// the bare tokens NaN, Infinity and -Infinity, which JSON.parse refuses. MLflow's server accepts
// them, so we do too: on a parse failure, quote those tokens outside strings and parse again. The
// schema's `double` type then reads the quoted forms. Well-formed JSON never pays for this.

const BARE_TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const

function quoteNonFiniteTokens(text: string): string | undefined {
  let out = ''
  let last = 0
  let inString = false
  let changed = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92 /* \ */) i++
      else if (ch === 34 /* " */) inString = false
      continue
    }
    if (ch === 34) {
      inString = true
      continue
    }
    if (ch !== 45 /* - */ && ch !== 73 /* I */ && ch !== 78 /* N */) continue
    const token = BARE_TOKENS.find((t) => text.startsWith(t, i))
    if (!token) continue
    out += `${text.slice(last, i)}"${token}"`
    i += token.length - 1
    last = i + 1
    changed = true
  }
  return changed ? out + text.slice(last) : undefined
}

const NUL_MESSAGE = 'Invalid request body: strings may not contain the NUL character (\\u0000).'

/**
 * Nesting deeper than MAX_JSON_DEPTH would be walked by every later recursive step (schema
 * validation, mapping), so it is refused: checked on the parsed value, containers only, stopping
 * at the limit (V8's JSON.parse does not recurse, so a deep body parses without harm). An object's
 * fields are read in place (`for…in`; a parsed object has only its own, and a "__proto__" field is
 * one of them): 22 µs for a 1,000-metric log-batch, against 37 µs for an `Object.values` array per
 * object, where a pass over its 76,000 characters took 145-200 µs.
 */
function checkDepth(value: object, depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw invalidParameter(`Malformed request body: JSON nested deeper than ${MAX_JSON_DEPTH} levels (the limit).`)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (typeof item === 'object' && item !== null) checkDepth(item, depth + 1)
    }
    return
  }
  const fields = value as Record<string, unknown>
  for (const key in fields) {
    const item = fields[key]
    if (typeof item === 'object' && item !== null) checkDepth(item, depth + 1)
  }
}

/** A string or key holding NUL, which PostgreSQL cannot store (refused on every backend alike). */
function checkNoNul(value: unknown): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) throw invalidParameter(NUL_MESSAGE)
  } else if (Array.isArray(value)) {
    for (const item of value) checkNoNul(item)
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      checkNoNul(key)
      checkNoNul(item)
    }
  }
}

/**
 * The parsed body's shape: not too deep, and no NUL in any string. A parsed string can hold NUL
 * only from a `\u0000` escape (JSON.parse refuses a raw one), so text without that sequence —
 * nearly every body — is not walked for it.
 */
function checkShape(value: unknown, text: string): void {
  if (typeof value === 'object' && value !== null) checkDepth(value, 1)
  if (text.includes('\\u0000')) checkNoNul(value)
}

/** Parse a request body into an object, as MLflow's handlers accept it. Empty body means `{}`. */
export function parseJsonBody(text: string, decodedOnce = false): Record<string, unknown> {
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const quoted = quoteNonFiniteTokens(text)
    try {
      if (quoted === undefined) throw error
      value = JSON.parse(quoted)
    } catch {
      throw invalidParameter(`Malformed JSON in request body: ${(error as Error).message}`)
    }
  }
  checkShape(value, text)
  // Older MLflow clients post their JSON double-encoded as a string; MLflow decodes it again, once
  // (a string all the way down, such as a bare NaN read as "NaN", is not an object at any depth).
  if (typeof value === 'string' && !decodedOnce) return parseJsonBody(value, true)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameter('The request body must be a JSON object.')
  }
  return value as Record<string, unknown>
}

// The access-control middleware reads a body's fields before the handler parses it; both share one
// parse (of the one read of the stream), so a 100-metric log-batch is not scanned and parsed twice.
const parsedBodies = new WeakMap<Request, Promise<Record<string, unknown>>>()

/**
 * The request's JSON body, parsed once per request (a rejection for a body that is too large or not
 * JSON). The object is shared: a caller that changes it must copy it first.
 */
export function readJsonBody(c: Context, limit: number): Promise<Readonly<Record<string, unknown>>> {
  let parsed = parsedBodies.get(c.req.raw)
  if (!parsed) {
    parsed = readBodyText(c, limit).then((text) => parseJsonBody(text))
    parsedBodies.set(c.req.raw, parsed)
  }
  return parsed
}
