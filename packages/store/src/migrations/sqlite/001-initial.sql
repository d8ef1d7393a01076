-- Orchard tracking schema, version 1: experiments, runs, params, tags, metrics, datasets.
-- Runs carry an integer run_key (their insertion order): child tables reference it instead of the
-- 32-character run id, which keeps metric rows and indexes small, and search page tokens use it as
-- a watermark.

CREATE TABLE experiments (
  experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL,
  deleted_time INTEGER
);

CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
);

CREATE TABLE runs (
  run_key INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL UNIQUE,
  experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time INTEGER,
  end_time INTEGER,
  artifact_uri TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  deleted_time INTEGER
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time);

CREATE TABLE params (
  run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_key, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key_value ON params (key, value);

CREATE TABLE tags (
  run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_key, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key_value ON tags (key, value);

-- Full history. NaN is stored as value 0 with is_nan = 1 (SQLite turns a bound NaN into NULL);
-- ±Infinity are stored as themselves. Identical points collapse on the primary key.
-- No foreign key here: checking it costs ~15% of ingest, and garbage collection deletes these rows itself.
CREATE TABLE metrics (
  run_key INTEGER NOT NULL,
  key TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL,
  PRIMARY KEY (run_key, key, timestamp, step, value, is_nan)
) WITHOUT ROWID;

-- The point each run's search and getRun report per key: greatest (step, timestamp, value), as MLflow.
CREATE TABLE latest_metrics (
  run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL,
  is_nan INTEGER NOT NULL,
  PRIMARY KEY (run_key, key)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_key_value ON latest_metrics (key, value);

CREATE TABLE datasets (
  dataset_key INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  source_type TEXT NOT NULL,
  source TEXT NOT NULL,
  schema TEXT,
  profile TEXT,
  UNIQUE (experiment_id, name, digest)
);

CREATE TABLE run_inputs (
  input_key INTEGER PRIMARY KEY AUTOINCREMENT,
  run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
  dataset_key INTEGER NOT NULL REFERENCES datasets (dataset_key) ON DELETE CASCADE,
  UNIQUE (run_key, dataset_key)
);
CREATE INDEX run_inputs_by_dataset ON run_inputs (dataset_key);

CREATE TABLE run_input_tags (
  input_key INTEGER NOT NULL REFERENCES run_inputs (input_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (input_key, key)
);
