-- Version 17: metric points written many to a row. A log-batch that carries many points of one key
-- (a training loop's steps, flushed together) stores them as one chunk: the points as three arrays
-- of n each (timestamps, steps, values; NaN as itself, which float8 holds) with the figures
-- searches and charts need without unnesting (the number of points and of non-NaN ones, the step
-- and timestamp ranges, min/max/sum of the non-NaN values). One row per point (`metrics`) cost an
-- index insert per point. Smaller groups still go to `metrics`, and readers take the union of both
-- (metric-points.ts). A point is stored once whichever table holds it: writers check both under a
-- transaction-scoped advisory lock per (run, key), and the index on max_timestamp makes the check
-- for a run's newest points one short range. As in `metrics`, no foreign key: garbage collection
-- deletes the rows itself.

CREATE TABLE metric_chunks (
  chunk_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_key bigint NOT NULL,
  key text NOT NULL,
  points integer NOT NULL,
  numbers integer NOT NULL,
  min_timestamp bigint NOT NULL,
  max_timestamp bigint NOT NULL,
  min_step bigint NOT NULL,
  max_step bigint NOT NULL,
  min_value double precision,
  max_value double precision,
  sum_value double precision,
  timestamps bigint[] NOT NULL,
  steps bigint[] NOT NULL,
  vals double precision[] NOT NULL
);
CREATE INDEX metric_chunks_by_run_key ON metric_chunks (run_key, key, max_timestamp);
