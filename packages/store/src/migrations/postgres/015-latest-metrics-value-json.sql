-- Version 15: latest_metrics keeps each value as runs/search's wire JSON writes it (value_json:
-- JSON.stringify's shortest digits, "NaN", "Infinity", "-Infinity"), written with the value by the
-- store on both databases. SQLite's page of runs, written by the database, reads it instead of
-- calling back into JavaScript for each value. PostgreSQL does not read it yet (its pages are
-- written in JavaScript), so the rows already here are left NULL, which every reader accepts.

ALTER TABLE latest_metrics ADD COLUMN value_json text;
