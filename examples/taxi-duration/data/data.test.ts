// Reading the five shared months as the TLC and the course ship them, downloading with a cache and
// a clear offline error, and the synthetic generator's schema.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet'
import { fitVectorizer, transform } from './dict-vectorizer.ts'
import { downloadTripFile, tripFileUrl } from './download.ts'
import { requireTaxiData } from './data-dir.ts'
import { generateTripFile } from './generate.ts'
import { prepareTrips } from './prepare.ts'
import { readTrips } from './read-trips.ts'

export const SHARED_DATA = requireTaxiData()
const file = (month: string) => join(SHARED_DATA, `green_tripdata_${month}.parquet`)

describe('reading the shared trip files', () => {
  it('reads string (2021), INT64 (2023-01) and INT32 (2023-02/03) location IDs as the same decimal strings', async () => {
    const expected = {
      '2021-01': { rows: 73908, kept: 73908, first: ['43', '151'] },
      '2021-02': { rows: 61921, kept: 61921 },
      '2023-01': { rows: 68211, kept: 65946, first: ['166', '143'] },
      '2023-02': { rows: 64809, first: ['74', '265'] },
      '2023-03': { rows: 72044 },
    } as const
    for (const [month, facts] of Object.entries(expected)) {
      const trips = await readTrips(file(month))
      assert.equal(trips.rows, facts.rows, month)
      assert.ok(trips.puLocation.every((value) => value === null || /^\d+$/.test(value)), `${month}: location IDs are decimal strings`)
      if ('first' in facts) assert.deepEqual([trips.puLocation[0], trips.doLocation[0]], facts.first, month)
      if ('kept' in facts) assert.equal(prepareTrips(trips).rows, facts.kept, `${month} trips of 1..60 minutes`)
    }
  })

  it('parses timestamps by their TIMESTAMP(MICROS) type: the first 2021-01 trip starts 2021-01-01 00:15:56', async () => {
    const trips = await readTrips(file('2021-01'))
    assert.equal(new Date(trips.pickupMs[0]!).toISOString(), '2021-01-01T00:15:56.000Z')
    assert.equal((trips.dropoffMs[0]! - trips.pickupMs[0]!) / 60_000, 3.933333333333333)
  })

  it('refuses a Parquet file that is not a trip file, naming the missing columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'taxi-bad-'))
    try {
      const { parquetWriteFile } = await import('hyparquet-writer')
      const path = join(dir, 'other.parquet')
      parquetWriteFile({ filename: path, columnData: [{ name: 'x', data: [1, 2, 3], type: 'DOUBLE' }] })
      await assert.rejects(readTrips(path), /not a green-taxi trip file: it has no lpep_pickup_datetime/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('vectorizes like DictVectorizer: sorted names, train vocabulary, unknown categories dropped', () => {
    const train = { rows: 3, categorical: { PU_DO: ['1_2', '3_4', '1_2'] }, numeric: { trip_distance: Float64Array.from([1.5, 2, 0]) } }
    const vectorizer = fitVectorizer(train)
    assert.deepEqual(vectorizer.featureNames, ['PU_DO=1_2', 'PU_DO=3_4', 'trip_distance'])
    const matrix = transform(vectorizer, { rows: 2, categorical: { PU_DO: ['9_9', '3_4'] }, numeric: { trip_distance: Float64Array.from([7, 8]) } })
    assert.deepEqual([...matrix.rowStart], [0, 1, 3])
    assert.deepEqual([...matrix.indices], [2, 1, 2])
    assert.deepEqual([...matrix.values], [7, 1, 8])
  })
})

describe('download', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taxi-download-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('uses the TLC URL pattern', () => {
    assert.equal(tripFileUrl('green', '2023-04'), 'https://d37ci6vzurychx.cloudfront.net/trip-data/green_tripdata_2023-04.parquet')
    assert.throws(() => tripFileUrl('green', '2023-13'), /not a month: use YYYY-MM/)
    assert.throws(() => tripFileUrl('purple', '2023-01'), /unknown taxi color 'purple'/)
  })

  it('answers from the cache without touching the network', async () => {
    await writeFile(join(dir, 'green_tripdata_2023-05.parquet'), 'cached bytes')
    const result = await downloadTripFile(dir, 'green', '2023-05', { baseUrl: 'http://127.0.0.1:1' })
    assert.deepEqual({ cached: result.cached, bytes: result.bytes }, { cached: true, bytes: 12 })
  })

  it('fails offline with a message that says what to do, and leaves no partial file', async () => {
    // A loopback port that was just closed refuses connections, as an unreachable host does.
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    server.close()
    await once(server, 'close')
    await assert.rejects(downloadTripFile(dir, 'green', '2023-06', { baseUrl: `http://127.0.0.1:${port}` }), (error: Error) => {
      assert.match(error.message, /cannot download http:\/\/127\.0\.0\.1:\d+\/green_tripdata_2023-06\.parquet: ECONNREFUSED\. Are you offline\? Put the file at .*green_tripdata_2023-06\.parquet yourself/)
      return true
    })
    assert.deepEqual(await readdir(dir).then((names) => names.filter((name) => name.includes('2023-06'))), [])
  })

  it('reports an HTTP error status', async () => {
    const notFound: typeof fetch = async () => new Response('no such key', { status: 404, statusText: 'Not Found' })
    await assert.rejects(downloadTripFile(dir, 'green', '2031-01', { fetch: notFound }), /answered 404 Not Found \(the TLC has not published that month\?\)/)
  })

  it('streams a fetched file into the cache', async () => {
    const served: typeof fetch = async () => new Response('parquet bytes')
    const result = await downloadTripFile(dir, 'green', '2023-07', { fetch: served })
    assert.deepEqual({ cached: result.cached, bytes: result.bytes }, { cached: false, bytes: 13 })
  })
})

describe('generate', () => {
  it('writes the 2023-02 green-taxi schema exactly, with trips the pipeline prepares', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'taxi-generate-'))
    try {
      const path = join(dir, 'green_tripdata_2030-01.parquet')
      await generateTripFile(path, { rows: 20_000, month: '2030-01' })
      const schemaOf = async (p: string) =>
        (await parquetMetadataAsync(await asyncBufferFromFile(p))).schema.slice(1).map((s) => `${s.name}:${s.type}:${JSON.stringify(s.logical_type ?? null)}`)
      assert.deepEqual(await schemaOf(path), await schemaOf(file('2023-02')))
      const trips = await readTrips(path)
      const prepared = prepareTrips(trips)
      assert.equal(trips.rows, 20_000)
      assert.ok(prepared.rows > 18_500 && prepared.rows < 19_900, `kept ${prepared.rows}: a few percent fall outside 1..60 minutes`)
      assert.ok(trips.pickupMs.every((ms) => ms >= Date.UTC(2030, 0, 1) && ms < Date.UTC(2030, 1, 1)))
      assert.ok(fitVectorizer(prepared).featureNames.length > 2000, 'many zone pairs')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
