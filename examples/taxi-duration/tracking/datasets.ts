// A month's trip file as an MLflow dataset input: name, digest of the file's bytes, its source and
// the schema and profile of what the model was trained on.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { DatasetInput } from '@orchard/sdk'
import type { MonthData } from '../pipeline/dataset.ts'

export async function monthDatasetInput(month: MonthData, context: 'training' | 'validation' | 'evaluation'): Promise<DatasetInput> {
  // MLflow's pandas datasets use an 8-character MD5 digest; this is the same length over the file.
  const digest = createHash('md5').update(await readFile(month.path)).digest('hex').slice(0, 8)
  return {
    tags: [{ key: 'mlflow.data.context', value: context }],
    dataset: {
      name: `green_tripdata_${month.month}`,
      digest,
      sourceType: 'local',
      source: JSON.stringify({ uri: resolve(month.path) }),
      schema: JSON.stringify({
        mlflow_colspec: [
          { type: 'string', name: 'PU_DO' },
          { type: 'double', name: 'trip_distance' },
          { type: 'double', name: 'duration' },
        ],
      }),
      profile: JSON.stringify({ num_rows: month.prepared.rows, rows_in_file: month.prepared.rowsRead }),
    },
  }
}
