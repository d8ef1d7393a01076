// Synthetic trip files in the TLC's green-taxi schema (the 2023-02 layout: INT32 VendorID and
// location IDs, TIMESTAMP(MICROS) pick-up/drop-off), for scale tests with any number of rows.
// Distributions are shaped on the real months: zones drawn from a skewed popularity, the drop-off
// often near the pick-up, log-normal distances with a rare absurd odometer value (the real files
// have trips of 100,000+ miles), durations growing with distance, and a few percent of trips outside
// 1..60 minutes for the preparation to drop.
import type { SchemaElement } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

const ZONES = 265
const BATCH_ROWS = 500_000

const optional = (name: string, type: SchemaElement['type'], extra: Partial<SchemaElement> = {}): SchemaElement => ({ name, type, repetition_type: 'OPTIONAL', ...extra })
const timestamp = { logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } } as Partial<SchemaElement>
const DOUBLE_COLUMNS = ['fare_amount', 'extra', 'mta_tax', 'tip_amount', 'tolls_amount', 'ehail_fee', 'improvement_surcharge', 'total_amount', 'payment_type', 'trip_type', 'congestion_surcharge'] as const

export const GREEN_TAXI_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 20 },
  optional('VendorID', 'INT32'),
  optional('lpep_pickup_datetime', 'INT64', timestamp),
  optional('lpep_dropoff_datetime', 'INT64', timestamp),
  optional('store_and_fwd_flag', 'BYTE_ARRAY', { logical_type: { type: 'STRING' } } as Partial<SchemaElement>),
  optional('RatecodeID', 'DOUBLE'),
  optional('PULocationID', 'INT32'),
  optional('DOLocationID', 'INT32'),
  optional('passenger_count', 'DOUBLE'),
  optional('trip_distance', 'DOUBLE'),
  ...DOUBLE_COLUMNS.map((name) => optional(name, 'DOUBLE')),
]

/** Deterministic, fast PRNG (mulberry32): the same seed writes the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export interface GenerateOptions {
  readonly rows: number
  /** `YYYY-MM`: pick-ups fall in that month. */
  readonly month: string
  readonly seed?: number
}

export async function generateTripFile(path: string, options: GenerateOptions): Promise<void> {
  const next = random(options.seed ?? 1)
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  // Zone popularity: a random permutation weighted by 1/rank (a few busy zones, a long tail).
  const zones = Array.from({ length: ZONES }, (_, i) => i + 1).sort(() => next() - 0.5)
  const cumulative = new Float64Array(ZONES)
  let total = 0
  zones.forEach((_, rank) => (cumulative[rank] = total += 1 / (rank + 1)))
  const zone = (): number => {
    const target = next() * total
    let low = 0
    let high = ZONES - 1
    while (low < high) {
      const middle = (low + high) >> 1
      if (cumulative[middle]! < target) low = middle + 1
      else high = middle
    }
    return zones[low]!
  }
  const [year, month] = options.month.split('-').map(Number) as [number, number]
  const monthStartUs = Date.UTC(year, month - 1, 1) * 1000
  const monthUs = (Date.UTC(year, month, 1) - Date.UTC(year, month - 1, 1)) * 1000

  const stream = createWriteStream(path)
  const bytes = new ByteWriter()
  const writer = new ParquetWriter({ writer: bytes, schema: GREEN_TAXI_SCHEMA })
  const drain = async () => {
    if (bytes.index === 0) return
    if (!stream.write(new Uint8Array(bytes.buffer.slice(0, bytes.index)))) await once(stream, 'drain')
    bytes.index = 0
  }
  for (let start = 0; start < options.rows; start += BATCH_ROWS) {
    const count = Math.min(BATCH_ROWS, options.rows - start)
    const vendor = new Int32Array(count)
    const pickup = new BigInt64Array(count)
    const dropoff = new BigInt64Array(count)
    const pu = new Int32Array(count)
    const dropoffZone = new Int32Array(count)
    const passengers = new Float64Array(count)
    const distance = new Float64Array(count)
    const doubles = Object.fromEntries(DOUBLE_COLUMNS.map((name) => [name, new Float64Array(count)])) as Record<(typeof DOUBLE_COLUMNS)[number], Float64Array>
    for (let i = 0; i < count; i++) {
      vendor[i] = next() < 0.85 ? 2 : 1
      pu[i] = zone()
      dropoffZone[i] = next() < 0.3 ? pu[i]! : zone()
      passengers[i] = 1 + Math.floor(next() ** 3 * 6)
      // One trip in ~20,000 carries a broken odometer reading, as in the real months.
      const miles = next() < 5e-5 ? 1_000 + next() * 250_000 : Math.exp(0.8 + 0.9 * normal())
      distance[i] = Math.round(miles * 100) / 100
      const trueMiles = Math.min(miles, 40)
      let minutes = 3 + 3.2 * trueMiles + (pu[i]! % 7) + Math.abs(normal()) * 4 + normal() * 2
      if (next() < 0.03) minutes = next() < 0.5 ? next() : 60 + next() * 600
      const start = monthStartUs + Math.floor(next() * monthUs)
      pickup[i] = BigInt(start - (start % 1_000_000))
      dropoff[i] = pickup[i]! + BigInt(Math.round(minutes * 60) * 1_000_000)
      const fare = 3 + 2.5 * trueMiles + 0.5 * minutes
      doubles.fare_amount[i] = Math.round(fare * 100) / 100
      doubles.extra[i] = next() < 0.4 ? 1 : 0
      doubles.mta_tax[i] = 0.5
      doubles.tip_amount[i] = next() < 0.5 ? Math.round(fare * 0.2 * 100) / 100 : 0
      doubles.tolls_amount[i] = next() < 0.03 ? 6.55 : 0
      doubles.ehail_fee[i] = Number.NaN
      doubles.improvement_surcharge[i] = 1
      doubles.payment_type[i] = next() < 0.6 ? 1 : 2
      doubles.trip_type[i] = 1
      doubles.congestion_surcharge[i] = next() < 0.2 ? 2.75 : 0
      doubles.total_amount[i] = doubles.fare_amount[i]! + doubles.extra[i]! + 0.5 + doubles.tip_amount[i]! + doubles.tolls_amount[i]! + 1 + doubles.congestion_surcharge[i]!
    }
    writer.write({
      rowGroupSize: count,
      columnData: [
        { name: 'VendorID', data: vendor },
        { name: 'lpep_pickup_datetime', data: pickup },
        { name: 'lpep_dropoff_datetime', data: dropoff },
        { name: 'store_and_fwd_flag', data: Array.from({ length: count }, () => (next() < 0.003 ? 'Y' : 'N')) },
        { name: 'RatecodeID', data: new Float64Array(count).fill(1) },
        { name: 'PULocationID', data: pu },
        { name: 'DOLocationID', data: dropoffZone },
        { name: 'passenger_count', data: passengers },
        { name: 'trip_distance', data: distance },
        ...DOUBLE_COLUMNS.map((name) => ({ name, data: doubles[name] })),
      ],
    })
    await drain()
  }
  writer.finish()
  await drain()
  stream.end()
  await once(stream, 'finish')
}
