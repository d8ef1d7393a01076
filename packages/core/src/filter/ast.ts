// The search-filter AST. Text is parsed once into this tree (parse-*.ts), then compiled to SQL with
// bound parameters by the store. MLflow's grammar is `clause AND clause …`; Orchard adds OR and
// parentheses with the usual precedence (AND binds tighter), so every MLflow filter keeps its meaning.

export type EntityType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN'

/**
 * Orchard's extension of the runs/search grammar: `min(metrics.loss) < 0.2` compares an aggregate of
 * the run's whole history of a metric rather than its latest value. `avg` is accepted for `mean`.
 */
export type MetricAggregate = 'min' | 'max' | 'mean'
export const METRIC_AGGREGATES: readonly MetricAggregate[] = ['min', 'max', 'mean']

/**
 * One `<entity>.<key> <op> <value>` clause, already checked: the key is canonical (attribute aliases
 * such as `created` resolved to `start_time`, `run name` to `run_name`), the operator is allowed for
 * that entity and key, and the value has the right type — a number for metrics and numeric
 * attributes, a string for the rest, a list of strings for IN / NOT IN.
 */
export interface Comparison {
  readonly type: 'comparison'
  readonly entity: EntityType
  readonly key: string
  readonly operator: ComparisonOperator
  readonly value: string | number | readonly string[]
  /** Set only on a metric comparison written `min(metrics.k)`, `max(…)` or `mean(…)`. */
  readonly aggregate?: MetricAggregate
}

export interface And {
  readonly type: 'and'
  readonly children: readonly FilterNode[]
}

export interface Or {
  readonly type: 'or'
  readonly children: readonly FilterNode[]
}

export type FilterNode = Comparison | And | Or

/** One `order_by` term: `metrics.rmse DESC`, `params.lr`, `attributes.start_time ASC`, `name`. */
export interface OrderTerm {
  readonly entity: EntityType
  readonly key: string
  readonly ascending: boolean
  /** Orchard: `min(metrics.loss) ASC` orders by an aggregate of the metric's history. */
  readonly aggregate?: MetricAggregate
}

/** Canonical run attributes a filter or order_by may name. */
export const RUN_STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage'] as const
export const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const
/** Canonical dataset keys (`datasets.name`, `datasets.digest`, `datasets.context`). */
export const DATASET_KEYS = ['name', 'digest', 'context'] as const
/** Experiment attributes (experiments/search). */
export const EXPERIMENT_STRING_ATTRIBUTES = ['name'] as const
export const EXPERIMENT_NUMERIC_ATTRIBUTES = ['creation_time', 'last_update_time'] as const
