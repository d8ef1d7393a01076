-- Version 10: workspaces (`orchard server --enable-workspaces`, MLflow 3.10's multi-tenancy).
-- Experiments and registered models belong to one workspace; runs, logged models and model
-- versions belong to theirs through them. Names are unique within a workspace. Every existing row
-- lands in `default`, the workspace that always exists.

CREATE TABLE workspaces (
  name text NOT NULL PRIMARY KEY,
  description text,
  default_artifact_root text
);
INSERT INTO workspaces (name, description) VALUES ('default', 'Default workspace');

ALTER TABLE experiments ADD COLUMN workspace text NOT NULL DEFAULT 'default';
ALTER TABLE experiments DROP CONSTRAINT experiments_name_key;
ALTER TABLE experiments ADD CONSTRAINT experiments_workspace_name_key UNIQUE (workspace, name);

ALTER TABLE registered_models ADD COLUMN workspace text NOT NULL DEFAULT 'default';
ALTER TABLE registered_models DROP CONSTRAINT registered_models_name_key;
ALTER TABLE registered_models ADD CONSTRAINT registered_models_workspace_name_key UNIQUE (workspace, name);

-- Registry events outlive their model and are looked up by name: the workspace travels with them.
ALTER TABLE registry_events ADD COLUMN workspace text NOT NULL DEFAULT 'default';
