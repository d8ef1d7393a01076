import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runToWire } from '@orchard/core'
import type { SearchRunsQuery } from '../../src/tracking-store.ts'
import { storeOpener } from './harness.ts'
import type { OpenedStore, StoreHarness } from './harness.ts'

// Doubles whose shortest text differs between the databases' own formats and JSON.stringify's.
const AWKWARD_DOUBLES = [
  0.1 + 0.2, -0, 1e-7, 1.5e-7, 1.5e-5, 0.0001, 0.00012345, 1e15, 1234567890123456.7, 123456789012345680000, 1e21,
  1.7976931348623157e308, 5e-324, -2.5e-300, 42, -3, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
]

async function seed({ store, ctx }: OpenedStore): Promise<string> {
  const experimentId = await store.createExperiment({ name: 'wire' })
  await store.createRun({ experimentId, runName: 'empty', startTime: 1000 })

  const numbers = (await store.createRun({ experimentId, runName: 'numbers', startTime: 2000 })).info.runId
  await store.logBatch(numbers, {
    metrics: AWKWARD_DOUBLES.map((value, i) => ({ key: `m${String(i).padStart(2, '0')}`, value, timestamp: 1_700_000_000_000 + i, step: i * 1000 })),
  })
  // Integers past 2^53 read back rounded, as every read of them does (JS numbers).
  await ctx.db.run('UPDATE latest_metrics SET step = 9007199254740993, timestamp = 9223372036854775807 WHERE key = ?', ['m00'])
  await ctx.db.run('UPDATE latest_metrics SET step = -9007199254740993 WHERE key = ?', ['m01'])
  await store.updateRun(numbers, { status: 'FINISHED', endTime: 2_000_000_000_000 })

  const text = (await store.createRun({ experimentId, runName: 'naïve "quoted" \\ run', startTime: 3000 })).info.runId
  await store.logBatch(text, {
    params: [
      { key: 'é', value: 'café\u0001\u001f\u007f' },
      { key: 'Z', value: 'line\nbreak\ttab\r\b\f' },
      { key: 'a', value: '日本語 \u2028\u2029' },
      { key: '\uE000 private', value: '\uFFFD' },
    ],
    tags: [
      { key: 'team', value: '' },
      { key: 'Team', value: '<script>&amp;</script>' },
    ],
  })

  // Keys past U+FFFF sort differently by code point (the databases) than by UTF-16 unit (JS).
  const astral = (await store.createRun({ experimentId, runName: 'astral', startTime: 4000 })).info.runId
  await store.logBatch(astral, {
    tags: [
      { key: '\u{1F600} smile', value: 'x' },
      { key: '\uFF21 fullwidth', value: 'y' },
    ],
  })

  const withInputs = (await store.createRun({ experimentId, runName: 'inputs', startTime: 5000 })).info.runId
  await store.logBatch(withInputs, { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }] })
  await store.logInputs(withInputs, [
    { dataset: { name: 'iris', digest: 'abc', sourceType: 'local', source: '/iris', schema: '{}' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] },
  ])
  const model = await store.createLoggedModel({ experimentId, name: 'm', sourceRunId: withInputs })
  await store.logOutputs(withInputs, [{ modelId: model.modelId, step: 3 }])
  return experimentId
}

/** Every page of a search, as the store's runs would be written and as searchRunsWireJson writes them. */
async function bothWays({ store }: OpenedStore, query: SearchRunsQuery): Promise<{ expected: string[]; got: string[] }> {
  const expected: string[] = []
  const got: string[] = []
  let pageToken: string | undefined
  do {
    const paged = { ...query, ...(pageToken ? { pageToken } : {}) }
    const runs = await store.searchRuns(paged)
    const texts = await store.searchRunsWireJson(paged)
    assert.equal(texts.nextPageToken, runs.nextPageToken)
    expected.push(`[${runs.items.map((run) => JSON.stringify(runToWire(run))).join(',')}]`)
    got.push(`[${new TextDecoder().decode(texts.runs)}]`)
    pageToken = runs.nextPageToken
  } while (pageToken)
  return { expected, got }
}

export function describeRunWireJson(harness: StoreHarness): void {
  describe('searchRunsWireJson', () => {
    const open = storeOpener(harness)

    it('writes each run byte for byte as JSON.stringify(runToWire(run)) of the run searchRuns returns', async () => {
      const opened = await open()
      const experimentId = await seed(opened)
      const query: SearchRunsQuery = { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 2 }
      const { expected, got } = await bothWays(opened, query)
      assert.equal(expected.length, 3)
      assert.deepEqual(got, expected)
      const all = await bothWays(opened, { ...query, maxResults: 100, orderBy: ['attributes.start_time ASC'] })
      assert.deepEqual(all.got, all.expected)
      // The cases the test is for are there: NaN and ±Infinity as strings, a rounded big integer.
      assert.match(all.got[0] as string, /"value":"NaN".*"value":"Infinity".*"value":"-Infinity"/)
      assert.match(all.got[0] as string, /"timestamp":9223372036854776000,"step":9007199254740992/)
      assert.match(all.got[0] as string, /"value":1e-7,/)
    })

    it('writes values stored without their text (value_json left NULL) as JSON.stringify does', async () => {
      const opened = await open()
      const experimentId = await opened.store.createExperiment({ name: 'no value text' })
      // Doubles whose digits a database writes as JavaScript does, and doubles whose it does not.
      const plain = [0.1 + 0.2, 0.0001, 0.00012345, 42, -3, 123456789012345.6, 999999999999999, -0, 1 / 3, Number.POSITIVE_INFINITY, Number.NaN]
      // And 1,000 doubles of every magnitude from 1e-25 to 1e25, with 1 to 17 significant digits.
      let state = 7
      const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32)
      const spread = Array.from({ length: 1000 }, () => Number(((next() - 0.5) * 10 ** Math.floor(next() * 50 - 25)).toPrecision(1 + Math.floor(next() * 17))))
      const runs = { plain, awkward: AWKWARD_DOUBLES, spread }
      for (const [name, values] of Object.entries(runs)) {
        const runId = (await opened.store.createRun({ experimentId, runName: name, startTime: 1000 })).info.runId
        await opened.store.logBatch(runId, { metrics: values.map((value, i) => ({ key: `m${String(i).padStart(2, '0')}`, value, timestamp: i, step: i })) })
      }
      await opened.ctx.db.run('UPDATE latest_metrics SET value_json = NULL')
      for (const filter of [...Object.keys(runs).map((name) => `attributes.run_name = '${name}'`), undefined]) {
        const { expected, got } = await bothWays(opened, { experimentIds: [experimentId], runViewType: 'ALL', maxResults: 10, ...(filter ? { filter } : {}) })
        assert.deepEqual(got, expected)
      }
    })

    it('keeps the page order of a filtered search ordered by a metric, page after page', async () => {
      const opened = await open()
      const experimentId = await opened.store.createExperiment({ name: 'ordered' })
      for (let i = 0; i < 150; i++) {
        const runId = (await opened.store.createRun({ experimentId, runName: `r${i}`, startTime: 1000 + (i % 7) })).info.runId
        await opened.store.logBatch(runId, {
          metrics: [{ key: 'score', value: ((i * 37) % 101) / 7, timestamp: 1, step: 0 }],
          params: [{ key: 'p', value: `v${i % 4}` }],
          tags: [{ key: 'team', value: `t${i % 3}` }],
        })
      }
      const query: SearchRunsQuery = {
        experimentIds: [experimentId],
        runViewType: 'ACTIVE_ONLY',
        maxResults: 70,
        filter: "params.p != 'v0' and tags.team != 't2'",
        orderBy: ['metrics.score DESC'],
      }
      const { expected, got } = await bothWays(opened, query)
      assert.equal(expected.length, 2)
      assert.deepEqual(got, expected)
    })

    it('writes an empty page, and a filter matching nothing, as no runs', async () => {
      const opened = await open()
      const empty = await opened.store.createExperiment({ name: 'nothing' })
      assert.deepEqual(await opened.store.searchRunsWireJson({ experimentIds: [empty], runViewType: 'ALL', maxResults: 10 }), { runs: new Uint8Array(0) })
      const experimentId = await seed(opened)
      const none = await opened.store.searchRunsWireJson({ experimentIds: [experimentId], runViewType: 'ALL', maxResults: 10, filter: "params.a = 'nope'" })
      assert.deepEqual(none, { runs: new Uint8Array(0) })
    })
  })
}
