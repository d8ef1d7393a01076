-- Version 11: sign-in for the web UI (`orchard server --app-name basic-auth`, optionally with
-- --oidc-issuer). Browser sessions, kept as the SHA-256 of the cookie's random secret (as access
-- tokens are), so a copy of the database holds no live session. Users created by single sign-on are
-- tied to the identity provider's (issuer, subject) and keep the IdP groups of their latest sign-in,
-- so that groups can be mapped to roles; they have no password (password_hash '!sso', which no
-- password verifies).

ALTER TABLE users ADD COLUMN idp_subject TEXT;
ALTER TABLE users ADD COLUMN idp_groups TEXT;
CREATE UNIQUE INDEX users_by_idp_subject ON users (idp_subject);

CREATE TABLE ui_sessions (
  session_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  expiration_time INTEGER NOT NULL
);
CREATE INDEX ui_sessions_by_user ON ui_sessions (user_id);
CREATE INDEX ui_sessions_by_expiry ON ui_sessions (expiration_time);
