-- Version 8: access control (`orchard server --app-name basic-auth`), MLflow's basic-auth tables
-- (users, experiment_permissions, registered_model_permissions) in the tracking database, plus
-- personal access tokens. Passwords are scrypt hashes (`scrypt$N$r$p$salt$key`); tokens are kept as
-- the SHA-256 of their secret, which is shown once and never stored.
-- Permissions name MLflow's levels. Experiment grants are keyed by the experiment's id, model grants
-- by the model's name (as MLflow): renaming a model renames its grants, deleting it drops them.

CREATE TABLE users (
  user_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  is_admin smallint NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  creation_time bigint NOT NULL
);

CREATE TABLE experiment_permissions (
  experiment_id bigint NOT NULL,
  user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  permission text NOT NULL CHECK (permission IN ('NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE')),
  PRIMARY KEY (experiment_id, user_id)
);
-- Searches ask "which experiments may this user read": one user's grants, by experiment.
CREATE INDEX experiment_permissions_by_user ON experiment_permissions (user_id, experiment_id, permission);

CREATE TABLE registered_model_permissions (
  name text NOT NULL,
  user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  permission text NOT NULL CHECK (permission IN ('NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE')),
  PRIMARY KEY (name, user_id)
);
CREATE INDEX registered_model_permissions_by_user ON registered_model_permissions (user_id, name, permission);

CREATE TABLE access_tokens (
  token_id text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  name text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  creation_time bigint NOT NULL,
  expiration_time bigint,
  last_used_time bigint,
  revoked_time bigint
);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, creation_time);

-- The access audit trail: sign-ins (once per verified password, not per request), failed sign-ins,
-- lockouts, user and grant changes, token creation and revocation. Append-only; `username` is who
-- acted (or tried to), `target` what it acted on.
CREATE TABLE auth_events (
  event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  timestamp bigint NOT NULL,
  username text,
  action text NOT NULL,
  target text,
  address text
);
