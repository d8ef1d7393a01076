-- Version 6: registry webhooks (MLflow 3.x's webhook API) and the outbox that delivers them.
-- webhooks and webhook_events follow MLflow's tables; a deleted webhook keeps its row
-- (deleted_timestamp), as MLflow soft-deletes, so its delivery records stay readable.
-- Entities and actions are stored as MLflow's lowercase values (model_version, created).

CREATE TABLE webhooks (
  webhook_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  url TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
  secret TEXT,
  creation_timestamp INTEGER NOT NULL,
  last_updated_timestamp INTEGER NOT NULL,
  deleted_timestamp INTEGER
);
CREATE INDEX webhooks_by_creation ON webhooks (creation_timestamp, webhook_id);

CREATE TABLE webhook_events (
  webhook_id TEXT NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  action TEXT NOT NULL,
  PRIMARY KEY (webhook_id, entity, action)
);
CREATE INDEX webhook_events_by_event ON webhook_events (entity, action);

-- The outbox: one row per (registry change, subscribed webhook), written in the transaction of the
-- change, so a crash can neither lose an event nor deliver one that was rolled back. A background
-- loop claims rows with a lease (lease_owner, lease_until): on a shared database each row is sent
-- by one replica at a time, and a replica that dies mid-send gives the row back when its lease ends.
-- delivery_id orders a webhook's deliveries; only the oldest PENDING row of a webhook is sent.
CREATE TABLE webhook_deliveries (
  delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_uuid TEXT NOT NULL UNIQUE,
  webhook_id TEXT NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  action TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_response_status INTEGER,
  last_error TEXT,
  delivered_at INTEGER
);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, status, delivery_id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, next_attempt_at);

-- Every attempt of a delivery, with what the receiver answered (or why nothing was sent).
CREATE TABLE webhook_delivery_attempts (
  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  response_status INTEGER,
  error TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
