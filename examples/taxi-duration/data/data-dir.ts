import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The one setting that says where the NYC green-taxi Parquet files are. */
export const TAXI_DATA_VARIABLE = 'ORCHARD_TAXI_DATA'

const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/**
 * The folder of `green_tripdata_YYYY-MM.parquet` files: $ORCHARD_TAXI_DATA, else `shared/data/nyc-tlc`
 * beside the repository (where this project's machines and CI keep them). Resolved against the
 * repository, not the working directory, so every command and test finds the same folder.
 */
export function taxiDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[TAXI_DATA_VARIABLE]
  return configured ? resolve(configured) : join(REPOSITORY_ROOT, '..', 'shared', 'data', 'nyc-tlc')
}

/** taxiDataDir(), refusing with what to set when it holds no trip files. */
export function requireTaxiData(month = '2021-01'): string {
  const dir = taxiDataDir()
  if (!existsSync(join(dir, `green_tripdata_${month}.parquet`))) {
    throw new Error(
      `No taxi trip file green_tripdata_${month}.parquet in ${dir}. Set ${TAXI_DATA_VARIABLE} to the folder that holds ` +
        'the green_tripdata_YYYY-MM.parquet files, or fetch one with `npm run taxi -- download --month YYYY-MM`.',
    )
  }
  return dir
}
