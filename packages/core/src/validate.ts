import {
  ENTITY_KEY_PATTERN,
  EXPERIMENT_ID_PATTERN,
  MAX_ENTITIES_PER_BATCH,
  MAX_ENTITY_KEY_LENGTH,
  MAX_EXPERIMENT_NAME_LENGTH,
  MAX_EXPERIMENT_TAG_VALUE_LENGTH,
  MAX_METRICS_PER_BATCH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_PARAMS_PER_BATCH,
  MAX_RUN_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_BATCH,
  RUN_ID_PATTERN,
  invalidParameter,
} from '@orchard/protocol/base'
import type { Metric, Param, Tag } from './types.ts'

// Domain rules on user input that need no stored data: key names, value lengths, batch sizes, ids.
// The server applies them to every request and the embedded SDK to every call, so both transports
// reject the same input with the same words (MLflow's, from mlflow/utils/validation.py).

const KEY_CHARACTERS_HINT =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).'

const at = (path: string, field: string) => (path ? `${path}.${field}` : field)

function normalizePosix(name: string): string {
  const absolute = name.startsWith('/')
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop()
    else if (part === '..' && absolute) continue
    else parts.push(part)
  }
  const joined = parts.join('/')
  return absolute ? `/${joined}` : joined || '.'
}

/**
 * Metric, param and tag keys become file names in some stores, so MLflow refuses keys that would
 * resolve to another name: `a/../b`, `./a`, `/a`, `.`, `a//b`.
 */
export function validateKey(kind: 'Metric' | 'Param' | 'Tag', key: string, path: string): void {
  if (!ENTITY_KEY_PATTERN.test(key)) {
    throw invalidParameter(`Invalid value ${JSON.stringify(key)} for parameter '${path}' supplied: ${KEY_CHARACTERS_HINT}`)
  }
  const normal = normalizePosix(key)
  if (normal !== key || normal === '.' || normal.startsWith('..') || normal.startsWith('/')) {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(key)} for parameter '${path}' supplied: names must not resolve to other names when treated as file paths; this one would resolve to '${normal}'.`,
    )
  }
  if (key.length > MAX_ENTITY_KEY_LENGTH) {
    throw invalidParameter(`${kind} name '${path}' exceeds the maximum length of ${MAX_ENTITY_KEY_LENGTH} characters`)
  }
}

function validateLength(what: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw invalidParameter(`${what} exceeds the maximum length of ${limit} characters (got ${value.length}).`)
  }
}

export function validateMetric(metric: Metric, path = ''): void {
  validateKey('Metric', metric.key, at(path, 'key'))
  validateMetricValue(metric, () => path)
}

/** `path` is built only for a message: a 1,000-point batch would otherwise build 1,000 strings. */
function validateMetricValue(metric: Metric, path: () => string): void {
  if (typeof metric.value !== 'number') {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(metric.value)} for parameter '${at(path(), 'value')}' supplied: metric '${metric.key}' must have a double value.`,
    )
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    throw invalidParameter(
      `Invalid value ${metric.timestamp} for parameter '${at(path(), 'timestamp')}' supplied: metric '${metric.key}': timestamp must be a nonnegative integer (milliseconds since the epoch).`,
    )
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw invalidParameter(
      `Invalid value ${metric.step} for parameter '${at(path(), 'step')}' supplied: metric '${metric.key}': step must be an integer.`,
    )
  }
}

export function validateParam(param: Param, path = ''): void {
  validateKey('Param', param.key, at(path, 'key'))
  validateLength(`Param value of '${param.key}'`, param.value, MAX_PARAM_VALUE_LENGTH)
}

export function validateRunTag(tag: Tag, path = ''): void {
  validateKey('Tag', tag.key, at(path, 'key'))
  validateLength(`Tag value of '${tag.key}'`, tag.value, MAX_RUN_TAG_VALUE_LENGTH)
}

export function validateExperimentTag(tag: Tag, path = ''): void {
  validateKey('Tag', tag.key, at(path, 'key'))
  validateLength(`Experiment tag value of '${tag.key}'`, tag.value, MAX_EXPERIMENT_TAG_VALUE_LENGTH)
}

function validateBatchLimit(what: string, limit: number, count: number): void {
  if (count > limit) {
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
    )
  }
}

/** MLflow's log-batch rules: sizes, every entry's key and value, no param key twice with different values. */
export function validateBatch(batch: { metrics: readonly Metric[]; params: readonly Param[]; tags: readonly Tag[] }): void {
  validateBatchLimit('metrics', MAX_METRICS_PER_BATCH, batch.metrics.length)
  validateBatchLimit('params', MAX_PARAMS_PER_BATCH, batch.params.length)
  validateBatchLimit('tags', MAX_TAGS_PER_BATCH, batch.tags.length)
  validateBatchLimit(
    'metrics, params, and tags',
    MAX_ENTITIES_PER_BATCH,
    batch.metrics.length + batch.params.length + batch.tags.length,
  )
  // A batch of 1000 points usually repeats a handful of keys: check each distinct key once.
  const checkedKeys = new Set<string>()
  batch.metrics.forEach((m, i) => {
    const path = () => `metrics[${i}]`
    if (!checkedKeys.has(m.key)) {
      validateKey('Metric', m.key, at(path(), 'key'))
      checkedKeys.add(m.key)
    }
    validateMetricValue(m, path)
  })
  const seen = new Map<string, string>()
  const duplicates = new Set<string>()
  batch.params.forEach((p, i) => {
    validateParam(p, `params[${i}]`)
    const earlier = seen.get(p.key)
    if (earlier !== undefined && earlier !== p.value) duplicates.add(p.key)
    seen.set(p.key, p.value)
  })
  if (duplicates.size) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted with different values: ${[...duplicates].map((k) => `'${k}'`).join(', ')}. Please ensure the request contains each param key once.`,
    )
  }
  batch.tags.forEach((t, i) => validateRunTag(t, `tags[${i}]`))
}

export function validateExperimentName(name: string): void {
  if (name.trim() === '') throw invalidParameter(`Invalid experiment name: '${name}'. It must not be empty.`)
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw invalidParameter(`Experiment name exceeds the maximum length of ${MAX_EXPERIMENT_NAME_LENGTH} characters (got ${name.length}).`)
  }
}

export function validateRunId(runId: string, path = 'run_id'): void {
  if (!RUN_ID_PATTERN.test(runId)) throw invalidParameter(`Invalid value ${JSON.stringify(runId)} for parameter '${path}' supplied.`)
}

export function validateExperimentId(experimentId: string): void {
  if (!EXPERIMENT_ID_PATTERN.test(experimentId)) throw invalidParameter(`Invalid experiment ID: '${experimentId}'`)
}
