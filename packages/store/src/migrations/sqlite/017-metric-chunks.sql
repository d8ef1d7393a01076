-- Version 17: metric points written many to a row. A log-batch that carries many points of one key
-- (a training loop's steps, flushed together) stores them as one chunk: the points packed in
-- `data` (timestamps, steps and values as little-endian doubles, a shared timestamp or a series of
-- steps written once; metric-chunk-codec.ts) with the figures searches and charts need without unpacking (the number of points and of
-- non-NaN ones, the step and timestamp ranges, min/max/sum of the non-NaN values). One row per
-- point (`metrics`) cost a B-tree insert per point, which capped log-batch ingest at SQLite's
-- single-row insert rate. Smaller groups still go to `metrics`, and readers take the union of both
-- (metric-points.ts). A point is stored once whichever table holds it: writers check both (the
-- index on max_timestamp makes the check for a run's newest points one short range).
-- The number is 17 on both databases (PostgreSQL has a 16 of its own).

CREATE TABLE metric_chunks (
  chunk_key INTEGER PRIMARY KEY,
  run_key INTEGER NOT NULL,
  key TEXT NOT NULL,
  points INTEGER NOT NULL,
  numbers INTEGER NOT NULL,
  min_timestamp INTEGER NOT NULL,
  max_timestamp INTEGER NOT NULL,
  min_step INTEGER NOT NULL,
  max_step INTEGER NOT NULL,
  min_value REAL,
  max_value REAL,
  sum_value REAL,
  data BLOB NOT NULL
);
CREATE INDEX metric_chunks_by_run_key ON metric_chunks (run_key, key, max_timestamp);
