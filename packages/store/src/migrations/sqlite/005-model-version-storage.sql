-- Version 5: where a model version's files are when its source is a models:/ URI (MLflow 3 registers
-- logged models as models:/<model_id>), and the logged model a version came from.
ALTER TABLE model_versions ADD COLUMN storage_location TEXT;
ALTER TABLE model_versions ADD COLUMN model_id TEXT;
