-- Version 10: workspaces (`orchard server --enable-workspaces`, MLflow 3.10's multi-tenancy).
-- Experiments and registered models belong to one workspace; runs, logged models and model
-- versions belong to theirs through them. Names are unique within a workspace, so the two tables
-- are rebuilt without their UNIQUE (name) (SQLite cannot drop a constraint; the runner turns
-- foreign keys off around migrations so that dropping the old table does not cascade). Every
-- existing row lands in `default`, the workspace that always exists.

CREATE TABLE workspaces (
  name TEXT NOT NULL PRIMARY KEY,
  description TEXT,
  default_artifact_root TEXT
);
INSERT INTO workspaces (name, description) VALUES ('default', 'Default workspace');

CREATE TABLE experiments_new (
  experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace TEXT NOT NULL DEFAULT 'default',
  name TEXT NOT NULL,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL,
  deleted_time INTEGER,
  UNIQUE (workspace, name)
);
INSERT INTO experiments_new (experiment_id, workspace, name, artifact_location, lifecycle_stage, creation_time, last_update_time, deleted_time)
  SELECT experiment_id, 'default', name, artifact_location, lifecycle_stage, creation_time, last_update_time, deleted_time FROM experiments;
-- Ids of experiments removed by gc are never handed out again: keep the counter.
DELETE FROM sqlite_sequence WHERE name = 'experiments_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'experiments_new', seq FROM sqlite_sequence WHERE name = 'experiments';
DROP TABLE experiments;
ALTER TABLE experiments_new RENAME TO experiments;

CREATE TABLE registered_models_new (
  registered_model_id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace TEXT NOT NULL DEFAULT 'default',
  name TEXT NOT NULL,
  description TEXT,
  user_id TEXT,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  next_version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (workspace, name)
);
INSERT INTO registered_models_new (registered_model_id, workspace, name, description, user_id, creation_time, last_updated_time, next_version)
  SELECT registered_model_id, 'default', name, description, user_id, creation_time, last_updated_time, next_version FROM registered_models;
DELETE FROM sqlite_sequence WHERE name = 'registered_models_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'registered_models_new', seq FROM sqlite_sequence WHERE name = 'registered_models';
DROP TABLE registered_models;
ALTER TABLE registered_models_new RENAME TO registered_models;

-- Registry events outlive their model and are looked up by name: the workspace travels with them.
ALTER TABLE registry_events ADD COLUMN workspace TEXT NOT NULL DEFAULT 'default';
