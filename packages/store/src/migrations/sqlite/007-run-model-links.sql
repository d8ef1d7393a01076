-- Version 7: MLflow 3 links between runs and logged models. A run's model inputs (runs/log-inputs
-- `models`) and outputs (runs/outputs, with the step the model was logged at). As in MLflow, the
-- model is named by its id and need not exist on this server.

CREATE TABLE run_model_links (
  link_key INTEGER PRIMARY KEY AUTOINCREMENT,
  run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
  model_id TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX run_model_links_by_run ON run_model_links (run_key);
