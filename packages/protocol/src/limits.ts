// MLflow's request limits (mlflow/utils/validation.py). Named here once; nobody types the numbers again.

export const MAX_ENTITY_KEY_LENGTH = 250
export const MAX_PARAM_VALUE_LENGTH = 6000
/** Run tags: 8000 in MLflow 3.x (5000 in 2.x); we accept the larger so both clients work. */
export const MAX_RUN_TAG_VALUE_LENGTH = 8000
export const MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000
export const MAX_EXPERIMENT_NAME_LENGTH = 500
export const MAX_RUN_NAME_LENGTH = 250

export const MAX_METRICS_PER_BATCH = 1000
export const MAX_PARAMS_PER_BATCH = 100
export const MAX_TAGS_PER_BATCH = 100
export const MAX_ENTITIES_PER_BATCH = 1000
/** log-batch bodies are capped at 1 MB by MLflow; we read the request with a little slack. */
export const MAX_BATCH_REQUEST_BYTES = 1_000_000
/** Any other JSON body. MLflow has no single number; 16 MB covers log-model and dataset schemas. */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024

export const MAX_DATASET_NAME_LENGTH = 500
export const MAX_DATASET_DIGEST_LENGTH = 36
export const MAX_DATASET_SOURCE_LENGTH = 65_535
export const MAX_DATASET_SCHEMA_LENGTH = 1_048_575
export const MAX_DATASET_PROFILE_LENGTH = 16_777_215
export const MAX_INPUT_TAG_KEY_LENGTH = 255
export const MAX_INPUT_TAG_VALUE_LENGTH = 500
export const MAX_DATASETS_PER_BATCH = 1000

export const SEARCH_RUNS_DEFAULT_MAX_RESULTS = 1000
export const SEARCH_RUNS_MAX_RESULTS = 50_000
export const SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS = 1000
export const SEARCH_EXPERIMENTS_MAX_RESULTS = 50_000
// MLflow's SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT; MLflow sets no upper bound, Orchard takes runs' bound.
export const SEARCH_LOGGED_MODELS_DEFAULT_MAX_RESULTS = 100
export const SEARCH_LOGGED_MODELS_MAX_RESULTS = 50_000
export const METRIC_HISTORY_BULK_MAX_RUNS = 100
export const METRIC_HISTORY_BULK_MAX_RESULTS = 25_000
export const METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS = 2500
export const METRIC_HISTORY_BULK_INTERVAL_DEFAULT_RESULTS = 320
export const SEARCH_DATASETS_MAX_EXPERIMENTS = 20

/** Run and experiment ids a client may send (MLflow's _RUN_ID_REGEX / _EXPERIMENT_ID_REGEX). */
export const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/
export const EXPERIMENT_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,63}$/
/** Metric, param and tag keys: word characters, `-`, `.`, `/`, `:` and space (MLflow off Windows). */
export const ENTITY_KEY_PATTERN = /^[/\w.\- :]*$/
/**
 * Orchard's get-history-buckets: a chart asks for about one bucket per pixel of its width; 5,000 buckets
 * covers a 4K screen, and the default suits a 1,000 px chart.
 */
export const METRIC_HISTORY_BUCKETS_DEFAULT = 1000
export const METRIC_HISTORY_BUCKETS_MAX = 5000

// Bounds on the work one request may ask for, checked before any SQL runs. MLflow has none of
// these; each is far above what its clients and UI send and far below what strains a database:
// PostgreSQL planned 200 AND-ed terms for 20 s, SQLite refuses a join of 64 tables (each later
// order_by key is one), and a 10,000-deep JSON array exhausted a recursive validator.
/** Comparisons in one search filter (runs, experiments, logged models, registry). */
export const MAX_FILTER_TERMS = 100
/** Characters in one filter: room for an IN list of 5,000 run ids. */
export const MAX_FILTER_LENGTH = 250_000
/** Keys in one order_by list. */
export const MAX_ORDER_BY_KEYS = 20
/** A GET request's query string, in bytes as sent (1,000 repeated run_ids take about 40 KB). */
export const MAX_QUERY_STRING_BYTES = 100_000
/** Nesting of arrays and objects in a JSON body. */
export const MAX_JSON_DEPTH = 64
/** One segment of an artifact path: the limit of file names on every common file system. */
export const MAX_ARTIFACT_PATH_SEGMENT_BYTES = 255
/** A whole artifact path: S3's limit on object keys, well inside every file system's path limit. */
export const MAX_ARTIFACT_PATH_BYTES = 1024

/**
 * How much work a server process takes on at once (`orchard server --max-concurrent-requests`,
 * `--max-queued-requests`, `--request-timeout`): API requests beyond `maxConcurrent` wait in a queue
 * of at most `maxQueued`; past that, or after `queueTimeoutMs` in it, and for a request unanswered
 * after `requestTimeoutMs`, the answer is 503 TEMPORARILY_UNAVAILABLE with Retry-After.
 */
export interface LoadLimits {
  readonly maxConcurrent: number
  readonly maxQueued: number
  readonly queueTimeoutMs: number
  readonly requestTimeoutMs: number
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxConcurrent: 64,
  maxQueued: 1024,
  // As long as a request may wait for a pooled PostgreSQL connection.
  queueTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
}

/** Runs one orchard/runs/move request may move: the authorizer checks at most this many ids. */
export const MAX_RUNS_PER_MOVE = 1000

// The registry's limits (mlflow/utils/validation.py and mlflow/store/model_registry/__init__.py).
export const MAX_MODEL_REGISTRY_TAG_KEY_LENGTH = 250
export const MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH = 100_000
export const MAX_REGISTERED_MODEL_ALIAS_LENGTH = 255
/**
 * The width of MLflow's `registered_models.name` column (VARCHAR(256)). MLflow on SQLite does not
 * enforce it, but on PostgreSQL a name much longer than that overflows the index on names.
 */
export const MAX_REGISTERED_MODEL_NAME_LENGTH = 256
export const SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS = 100
export const SEARCH_REGISTERED_MODELS_MAX_RESULTS = 1000
/** The proto's default: what a REST call without max_results gets (the Python client always sends 10,000). */
export const SEARCH_MODEL_VERSIONS_DEFAULT_MAX_RESULTS = 200_000
export const SEARCH_MODEL_VERSIONS_MAX_RESULTS = 200_000
export const REGISTRY_EVENTS_DEFAULT_MAX_RESULTS = 100
export const REGISTRY_EVENTS_MAX_RESULTS = 1000

// Webhooks (mlflow/protos/webhooks.proto and its columns).
export const WEBHOOKS_DEFAULT_MAX_RESULTS = 100
export const WEBHOOKS_MAX_RESULTS = 1000
export const WEBHOOK_DELIVERIES_DEFAULT_MAX_RESULTS = 100
export const WEBHOOK_DELIVERIES_MAX_RESULTS = 1000
/** MLflow's webhooks.description and webhooks.url column widths. */
export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 1000
export const MAX_WEBHOOK_URL_LENGTH = 500
export const MAX_WEBHOOK_SECRET_LENGTH = 1000

// The audit trail of sign-ins and access changes, and personal access tokens.
export const AUTH_EVENTS_DEFAULT_MAX_RESULTS = 100
export const AUTH_EVENTS_MAX_RESULTS = 1000

/** Expiry bound of a personal access token, in days: a token is a password that never changes. */
export const MAX_ACCESS_TOKEN_DAYS = 3650

/**
 * Where the artifact proxy's files live, under `/api/2.0` (mlflow_artifacts.proto). The route table
 * builds its artifact routes from it; clients that only need the proxy's URL read it here.
 */
export const ARTIFACT_PROXY_PATH = '/mlflow-artifacts/artifacts'
