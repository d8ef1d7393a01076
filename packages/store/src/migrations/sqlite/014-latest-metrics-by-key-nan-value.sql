-- Version 14: latest_metrics indexed by (key, is_nan, value) instead of (key, value). A search
-- ordered by a metric reads the runs with a number for the key, in value order (is_nan = 0), then
-- those with NaN: with is_nan in the index both are one range of it, walked in order and stopped
-- after a page, instead of a walk of the key's rows that skips the NaN ones. Filters on a metric
-- (`f.key = ? AND f.is_nan = 0 AND f.value > ?`) are one range too. The old index served nothing
-- the new one does not (its leading column is the same key), so it goes, and writes keep one index.

CREATE INDEX latest_metrics_by_key_nan_value ON latest_metrics (key, is_nan, value);
DROP INDEX latest_metrics_by_key_value;
