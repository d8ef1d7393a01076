-- Version 12: one counter that every change to who may do what bumps (grants, roles, groups, users,
-- tokens revoked, sessions ended, runs moved). Servers cache verified credentials and resolved
-- permissions in memory and read this counter every couple of seconds, so a change made by one
-- server process (or the CLI) reaches every other process on the same database within that bound.

CREATE TABLE access_changes (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO access_changes (id, version) VALUES (1, 0);

-- Secrets the servers on one database share, made at first use: the key that signs the OIDC sign-in
-- cookie, so that a sign-in started on one replica finishes on another.
CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  secret text NOT NULL
);
