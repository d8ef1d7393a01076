-- Version 4: the model registry (MLflow 2.x): registered models, their versions, tags and aliases,
-- and an append-only audit trail of every change.
-- Models carry an integer registered_model_id so that a rename touches one row. next_version is the
-- model's version counter: it only grows, so a deleted version's number is never handed out again,
-- and taking it is one UPDATE that serialises concurrent creates on the model's row.

CREATE TABLE registered_models (
  registered_model_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text,
  user_id text,
  creation_time bigint NOT NULL,
  last_updated_time bigint NOT NULL,
  next_version bigint NOT NULL DEFAULT 1
);

CREATE TABLE registered_model_tags (
  registered_model_id bigint NOT NULL REFERENCES registered_models (registered_model_id) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (registered_model_id, key)
);

CREATE TABLE model_versions (
  registered_model_id bigint NOT NULL REFERENCES registered_models (registered_model_id) ON DELETE CASCADE,
  version bigint NOT NULL,
  creation_time bigint NOT NULL,
  last_updated_time bigint NOT NULL,
  description text,
  user_id text,
  current_stage text NOT NULL CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
  source text NOT NULL,
  run_id text,
  run_link text,
  status_message text,
  PRIMARY KEY (registered_model_id, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
  registered_model_id bigint NOT NULL,
  version bigint NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (registered_model_id, version, key),
  FOREIGN KEY (registered_model_id, version) REFERENCES model_versions (registered_model_id, version) ON DELETE CASCADE
);

CREATE TABLE registered_model_aliases (
  registered_model_id bigint NOT NULL,
  alias text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (registered_model_id, alias),
  FOREIGN KEY (registered_model_id, version) REFERENCES model_versions (registered_model_id, version) ON DELETE CASCADE
);

-- No foreign key: events outlive the model they describe. name is the model's name at the time.
CREATE TABLE registry_events (
  event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  registered_model_id bigint NOT NULL,
  name text NOT NULL,
  version bigint,
  entity_type text NOT NULL,
  action text NOT NULL,
  key text,
  from_value text,
  to_value text,
  comment text,
  user_id text,
  timestamp bigint NOT NULL
);
CREATE INDEX registry_events_by_model ON registry_events (registered_model_id, event_id);
CREATE INDEX registry_events_by_name ON registry_events (name, event_id);
