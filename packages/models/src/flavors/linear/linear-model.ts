import type { ColumnTable, ModelInput } from '../../table.ts'
import { badInput, columnOf, toColumnTable } from '../../table.ts'
import type { LinearModelData, LinkFunction } from './linear-data.ts'
import { validateLinearModelData } from './linear-data.ts'

const INVERSE_LINK: Readonly<Record<LinkFunction, (eta: number) => number>> = {
  identity: (eta) => eta,
  logit: (eta) => 1 / (1 + Math.exp(-eta)),
  log: (eta) => Math.exp(eta),
}

export interface LinearPredictOptions {
  /** Fields that may be missing (the signature marks them optional); they then contribute nothing. */
  readonly optional?: ReadonlySet<string>
}

/** A categorical value's text: numbers in decimal, so 43, 43.0 and "43" are one category. */
function categoryText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  return undefined
}

function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value)
    return Number.isFinite(number) ? number : undefined
  }
  return undefined
}

/**
 * An `orchard.linear` model ready to score: prediction = inverse_link(intercept + Σ coefficient_i · x_i),
 * with x from a DictVectorizer over each record (or the input columns named by feature_names).
 * Works column by column over the whole batch: one map lookup per categorical cell, one multiply
 * per numeric cell.
 *
 * @example
 * const model = new LinearModel({ intercept: 1, coefficients: [2], feature_names: ['x'] })
 * model.predict([{ x: 3 }]) // [7]
 */
export class LinearModel {
  readonly data: LinearModelData
  private readonly index: ReadonlyMap<string, number>
  private readonly inverseLink: (eta: number) => number

  constructor(data: LinearModelData | unknown) {
    this.data = validateLinearModelData(data)
    this.index = new Map(this.data.feature_names.map((name, i) => [name, i]))
    this.inverseLink = INVERSE_LINK[this.data.link ?? 'identity']
  }

  /** The output column's name, when model.json names one. */
  get target(): string | undefined {
    return this.data.target
  }

  /** One prediction per row of `input` (records, columns or a table). */
  predict(input: ModelInput, options: LinearPredictOptions = {}): number[] {
    const table = toColumnTable(input)
    const eta = new Float64Array(table.rowCount).fill(this.data.intercept)
    if (this.data.vectorizer) this.addVectorized(table, eta, options.optional)
    else this.addDense(table, eta, options.optional)
    const out = new Array<number>(table.rowCount)
    for (let r = 0; r < eta.length; r++) out[r] = this.inverseLink(eta[r]!)
    return out
  }

  private addNumeric(field: string, coefficient: number, values: readonly unknown[] | undefined, eta: Float64Array, optional?: ReadonlySet<string>): void {
    if (values === undefined) {
      if (optional?.has(field)) return
      throw badInput(`Missing numeric field '${field}': the model needs it in every record.`)
    }
    for (let r = 0; r < eta.length; r++) {
      const raw = values[r]
      const value = numericValue(raw)
      if (value === undefined) {
        if ((raw === null || raw === undefined) && optional?.has(field)) continue
        throw badInput(
          raw === null || raw === undefined
            ? `Missing value for numeric field '${field}' in row ${r}.`
            : `Field '${field}' must be a number; row ${r} has ${JSON.stringify(raw)}.`,
        )
      }
      eta[r]! += coefficient * value
    }
  }

  private addDense(table: ColumnTable, eta: Float64Array, optional?: ReadonlySet<string>): void {
    const { feature_names: names, coefficients } = this.data
    for (let i = 0; i < names.length; i++) this.addNumeric(names[i]!, coefficients[i]!, columnOf(table, names[i]!), eta, optional)
  }

  private addVectorized(table: ColumnTable, eta: Float64Array, optional?: ReadonlySet<string>): void {
    const vectorizer = this.data.vectorizer!
    const { coefficients } = this.data
    const fields = new Map<string, readonly unknown[]>(table.names.map((name, i) => [name, table.columns[i]!]))
    for (const derived of vectorizer.derived ?? []) {
      const parts = derived.concat.map((name) => fields.get(name))
      const values = new Array<string | null>(table.rowCount)
      for (let r = 0; r < table.rowCount; r++) {
        const texts = parts.map((column) => categoryText(column?.[r]))
        // A derived category with a missing part is itself missing: it contributes nothing.
        values[r] = texts.every((t) => t !== undefined) ? texts.join(derived.separator ?? '') : null
      }
      fields.set(derived.name, values)
    }
    for (const field of vectorizer.categorical ?? []) {
      const values = fields.get(field)
      if (values === undefined) continue
      const prefix = `${field}=`
      for (let r = 0; r < table.rowCount; r++) {
        const text = categoryText(values[r])
        if (text === undefined) continue
        const i = this.index.get(prefix + text)
        if (i !== undefined) eta[r]! += coefficients[i]!
      }
    }
    for (const field of vectorizer.numeric ?? []) {
      const i = this.index.get(field)
      // A numeric field absent from the vocabulary had no training values: DictVectorizer drops it.
      if (i === undefined) continue
      this.addNumeric(field, coefficients[i]!, fields.get(field), eta, optional)
    }
  }
}
