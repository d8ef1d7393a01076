import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LinearModelData } from '../src/index.ts'

/** A small taxi-like model: PU_DO one-hot, trip_distance numeric, as linear-format.md describes. */
export const TAXI_LIKE: LinearModelData = {
  format_version: 1,
  link: 'identity',
  intercept: 10,
  coefficients: [2, 5, -1, 0.5],
  feature_names: ['PU_DO=43_151', 'PU_DO=1_2', 'PU_DO=7_7', 'trip_distance'],
  vectorizer: {
    kind: 'dict',
    derived: [{ name: 'PU_DO', concat: ['PULocationID', 'DOLocationID'], separator: '_' }],
    categorical: ['PU_DO'],
    numeric: ['trip_distance'],
    unknown: 'ignore',
  },
  target: 'duration',
}

export const TAXI_EXAMPLE = [
  { PULocationID: '43', DOLocationID: '151', trip_distance: 2.5 },
  { PULocationID: '1', DOLocationID: '2', trip_distance: 10 },
]

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `orchard-models-${prefix}-`))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
