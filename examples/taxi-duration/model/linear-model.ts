// The trained vectorizer + linear model as `model.json` of the orchard.linear format (see the models
// package's format notes), and a local predict with the same semantics, so the example can score
// records itself and hand exactly this file to the flavor.
import type { FittedVectorizer } from '../data/dict-vectorizer.ts'
import { PU_DO_SEPARATOR } from '../data/prepare.ts'

export interface DictVectorizerSpec {
  readonly kind: 'dict'
  readonly derived?: readonly { readonly name: string; readonly concat: readonly string[]; readonly separator: string }[]
  readonly categorical: readonly string[]
  readonly numeric: readonly string[]
  readonly unknown: 'ignore'
}

export interface LinearModelData {
  readonly format_version: 1
  readonly link: 'identity' | 'logit' | 'log'
  readonly intercept: number
  readonly coefficients: readonly number[]
  readonly feature_names: readonly string[]
  readonly vectorizer?: DictVectorizerSpec
  readonly target?: string
  readonly metadata?: Record<string, unknown>
}

export function buildLinearModel(
  vectorizer: FittedVectorizer,
  fit: { readonly coefficients: Float64Array; readonly intercept: number },
  metadata: Record<string, unknown> = {},
): LinearModelData {
  return {
    format_version: 1,
    link: 'identity',
    intercept: fit.intercept,
    coefficients: Array.from(fit.coefficients),
    feature_names: [...vectorizer.featureNames],
    vectorizer: {
      kind: 'dict',
      derived: [{ name: 'PU_DO', concat: ['PULocationID', 'DOLocationID'], separator: PU_DO_SEPARATOR }],
      categorical: [...vectorizer.categorical],
      numeric: [...vectorizer.numeric],
      unknown: 'ignore',
    },
    target: 'duration',
    metadata,
  }
}

/** A categorical value as its feature-name string: 43, 43.0 and "43" all give "43". */
function categoryString(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return value
  throw new Error(`a categorical value must be a string or a number, got ${JSON.stringify(value)}`)
}

const INVERSE_LINK = {
  identity: (eta: number) => eta,
  logit: (eta: number) => 1 / (1 + Math.exp(-eta)),
  log: (eta: number) => Math.exp(eta),
} as const

/** Scores records (`{PULocationID, DOLocationID, trip_distance}`) as the orchard.linear flavor does. */
export function predictRecords(model: LinearModelData, records: readonly Readonly<Record<string, unknown>>[]): number[] {
  const index = new Map(model.feature_names.map((name, column) => [name, column]))
  const spec = model.vectorizer
  return records.map((record, row) => {
    let eta = model.intercept
    if (!spec) {
      model.feature_names.forEach((name, column) => {
        eta += model.coefficients[column]! * numericField(record, name, row)
      })
      return INVERSE_LINK[model.link](eta)
    }
    const fields: Record<string, unknown> = { ...record }
    for (const derived of spec.derived ?? []) {
      const parts = derived.concat.map((name) => categoryString(fields[name]))
      fields[derived.name] = parts.some((part) => part === null) ? null : parts.join(derived.separator)
    }
    for (const field of spec.categorical) {
      const value = categoryString(fields[field])
      if (value === null) continue
      const column = index.get(`${field}=${value}`)
      if (column !== undefined) eta += model.coefficients[column]!
    }
    for (const field of spec.numeric) {
      const column = index.get(field)
      if (column !== undefined) eta += model.coefficients[column]! * numericField(fields, field, row)
    }
    return INVERSE_LINK[model.link](eta)
  })
}

function numericField(record: Readonly<Record<string, unknown>>, field: string, row: number): number {
  const value = record[field]
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new Error(`record ${row}: numeric field '${field}' is ${value === undefined ? 'missing' : `not a number (${JSON.stringify(value)})`}`)
  }
  return number
}
