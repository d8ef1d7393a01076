import { parseArgs } from 'node:util'

/** A mistake in how the command was called: printed as one line with a pointer to --help, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** A failure the user can act on without a stack trace (port taken, …): `error: <message>`, exit 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError'
}

export interface FlagSpec {
  readonly type: 'string' | 'boolean'
  readonly description: string
  /** What --help shows as the default; a function when it depends on the cwd or the environment. */
  readonly default?: string | (() => string)
  /** The flag may be given several times; its value is then a list. */
  readonly multiple?: boolean
  /** The value's name in --help, e.g. `uri`. */
  readonly placeholder?: string
  /** The command cannot run without it; parsing fails with a UsageError naming it. */
  readonly required?: boolean
  /** A one-letter alias, e.g. `m` for `-m` (MLflow's `-m, --model-uri`). */
  readonly short?: string
  /**
   * The environment variable for this flag where MLflow names it otherwise than the command's prefix
   * does. A repeatable flag is read from the environment only when it names one: a comma-separated list.
   */
  readonly env?: string
}

interface PositionalSpec {
  readonly name: string
  readonly description: string
  /** May be left out (then it is the last positional). */
  readonly optional?: boolean
}

type FlagValue<F extends FlagSpec> = F['type'] extends 'boolean'
  ? boolean | undefined
  : F['multiple'] extends true
    ? string[] | undefined
    : F['required'] extends true
      ? string
      : string | undefined

type FlagValues<F extends Record<string, FlagSpec>> = { -readonly [K in keyof F]: FlagValue<F[K]> }

interface CommandInput<F extends Record<string, FlagSpec>> {
  readonly flags: FlagValues<F>
  readonly positionals: readonly string[]
  /** parseArgs tokens, for flags where the last of a pair wins (`--serve-artifacts`/`--no-…`). */
  readonly order: readonly string[]
}

export interface Command<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  readonly summary: string
  readonly description?: string
  readonly positionals?: readonly PositionalSpec[]
  readonly flags: F
  /**
   * Flags not given on the command line are read from environment variables named by this prefix
   * and the flag (`MLFLOW_` + `--backend-store-uri` → `MLFLOW_BACKEND_STORE_URI`), as click's
   * auto_envvar_prefix does for `mlflow server`. The command line wins.
   */
  readonly envPrefix?: string
  readonly example: string
  /** Resolves to the exit code (0 when omitted). */
  run(input: CommandInput<F>): Promise<number | void>
}

/** Typed flags for a command: `defineCommand({ flags: { port: { type: 'string', … } }, run({ flags }) {…} })`. */
export function defineCommand<const F extends Record<string, FlagSpec>>(command: Command<F>): Command<F> {
  return command
}

const HELP_FLAGS = new Set(['--help', '-h'])

/** True when `--help`/`-h` appears before any `--`; help wins over every other mistake on the line. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (HELP_FLAGS.has(arg)) return true
  }
  return false
}

/** Parse argv for `command`, turning every parseArgs complaint into a one-line UsageError. */
export function parseCommand<F extends Record<string, FlagSpec>>(command: Command<F>, argv: readonly string[]): CommandInput<F> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {}
  for (const [name, flag] of Object.entries(command.flags)) {
    options[name] = { type: flag.type, ...(flag.multiple ? { multiple: true } : {}), ...(flag.short ? { short: flag.short } : {}) }
  }
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true })
  } catch (error) {
    throw new UsageError(describeParseError(error, command))
  }
  const expected = command.positionals ?? []
  const extra = parsed.positionals[expected.length]
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument '${extra}'`)
  }
  const missing = expected[parsed.positionals.length]
  if (missing && !missing.optional) throw new UsageError(`missing <${missing.name}> (${missing.description})`)
  for (const [name, flag] of Object.entries(command.flags)) {
    const value = parsed.values[name]
    if (flag.required && value === undefined) throw new UsageError(`--${name} is required`)
    if (flag.type === 'string' && value !== undefined) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === '') throw new UsageError(`--${name} needs a non-empty value`)
      }
    }
  }
  const order = parsed.tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : []))
  const fromEnv = command.envPrefix ? flagsFromEnv(command, command.envPrefix, new Set(order)) : []
  for (const [name, value] of fromEnv) if (parsed.values[name] === undefined) parsed.values[name] = value
  return { flags: parsed.values as FlagValues<F>, positionals: parsed.positionals, order: [...fromEnv.map(([name]) => name), ...order] }
}

/** The environment variable that stands for `--name` under `prefix`. */
export const flagEnvName = (prefix: string, name: string) => `${prefix}${name.toUpperCase().replace(/-/g, '_')}`

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off'])

/** Values for the flags the command line left out, from their environment variables. */
function flagsFromEnv(command: Command, prefix: string, given: ReadonlySet<string>): [string, string | boolean | string[]][] {
  const found: [string, string | boolean | string[]][] = []
  for (const [name, flag] of Object.entries(command.flags)) {
    if (given.has(name) || name.startsWith('no-') || (flag.multiple && !flag.env)) continue
    const variable = flag.env ?? flagEnvName(prefix, name)
    const raw = process.env[variable]
    if (raw === undefined || raw === '') continue
    if (flag.multiple) {
      found.push([name, raw.split(',').map((item) => item.trim()).filter(Boolean)])
      continue
    }
    if (flag.type === 'string') {
      found.push([name, raw])
      continue
    }
    const word = raw.trim().toLowerCase()
    if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) throw new UsageError(`${variable}=${raw} is not a boolean; use true or false`)
    if (given.has(`no-${name}`)) continue
    // false means the --no- twin where there is one (MLFLOW_SERVE_ARTIFACTS=false → --no-serve-artifacts).
    if (TRUE_WORDS.has(word)) found.push([name, true])
    else if (command.flags[`no-${name}`]) found.push([`no-${name}`, true])
  }
  return found
}

function describeParseError(error: unknown, command: Command): string {
  const code = (error as { code?: string }).code
  const message = error instanceof Error ? error.message : String(error)
  const option = /'(-{1,2}[^' ]*)/.exec(message)?.[1] ?? ''
  const name = option.replace(/^-+/, '')
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = closestFlag(name, Object.keys(command.flags))
      return `unknown flag '${option}'${near ? ` (did you mean --${near}?)` : ''}`
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return command.flags[name]?.type === 'boolean'
        ? `--${name} takes no value`
        : `--${name} needs a value, e.g. --${name} <${command.flags[name]?.placeholder ?? 'value'}>`
    default:
      return message.split('\n')[0] ?? message
  }
}

function closestFlag(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The text of `orchard <path> --help`: usage, every flag with its default, one example. */
export function renderHelp(path: string, command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => (p.optional ? ` [<${p.name}>]` : ` <${p.name}>`)).join('')
  const lines = [`Usage: orchard ${path}${positionals} [flags]`, '', command.summary]
  if (command.description) lines.push('', command.description)
  if (command.positionals?.length) {
    lines.push('', 'Arguments:')
    const width = Math.max(...command.positionals.map((p) => p.name.length + 2))
    for (const p of command.positionals) lines.push(`  ${`<${p.name}>`.padEnd(width)}  ${p.description}`)
  }
  const rows: [string, string][] = Object.entries(command.flags).map(([name, flag]) => {
    const long = flag.type === 'boolean' ? `--${name}` : `--${name} <${flag.placeholder ?? 'value'}>`
    const left = flag.short ? `-${flag.short}, ${long}` : long
    const fallback = typeof flag.default === 'function' ? flag.default() : flag.default
    const repeat = flag.multiple ? ' (repeatable)' : ''
    const note = flag.required ? 'required' : `default: ${fallback ?? (flag.type === 'boolean' ? 'off' : 'none')}`
    const env = command.envPrefix && !name.startsWith('no-') && (!flag.multiple || flag.env) ? `; env: ${flag.env ?? flagEnvName(command.envPrefix, name)}` : ''
    return [left, `${flag.description}${repeat} (${note}${env})`]
  })
  rows.push(['-h, --help', 'Show this help'])
  const width = Math.max(...rows.map(([left]) => left.length))
  lines.push('', 'Flags:', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`))
  lines.push('', 'Example:', `  ${command.example}`)
  return `${lines.join('\n')}\n`
}
