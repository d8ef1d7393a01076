// One month of trips, from its file in the data folder to prepared feature columns.
import { join } from 'node:path'
import { prepareTrips } from '../data/prepare.ts'
import type { PreparedTrips } from '../data/prepare.ts'
import { readTrips } from '../data/read-trips.ts'
import { tripFileName } from '../data/download.ts'

export interface MonthData {
  readonly month: string
  readonly path: string
  readonly prepared: PreparedTrips
  /** Milliseconds spent reading and preparing. */
  readonly readMs: number
  readonly prepareMs: number
}

export async function loadMonth(dataDir: string, month: string, color = 'green'): Promise<MonthData> {
  const path = join(dataDir, tripFileName(color, month))
  const started = performance.now()
  const trips = await readTrips(path)
  const read = performance.now()
  const prepared = prepareTrips(trips)
  return { month, path, prepared, readMs: read - started, prepareMs: performance.now() - read }
}
