import {
  MAX_DATASETS_PER_BATCH,
  MAX_DATASET_DIGEST_LENGTH,
  MAX_DATASET_NAME_LENGTH,
  MAX_DATASET_PROFILE_LENGTH,
  MAX_DATASET_SCHEMA_LENGTH,
  MAX_DATASET_SOURCE_LENGTH,
  MAX_INPUT_TAG_KEY_LENGTH,
  MAX_INPUT_TAG_VALUE_LENGTH,
  invalidParameter,
} from '@orchard/protocol/base'
import type { DatasetInput } from './types.ts'

// runs/log-inputs, as MLflow's _validate_dataset_inputs checks it (mlflow/utils/validation.py):
// lengths of the dataset's fields and of its input tags, in MLflow's words. Over REST MLflow reads
// absent strings as empty ones, so empty fields pass there and here. The number of datasets in one
// request is Orchard's bound (MLflow's is its request size).

const tooLong = (path: string, limit: number) => invalidParameter(`'${path}' exceeds the maximum length of ${limit} characters`)

function check(value: string | undefined, path: string, limit: number): void {
  if (value !== undefined && value.length > limit) throw tooLong(path, limit)
}

/** The datasets of one runs/log-inputs request. */
export function validateDatasetInputs(inputs: readonly DatasetInput[]): void {
  if (inputs.length > MAX_DATASETS_PER_BATCH) {
    throw invalidParameter(`A batch logging request can contain at most ${MAX_DATASETS_PER_BATCH} datasets. Got ${inputs.length} datasets.`)
  }
  for (const { dataset, tags } of inputs) {
    check(dataset.name, 'name', MAX_DATASET_NAME_LENGTH)
    check(dataset.digest, 'digest', MAX_DATASET_DIGEST_LENGTH)
    check(dataset.source, 'source', MAX_DATASET_SOURCE_LENGTH)
    check(dataset.schema, 'schema', MAX_DATASET_SCHEMA_LENGTH)
    check(dataset.profile, 'profile', MAX_DATASET_PROFILE_LENGTH)
    for (const tag of tags) {
      check(tag.key, 'key', MAX_INPUT_TAG_KEY_LENGTH)
      check(tag.value, 'value', MAX_INPUT_TAG_VALUE_LENGTH)
    }
  }
}
