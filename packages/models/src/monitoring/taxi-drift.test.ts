// The two failures of Evidently's defaults that issue #13 names, on the real NYC green-taxi files:
// PU_DO (pickup/dropoff pairs) looks drifted between two random halves of one month, and a real
// 2021 → 2023 shift in trip_distance hides behind an outlier-inflated standard deviation. `auto`
// must get both right. The files are found as the taxi example finds them: $ORCHARD_TAXI_DATA, else
// shared/data/nyc-tlc beside the repository. Missing files fail the test, saying what to set.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import type { ColumnTable } from '../table.ts'
import { driftReport } from './drift-report.ts'
import { readTable } from './read-table.ts'
import { seededRandom } from './synthetic.ts'

const TAXI_DATA = process.env.ORCHARD_TAXI_DATA ?? join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'nyc-tlc')
const file = (month: string) => join(TAXI_DATA, `green_tripdata_${month}.parquet`)
const COLUMNS = ['PULocationID', 'DOLocationID', 'trip_distance', 'fare_amount', 'passenger_count']

async function trips(month: string): Promise<ColumnTable> {
  const table = await readTable(file(month), { columns: COLUMNS })
  const pu = table.columns[0]!
  const dropoff = table.columns[1]!
  // Location IDs are strings in 2021 and integers in 2023: compare their decimal text, as the example does.
  const text = (column: readonly unknown[]) => column.map((v) => (v === null ? null : String(v)))
  return {
    names: [...table.names, 'PU_DO'],
    columns: [text(pu), text(dropoff), ...table.columns.slice(2), pu.map((p, i) => `${p}_${dropoff[i]}`)],
    rowCount: table.rowCount,
  }
}

function randomHalves(table: ColumnTable, seed: number): [ColumnTable, ColumnTable] {
  const random = seededRandom(seed)
  const first = Array.from({ length: table.rowCount }, () => random() < 0.5)
  const pick = (side: boolean): ColumnTable => {
    const columns = table.columns.map((column) => column.filter((_, i) => first[i] === side))
    return { names: table.names, columns, rowCount: columns[0]!.length }
  }
  return [pick(true), pick(false)]
}

describe('drift on the shared taxi files', () => {
  let january2021: ColumnTable
  let january2023: ColumnTable
  before(async () => {
    for (const month of ['2021-01', '2023-01']) {
      assert.ok(existsSync(file(month)), `no ${file(month)}: set ORCHARD_TAXI_DATA to the folder of green_tripdata_YYYY-MM.parquet files`)
    }
    january2021 = await trips('2021-01')
    january2023 = await trips('2023-01')
  })
  const categorical = ['PULocationID', 'DOLocationID', 'PU_DO']

  it('auto raises no alarm between two random halves of 2021-01; Evidently flags PU_DO at a JS distance of about 0.34', () => {
    const [a, b] = randomHalves(january2021, 1)
    const auto = driftReport(a, b, { categorical })
    assert.deepEqual(auto.columns.filter((c) => c.drift).map((c) => c.name), [])
    assert.equal(auto.dataset_drift, false)
    const evidently = driftReport(a, b, { categorical, method: 'evidently' })
    const puDo = evidently.columns.find((c) => c.name === 'PU_DO')!
    assert.ok(Math.abs(puDo.value - 0.34) < 0.02, `PU_DO JS distance ${puDo.value}`)
    assert.deepEqual(evidently.columns.filter((c) => c.drift).map((c) => c.name), ['PU_DO'])
  })

  it('auto catches the 2021 → 2023 trip_distance shift (KS ≈ 0.17) that the normed Wasserstein distance misses', () => {
    const auto = driftReport(january2021, january2023, { categorical })
    const distance = auto.columns.find((c) => c.name === 'trip_distance')!
    assert.ok(Math.abs(distance.statistics.ks_statistic! - 0.17) < 0.02, `KS ${distance.statistics.ks_statistic}`)
    assert.equal(distance.drift, true)
    const evidently = driftReport(january2021, january2023, { categorical, method: 'evidently' })
    const hidden = evidently.columns.find((c) => c.name === 'trip_distance')!
    assert.equal(hidden.method, 'wasserstein')
    assert.ok(hidden.value < 0.1, `normed Wasserstein ${hidden.value}`)
    assert.equal(hidden.drift, false)
    // The real relocation of pickups is caught by both.
    assert.equal(auto.columns.find((c) => c.name === 'PULocationID')!.drift, true)
  })
})
