-- Version 2: MLflow 3 logged models, with their tags, params and metrics.

CREATE TABLE logged_models (
  model_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id text NOT NULL UNIQUE,
  experiment_id integer NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  name text NOT NULL,
  artifact_uri text NOT NULL,
  creation_time bigint NOT NULL,
  last_update_time bigint NOT NULL,
  status text NOT NULL,
  status_message text,
  creator_id text,
  model_type text,
  source_run_id text,
  lifecycle_stage text NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  deleted_time bigint
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_time);

CREATE TABLE logged_model_tags (
  model_key bigint NOT NULL REFERENCES logged_models (model_key) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (model_key, key)
);

CREATE TABLE logged_model_params (
  model_key bigint NOT NULL REFERENCES logged_models (model_key) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (model_key, key)
);

-- Metrics a model was evaluated with, optionally on a dataset (NaN stored as in `metrics`).
CREATE TABLE logged_model_metrics (
  model_key bigint NOT NULL REFERENCES logged_models (model_key) ON DELETE CASCADE,
  key text NOT NULL,
  timestamp bigint NOT NULL,
  step bigint NOT NULL,
  value double precision NOT NULL,
  is_nan smallint NOT NULL,
  run_id text NOT NULL DEFAULT '',
  dataset_name text NOT NULL DEFAULT '',
  dataset_digest text NOT NULL DEFAULT '',
  PRIMARY KEY (model_key, key, timestamp, step, run_id, dataset_name, dataset_digest)
);
