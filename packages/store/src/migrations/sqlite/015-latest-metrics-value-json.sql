-- Version 15: latest_metrics keeps each value as runs/search's wire JSON writes it (value_json:
-- JSON.stringify's shortest digits, "NaN", "Infinity", "-Infinity"), written with the value. SQLite's
-- own text of a REAL is not JavaScript's (1/3 reads 0.33333333333333331 there), so a 1000-run page
-- written by the database called back into JavaScript for each of its ~10,000 values: ~4 ms of the
-- page's ~20 ms statement. The rows already here are filled by the same function the store
-- registers on its connections (orchard_json_number, sqlite-db.ts): this file runs through the
-- store (`orchard db upgrade`), not a bare sqlite3 shell. NULL stays readable: the page then writes
-- the value as before.

ALTER TABLE latest_metrics ADD COLUMN value_json TEXT;
UPDATE latest_metrics SET value_json = CASE WHEN is_nan = 1 THEN '"NaN"' ELSE orchard_json_number(value) END;
