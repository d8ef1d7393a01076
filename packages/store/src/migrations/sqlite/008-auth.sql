-- Version 8: access control (`orchard server --app-name basic-auth`), MLflow's basic-auth tables
-- (users, experiment_permissions, registered_model_permissions) in the tracking database, plus
-- personal access tokens. Passwords are scrypt hashes (`scrypt$N$r$p$salt$key`); tokens are kept as
-- the SHA-256 of their secret, which is shown once and never stored.
-- Permissions name MLflow's levels. Experiment grants are keyed by the experiment's id, model grants
-- by the model's name (as MLflow): renaming a model renames its grants, deleting it drops them.

CREATE TABLE users (
  user_id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  creation_time INTEGER NOT NULL
);

CREATE TABLE experiment_permissions (
  experiment_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE')),
  PRIMARY KEY (experiment_id, user_id)
);
-- Searches ask "which experiments may this user read": one user's grants, by experiment.
CREATE INDEX experiment_permissions_by_user ON experiment_permissions (user_id, experiment_id, permission);

CREATE TABLE registered_model_permissions (
  name TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE')),
  PRIMARY KEY (name, user_id)
);
CREATE INDEX registered_model_permissions_by_user ON registered_model_permissions (user_id, name, permission);

CREATE TABLE access_tokens (
  token_id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  creation_time INTEGER NOT NULL,
  expiration_time INTEGER,
  last_used_time INTEGER,
  revoked_time INTEGER
);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, creation_time);

-- The access audit trail: sign-ins (once per verified password, not per request), failed sign-ins,
-- lockouts, user and grant changes, token creation and revocation. Append-only; `username` is who
-- acted (or tried to), `target` what it acted on.
CREATE TABLE auth_events (
  event_id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp INTEGER NOT NULL,
  username TEXT,
  action TEXT NOT NULL,
  target TEXT,
  address TEXT
);
