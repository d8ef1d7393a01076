import { invalidParameter } from '@orchard/protocol/base'

/** The GLM inverse link applied to the linear predictor. */
export type LinkFunction = 'identity' | 'logit' | 'log'

/** A field built from others before vectorizing, e.g. PU_DO = PULocationID + "_" + DOLocationID. */
export interface DerivedField {
  readonly name: string
  readonly concat: readonly string[]
  readonly separator?: string
}

/** sklearn's DictVectorizer over a record: one-hot categorical fields, numeric fields as themselves. */
export interface DictVectorizerSpec {
  readonly kind: 'dict'
  readonly derived?: readonly DerivedField[]
  readonly categorical?: readonly string[]
  readonly numeric?: readonly string[]
  /** Categories missing from `feature_names` contribute nothing (the only policy, as DictVectorizer). */
  readonly unknown?: 'ignore'
}

/** The `model.json` of an `orchard.linear` model (format_version 1), field names as on disk. */
export interface LinearModelData {
  readonly format_version?: 1
  readonly link?: LinkFunction
  readonly intercept: number
  readonly coefficients: readonly number[]
  readonly feature_names: readonly string[]
  readonly vectorizer?: DictVectorizerSpec
  /** The name of the output column. */
  readonly target?: string
  readonly metadata?: Readonly<Record<string, unknown>>
}

const LINKS: readonly LinkFunction[] = ['identity', 'logit', 'log']

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string')

/**
 * Check `model.json` (written by user code, so a boundary) and return it typed. Every message names
 * the field to fix.
 */
export function validateLinearModelData(data: unknown, where = 'model.json'): LinearModelData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalidParameter(`${where} must be a JSON object.`)
  const d = data as Record<string, unknown>
  if (d.format_version !== undefined && d.format_version !== 1) {
    throw invalidParameter(`${where} has format_version ${JSON.stringify(d.format_version)}; this Orchard reads format_version 1.`)
  }
  if (d.link !== undefined && !LINKS.includes(d.link as LinkFunction)) {
    throw invalidParameter(`${where} 'link' is ${JSON.stringify(d.link)}; expected one of ${LINKS.join(', ')}.`)
  }
  if (typeof d.intercept !== 'number' || !Number.isFinite(d.intercept)) throw invalidParameter(`${where} 'intercept' must be a finite number.`)
  if (!Array.isArray(d.coefficients) || !d.coefficients.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    throw invalidParameter(`${where} 'coefficients' must be a list of finite numbers.`)
  }
  if (!isStringList(d.feature_names)) throw invalidParameter(`${where} 'feature_names' must be a list of strings.`)
  if (d.feature_names.length !== d.coefficients.length) {
    throw invalidParameter(`${where} has ${d.coefficients.length} coefficients but ${d.feature_names.length} feature_names; they pair up one to one.`)
  }
  if (new Set(d.feature_names).size !== d.feature_names.length) throw invalidParameter(`${where} 'feature_names' lists a name twice.`)
  if (d.target !== undefined && typeof d.target !== 'string') throw invalidParameter(`${where} 'target' must be a string.`)
  if (d.vectorizer !== undefined) validateVectorizer(d.vectorizer, `${where} 'vectorizer'`)
  return d as unknown as LinearModelData
}

function validateVectorizer(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter(`${where} must be an object.`)
  const v = value as Record<string, unknown>
  if (v.kind !== 'dict') throw invalidParameter(`${where} 'kind' is ${JSON.stringify(v.kind)}; the only kind is "dict".`)
  if (v.unknown !== undefined && v.unknown !== 'ignore') throw invalidParameter(`${where} 'unknown' must be "ignore".`)
  for (const key of ['categorical', 'numeric'] as const) {
    if (v[key] !== undefined && !isStringList(v[key])) throw invalidParameter(`${where} '${key}' must be a list of field names.`)
  }
  if (v.derived !== undefined) {
    if (!Array.isArray(v.derived)) throw invalidParameter(`${where} 'derived' must be a list.`)
    v.derived.forEach((field: Record<string, unknown> | null, i) => {
      if (typeof field?.name !== 'string' || !isStringList(field.concat) || field.concat.length === 0) {
        throw invalidParameter(`${where} 'derived[${i}]' needs a 'name' and a non-empty 'concat' list of field names.`)
      }
      if (field.separator !== undefined && typeof field.separator !== 'string') throw invalidParameter(`${where} 'derived[${i}].separator' must be a string.`)
    })
  }
}
