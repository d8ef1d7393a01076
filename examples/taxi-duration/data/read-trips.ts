// Reads the four columns the model needs from a green-taxi Parquet file, whatever physical types the
// TLC used that month: location IDs arrive as strings (the course's 2021 files), INT64 (2023-01) or
// INT32 (2023-02/03), and are normalised here to their decimal strings, as pandas' astype(str) does.
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet'

/** The projected columns, in the arrays the rest of the pipeline works on (one entry per trip). */
export interface TripColumns {
  readonly rows: number
  /** Epoch milliseconds. The files store TIMESTAMP(MICROS) without a zone; the value is kept as-is. */
  readonly pickupMs: Float64Array
  readonly dropoffMs: Float64Array
  /** Decimal strings (`"43"`), or null where the file has no value. */
  readonly puLocation: (string | null)[]
  readonly doLocation: (string | null)[]
  /** NaN where the file has no value. */
  readonly tripDistance: Float64Array
}

const COLUMNS = ['lpep_pickup_datetime', 'lpep_dropoff_datetime', 'PULocationID', 'DOLocationID', 'trip_distance'] as const

/** A location ID as the course's `astype(str)` renders an integer column: `43n`, `43` and `"43"` give "43". */
function locationString(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return String(value)
  throw new Error(`unexpected location ID value ${String(value)}`)
}

function fillNumbers(target: Float64Array, data: ArrayLike<unknown>, offset: number): void {
  for (let i = 0; i < data.length; i++) {
    const value = data[i]
    target[offset + i] = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN
  }
}

function fillStrings(target: (string | null)[], data: ArrayLike<unknown>, offset: number): void {
  for (let i = 0; i < data.length; i++) target[offset + i] = locationString(data[i])
}

/**
 * Reads `path` with column projection: only the five columns are decoded, timestamps through
 * hyparquet's TIMESTAMP parser hook (to epoch milliseconds rather than one Date object per value,
 * which at 5M trips would be 10M allocations).
 */
export async function readTrips(path: string): Promise<TripColumns> {
  const file = await asyncBufferFromFile(path)
  const metadata = await parquetMetadataAsync(file)
  const names = new Set(metadata.schema.map((element) => element.name))
  const missing = COLUMNS.filter((column) => !names.has(column))
  if (missing.length > 0) throw new Error(`${path} is not a green-taxi trip file: it has no ${missing.join(', ')} column`)
  const rows = Number(metadata.num_rows)
  const columns: TripColumns = {
    rows,
    pickupMs: new Float64Array(rows),
    dropoffMs: new Float64Array(rows),
    puLocation: new Array<string | null>(rows).fill(null),
    doLocation: new Array<string | null>(rows).fill(null),
    tripDistance: new Float64Array(rows),
  }
  await parquetRead({
    file,
    metadata,
    columns: [...COLUMNS],
    parsers: {
      timestampFromMilliseconds: (value: bigint) => Number(value),
      timestampFromMicroseconds: (value: bigint) => Number(value) / 1_000,
      timestampFromNanoseconds: (value: bigint) => Number(value / 1_000n) / 1_000,
    },
    onChunk: ({ columnName, columnData, rowStart }) => {
      const data = columnData as ArrayLike<unknown>
      if (columnName === 'lpep_pickup_datetime') fillNumbers(columns.pickupMs, data, rowStart)
      else if (columnName === 'lpep_dropoff_datetime') fillNumbers(columns.dropoffMs, data, rowStart)
      else if (columnName === 'PULocationID') fillStrings(columns.puLocation, data, rowStart)
      else if (columnName === 'DOLocationID') fillStrings(columns.doLocation, data, rowStart)
      else if (columnName === 'trip_distance') fillNumbers(columns.tripDistance, data, rowStart)
    },
  })
  return columns
}
