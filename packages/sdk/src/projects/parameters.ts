import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_ENTITY_KEY_LENGTH, MAX_PARAM_VALUE_LENGTH, MAX_PARAMS_PER_BATCH } from '@orchard/protocol/base'
import type { EntryPoint, ParameterSpec } from './mlproject.ts'
import { ProjectError } from './project-error.ts'
import { shellQuote } from './shell-quote.ts'

/** The values an entry point runs with, each check done before anything runs. */
export interface ComputedParameters {
  /** Every declared parameter (given or defaulted) then every extra one, as given: what the run logs. */
  readonly logged: ReadonlyArray<readonly [string, string]>
  /** The command line: the template filled with quoted values, then `--key value` for extras. */
  readonly command: string
}

/** Where relative `path` values are resolved: a user's from their shell, a default from the project. */
export interface PathBases {
  readonly cwd: string
  readonly projectDirectory: string
}

// Names of undeclared parameters become `--name` on the command line, which MLflow does not quote;
// Orchard keeps them to characters that need no quoting so a name cannot smuggle shell syntax either.
const EXTRA_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const INT = /^[+-]?\d+$/
// Python's float(): decimal or exponent notation, inf, nan, with an optional sign.
const FLOAT = /^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf(inity)?|nan)$/i
// MLflow's data_utils.is_uri: anything urlparse finds a scheme in.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:/

/**
 * Parse `-P key=value` arguments as `mlflow run` does: split at the first `=`, refuse a repeated
 * name.
 */
export function parseParameterArguments(args: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {}
  for (const arg of args) {
    const index = arg.indexOf('=')
    if (index === -1) throw new ProjectError(`Invalid format for -P parameter: '${arg}'. Use -P name=value.`)
    const name = arg.slice(0, index)
    if (Object.hasOwn(parameters, name)) throw new ProjectError(`Repeated parameter: '${name}'`)
    parameters[name] = arg.slice(index + 1)
  }
  return parameters
}

function checkValue(spec: ParameterSpec, value: string, bases: PathBases, isDefault: boolean): string {
  switch (spec.type) {
    case 'int':
      if (!INT.test(value.trim())) throw new ProjectError(`Parameter ${spec.name} must be an int, but got '${value}'.`)
      return value
    case 'float':
      if (!FLOAT.test(value.trim())) throw new ProjectError(`Parameter ${spec.name} must be a float, but got '${value}'.`)
      return value
    case 'uri':
      if (!URI.test(value)) throw new ProjectError(`Expected URI for parameter ${spec.name} but got ${value}`)
      return value
    case 'path': {
      // A local path must exist and is passed absolute. MLflow downloads remote URIs here; Orchard
      // passes them through for the program to read.
      const scheme = URI.exec(value)?.[0]
      if (scheme && scheme.length > 2 && scheme.toLowerCase() !== 'file:') return value
      let local = value
      if (scheme) {
        try {
          local = fileURLToPath(value)
        } catch {
          throw new ProjectError(`Got value ${value} for parameter ${spec.name}, which is not a valid file: URI.`)
        }
      }
      const absolute = isAbsolute(local) ? local : resolve(isDefault ? bases.projectDirectory : bases.cwd, local)
      if (!existsSync(absolute)) {
        throw new ProjectError(`Got value ${value} for parameter ${spec.name}, but no such file or directory was found.`)
      }
      return absolute
    }
    case 'string':
      return value
  }
}

/** Fill `template` as Python's str.format(**values): `{name}` by value, `{{` and `}}` as braces. */
export function fillTemplate(template: string, values: ReadonlyMap<string, string>, entryPoint: string): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{'
    if (match === '}}') return '}'
    const value = values.get(name ?? '')
    if (value === undefined) {
      throw new ProjectError(`The command of entry point '${entryPoint}' uses {${name}}, which is not one of its parameters.`)
    }
    return value
  })
}

/**
 * Check `given` against the entry point's parameters and build the command, as MLflow's
 * EntryPoint.compute_command: missing values are named together, values are shell-quoted.
 */
export function computeParameters(entryPoint: EntryPoint, given: Readonly<Record<string, string>>, bases: PathBases): ComputedParameters {
  const names = Object.keys(given)
  if (names.length > MAX_PARAMS_PER_BATCH) throw new ProjectError(`Too many parameters: ${names.length}; at most ${MAX_PARAMS_PER_BATCH}.`)
  for (const name of names) {
    if (name.length > MAX_ENTITY_KEY_LENGTH) throw new ProjectError(`Parameter name '${name.slice(0, 40)}…' is longer than ${MAX_ENTITY_KEY_LENGTH} characters.`)
    const value = given[name] ?? ''
    if (value.length > MAX_PARAM_VALUE_LENGTH) throw new ProjectError(`The value of parameter ${name} is longer than ${MAX_PARAM_VALUE_LENGTH} characters.`)
  }
  const missing = entryPoint.parameters.filter((p) => !Object.hasOwn(given, p.name) && p.default === undefined)
  if (missing.length > 0) {
    throw new ProjectError(`No value given for missing parameters: ${missing.map((p) => `'${p.name}'`).join(', ')}`)
  }
  const logged: [string, string][] = []
  const quoted = new Map<string, string>()
  for (const spec of entryPoint.parameters) {
    const isDefault = !Object.hasOwn(given, spec.name)
    const value = isDefault ? (spec.default as string) : (given[spec.name] as string)
    quoted.set(spec.name, shellQuote(checkValue(spec, value, bases, isDefault)))
    logged.push([spec.name, value])
  }
  const extras: string[] = []
  for (const name of names) {
    if (quoted.has(name)) continue
    if (!EXTRA_NAME.test(name)) {
      throw new ProjectError(`Invalid parameter name '${name}': a parameter the entry point does not declare is passed as --${name}, so its name may hold only letters, digits, '_', '-' and '.'.`)
    }
    const value = given[name] as string
    logged.push([name, value])
    extras.push(`--${name} ${shellQuote(value)}`)
  }
  const command = [fillTemplate(entryPoint.command, quoted, entryPoint.name), ...extras].join(' ')
  return { logged, command }
}
