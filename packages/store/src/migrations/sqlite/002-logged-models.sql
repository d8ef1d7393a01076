-- Version 2: MLflow 3 logged models, with their tags, params and metrics.

CREATE TABLE logged_models (
  model_key INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id TEXT NOT NULL UNIQUE,
  experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  artifact_uri TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  creator_id TEXT,
  model_type TEXT,
  source_run_id TEXT,
  lifecycle_stage TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  deleted_time INTEGER
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_time);

CREATE TABLE logged_model_tags (
  model_key INTEGER NOT NULL REFERENCES logged_models (model_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE logged_model_params (
  model_key INTEGER NOT NULL REFERENCES logged_models (model_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

-- Metrics a model was evaluated with, optionally on a dataset (NaN stored as in `metrics`).
CREATE TABLE logged_model_metrics (
  model_key INTEGER NOT NULL REFERENCES logged_models (model_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL,
  run_id TEXT NOT NULL DEFAULT '',
  dataset_name TEXT NOT NULL DEFAULT '',
  dataset_digest TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (model_key, key, timestamp, step, run_id, dataset_name, dataset_digest)
) WITHOUT ROWID;
