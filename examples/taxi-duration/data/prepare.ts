// The course's preparation: duration in minutes from the two timestamps, trips of 1..60 minutes kept,
// location IDs as categorical strings and their pair PU_DO as one feature, trip_distance numeric.
import type { TripColumns } from './read-trips.ts'

/** Feature columns by field name, one entry per kept trip, plus the target. */
export interface PreparedTrips {
  readonly rows: number
  readonly categorical: Readonly<Record<string, readonly (string | null)[]>>
  readonly numeric: Readonly<Record<string, Float64Array>>
  /** Minutes. */
  readonly duration: Float64Array
  /** Trips in the file, before the duration filter. */
  readonly rowsRead: number
  /** The raw location IDs of the kept trips, for records a served model would receive. */
  readonly locations: { readonly pickup: readonly (string | null)[]; readonly dropoff: readonly (string | null)[] }
}

export const MIN_DURATION_MINUTES = 1
export const MAX_DURATION_MINUTES = 60
/** The course's feature set: the pickup/dropoff pair as one category, and the distance. */
export const CATEGORICAL_FEATURES = ['PU_DO'] as const
export const NUMERIC_FEATURES = ['trip_distance'] as const
export const PU_DO_SEPARATOR = '_'

export function prepareTrips(trips: TripColumns): PreparedTrips {
  const keep: number[] = []
  const minutes: number[] = []
  for (let i = 0; i < trips.rows; i++) {
    const duration = (trips.dropoffMs[i]! - trips.pickupMs[i]!) / 60_000
    // NaN (a missing timestamp) fails both comparisons and is dropped with the out-of-range trips.
    if (duration >= MIN_DURATION_MINUTES && duration <= MAX_DURATION_MINUTES && !Number.isNaN(trips.tripDistance[i]!)) {
      keep.push(i)
      minutes.push(duration)
    }
  }
  const puDo = new Array<string | null>(keep.length)
  const distance = new Float64Array(keep.length)
  const pickups = new Array<string | null>(keep.length)
  const dropoffs = new Array<string | null>(keep.length)
  keep.forEach((row, index) => {
    const pickup = trips.puLocation[row]
    const dropoff = trips.doLocation[row]
    pickups[index] = pickup ?? null
    dropoffs[index] = dropoff ?? null
    puDo[index] = pickup === null || pickup === undefined || dropoff === null || dropoff === undefined ? null : `${pickup}${PU_DO_SEPARATOR}${dropoff}`
    distance[index] = trips.tripDistance[row]!
  })
  return {
    rows: keep.length,
    categorical: { PU_DO: puDo },
    numeric: { trip_distance: distance },
    duration: Float64Array.from(minutes),
    rowsRead: trips.rows,
    locations: { pickup: pickups, dropoff: dropoffs },
  }
}

/** Trips as the records a client sends to the served model: `{PULocationID, DOLocationID, trip_distance}`. */
export function tripRecords(prepared: PreparedTrips, start = 0, end = prepared.rows): Record<string, string | number | null>[] {
  const records: Record<string, string | number | null>[] = []
  for (let i = start; i < Math.min(end, prepared.rows); i++) {
    records.push({ PULocationID: prepared.locations.pickup[i]!, DOLocationID: prepared.locations.dropoff[i]!, trip_distance: prepared.numeric.trip_distance![i]! })
  }
  return records
}
