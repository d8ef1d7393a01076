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
 * One pass over the text before JSON.parse: nesting deeper than MAX_JSON_DEPTH would be parsed
 * into a structure every later recursive step (schema validation, mapping) walks, and a `\u0000`
 * escape is a NUL that PostgreSQL cannot store (refused on every backend, so both behave alike).
 */
function checkShape(text: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92 /* \ */) {
        if (text.startsWith('u0000', i + 1)) throw invalidParameter(NUL_MESSAGE)
        i++
      } else if (ch === 34 /* " */) {
        inString = false
      }
    } else if (ch === 34) {
      inString = true
    } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > MAX_JSON_DEPTH) throw invalidParameter(`Malformed request body: JSON nested deeper than ${MAX_JSON_DEPTH} levels (the limit).`)
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
      depth--
    }
  }
}

/** Parse a request body into an object, as MLflow's handlers accept it. Empty body means `{}`. */
export function parseJsonBody(text: string, decodedOnce = false): Record<string, unknown> {
  if (text.trim() === '') return {}
  checkShape(text)
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
