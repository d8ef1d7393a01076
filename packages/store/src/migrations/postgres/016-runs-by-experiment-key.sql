-- Version 16 (PostgreSQL only): runs indexed by (experiment_id, run_key). A search of one
-- experiment, ordered by a metric and filtered on another, is planned as a merge join on run_key
-- whose runs side walked runs_pkey over every run of every experiment, filtering by experiment:
-- the join ends only after one more matching run, and past the experiment's last run there is
-- none, so each search read the whole runs table (21,800 runs, 18,500 buffers, 10 ms during a
-- soak in which other experiments kept growing). This index gives the same run_key order within
-- the experiment, so the walk stops at its last run. It serves `experiment_id = ?`; a list of
-- several experiments (`= ANY(?)`) cannot use its order on PostgreSQL 15, so the dialect writes a
-- one-value list as an equality.

CREATE INDEX runs_by_experiment_key ON runs (experiment_id, run_key);
