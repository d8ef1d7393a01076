-- Version 4: the model registry (MLflow 2.x): registered models, their versions, tags and aliases,
-- and an append-only audit trail of every change.
-- Models carry an integer registered_model_id so that a rename touches one row. next_version is the
-- model's version counter: it only grows, so a deleted version's number is never handed out again,
-- and taking it is one UPDATE that serialises concurrent creates on the model's row.

CREATE TABLE registered_models (
  registered_model_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  user_id TEXT,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  next_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE registered_model_tags (
  registered_model_id INTEGER NOT NULL REFERENCES registered_models (registered_model_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (registered_model_id, key)
);

CREATE TABLE model_versions (
  registered_model_id INTEGER NOT NULL REFERENCES registered_models (registered_model_id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  description TEXT,
  user_id TEXT,
  current_stage TEXT NOT NULL CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
  source TEXT NOT NULL,
  run_id TEXT,
  run_link TEXT,
  status_message TEXT,
  PRIMARY KEY (registered_model_id, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
  registered_model_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (registered_model_id, version, key),
  FOREIGN KEY (registered_model_id, version) REFERENCES model_versions (registered_model_id, version) ON DELETE CASCADE
);

CREATE TABLE registered_model_aliases (
  registered_model_id INTEGER NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (registered_model_id, alias),
  FOREIGN KEY (registered_model_id, version) REFERENCES model_versions (registered_model_id, version) ON DELETE CASCADE
);

-- No foreign key: events outlive the model they describe. name is the model's name at the time.
CREATE TABLE registry_events (
  event_id INTEGER PRIMARY KEY AUTOINCREMENT,
  registered_model_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  version INTEGER,
  entity_type TEXT NOT NULL,
  action TEXT NOT NULL,
  key TEXT,
  from_value TEXT,
  to_value TEXT,
  comment TEXT,
  user_id TEXT,
  timestamp INTEGER NOT NULL
);
CREATE INDEX registry_events_by_model ON registry_events (registered_model_id, event_id);
CREATE INDEX registry_events_by_name ON registry_events (name, event_id);
