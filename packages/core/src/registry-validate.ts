import {
  MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH,
  MAX_REGISTERED_MODEL_ALIAS_LENGTH,
  invalidParameter,
} from '@orchard/protocol/base'
import { MODEL_VERSION_STAGES } from './registry-types.ts'
import type { ModelVersionStage } from './registry-types.ts'
import type { Tag } from './types.ts'
import { validateKey } from './validate.ts'

// Registry input rules that need no stored data, in MLflow's words (mlflow/utils/validation.py,
// mlflow/entities/model_registry/model_version_stages.py).

const CANONICAL_STAGES = new Map(MODEL_VERSION_STAGES.map((stage) => [stage.toLowerCase(), stage]))

/** A stage as written by the user, any case, to its canonical spelling ("production" → "Production"). */
export function canonicalStage(stage: string): ModelVersionStage {
  const canonical = CANONICAL_STAGES.get(stage.toLowerCase())
  if (!canonical) {
    throw invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`)
  }
  return canonical
}

const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/

/** A version number as Python's int() reads it ("3", " 3", "+3"); anything else is refused. */
export function parseModelVersion(version: string): number {
  if (!INTEGER_TEXT.test(version)) throw invalidParameter(`Parameter 'version' must be an integer, got '${version}'.`)
  const number = Number(version)
  // Versions are stored as 64-bit integers and counted from 1; past 2^53 a double no longer holds
  // the number the user wrote.
  if (!Number.isSafeInteger(number)) throw invalidParameter(`Parameter 'version' must be an integer between 1 and ${Number.MAX_SAFE_INTEGER}, got '${version}'.`)
  return number
}

// Python's \w is Unicode-aware; so is this.
const ALIAS_PATTERN = /^[\p{L}\p{N}_-]*$/u
// MLflow reserves `v<digits>`; Orchard also reserves plain digits, which read as a version number.
const VERSION_LIKE_ALIAS = /^[vV]?\d+$/
export const LATEST_ALIAS = 'latest'

/** Characters and length of an alias name (any alias operation). */
export function validateAliasName(alias: string): void {
  if (alias === '') throw invalidParameter('Registered model alias name cannot be empty.')
  if (!ALIAS_PATTERN.test(alias)) {
    throw invalidParameter(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`)
  }
  if (alias.length > MAX_REGISTERED_MODEL_ALIAS_LENGTH) {
    throw invalidParameter(`'Registered model alias name' exceeds the maximum length of ${MAX_REGISTERED_MODEL_ALIAS_LENGTH} characters`)
  }
}

/** Names an alias may not be set to: `latest` (any case) and names that look like versions. */
export function validateAliasNotReserved(alias: string): void {
  if (alias.toLowerCase() === LATEST_ALIAS) throw invalidParameter("'latest' alias name (case insensitive) is reserved.")
  if (VERSION_LIKE_ALIAS.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`)
}

/** Registered model and model version tags: a tag key as for runs, values up to 100,000 characters. */
export function validateRegistryTag(tag: Tag, path = ''): void {
  validateKey('Tag', tag.key, path ? `${path}.key` : 'key')
  if (tag.value.length > MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH) {
    throw invalidParameter(`'value' exceeds the maximum length of ${MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH} characters`)
  }
}

/**
 * MLflow refuses sources with relative path segments (`..`), even percent-encoded, so a version
 * cannot point the server's artifact proxy outside the location it names.
 */
export function validateModelVersionSource(source: string): void {
  let decoded = source
  for (let next = safeDecode(decoded); next !== decoded; next = safeDecode(decoded)) decoded = next
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) {
    throw invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
    )
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}
