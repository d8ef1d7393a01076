import type { FlagSpec } from './command.ts'
import { UsageError } from './command.ts'

// Flags shared by the `orchard models` commands, and the checks that give a usage error (exit 2)
// before any store or server is touched.

export const nameFlag = {
  type: 'string',
  placeholder: 'name',
  description: 'The registered model',
  required: true,
} as const satisfies FlagSpec

export const versionFlag = {
  type: 'string',
  placeholder: 'n',
  description: 'The model version number',
  required: true,
} as const satisfies FlagSpec

const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const

/** A stage in any case, as MLflow accepts it, to its canonical spelling. */
export function parseStage(flag: string, value: string): string {
  const stage = STAGES.find((s) => s.toLowerCase() === value.toLowerCase())
  if (!stage) throw new UsageError(`--${flag} must be one of ${STAGES.join(', ')}, got '${value}'`)
  return stage
}

/** A version number as the registry numbers them: 1, 2, 3… */
export function parseVersion(flag: string, value: string): string {
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${flag} must be a version number such as 3, got '${value}'`)
  }
  return value
}

/**
 * `name = '<name>'` as MLflow's filter grammar reads it. Its strings have no escapes, so a name with
 * a single quote is put in double quotes; one with both kinds cannot be written as a filter.
 */
export function nameFilter(name: string): string {
  if (!name.includes("'")) return `name = '${name}'`
  if (!name.includes('"')) return `name = "${name}"`
  throw new UsageError(`the name ${name} has both kinds of quotes and cannot be searched for; use --filter`)
}
