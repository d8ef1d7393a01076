import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Comparison, FilterNode, OrderTerm, Run } from '@orchard/core'
import { searchRunsParsed } from '../../src/sql/run-search.ts'
import type { SearchRunsQuery } from '../../src/tracking-store.ts'
import { rejectsWith, storeOpener } from './harness.ts'
import type { OpenedStore, StoreHarness } from './harness.ts'

const cmp = (entity: Comparison['entity'], key: string, operator: Comparison['operator'], value: Comparison['value']): Comparison => ({
  type: 'comparison',
  entity,
  key,
  operator,
  value,
})
const and = (...children: FilterNode[]): FilterNode => ({ type: 'and', children })
const or = (...children: FilterNode[]): FilterNode => ({ type: 'or', children })
const order = (entity: OrderTerm['entity'], key: string, ascending = true): OrderTerm => ({ entity, key, ascending })

/**
 * Five runs with known data:
 *   name   start  metrics.acc   params.model  tags.team  dataset (context)
 *   r1     1000   0.9           cnn           Red        train-a (training)
 *   r2     2000   0.7           rnn           red        train-a (eval)
 *   r3     3000   NaN           cnn           blue       train-b (training)
 *   r4     4000   —             —             —          —
 *   r5     5000   0.8           mlp_v2        blue       —
 */
async function seed({ store }: OpenedStore) {
  const experimentId = await store.createExperiment({ name: 'search' })
  const rows: [string, number, number | undefined, string | undefined, string | undefined][] = [
    ['r1', 1000, 0.9, 'cnn', 'Red'],
    ['r2', 2000, 0.7, 'rnn', 'red'],
    ['r3', 3000, Number.NaN, 'cnn', 'blue'],
    ['r4', 4000, undefined, undefined, undefined],
    ['r5', 5000, 0.8, 'mlp_v2', 'blue'],
  ]
  const ids: Record<string, string> = {}
  for (const [name, startTime, acc, model, team] of rows) {
    const { runId } = (await store.createRun({ experimentId, runName: name, startTime })).info
    ids[name] = runId
    await store.logBatch(runId, {
      ...(acc !== undefined ? { metrics: [{ key: 'acc', value: acc, timestamp: 1, step: 0 }] } : {}),
      ...(model ? { params: [{ key: 'model', value: model }] } : {}),
      ...(team ? { tags: [{ key: 'team', value: team }] } : {}),
    })
  }
  const dataset = (name: string, context: string) => ({
    dataset: { name, digest: `d-${name}`, sourceType: 'local', source: `/data/${name}` },
    tags: [{ key: 'mlflow.data.context', value: context }],
  })
  await store.logInputs(ids.r1 as string, [dataset('train-a', 'training')])
  await store.logInputs(ids.r2 as string, [dataset('train-a', 'eval')])
  await store.logInputs(ids.r3 as string, [dataset('train-b', 'training')])
  return { experimentId, ids }
}

const names = (runs: readonly Run[]) => runs.map((r) => r.info.runName)

export function describeRunSearch(harness: StoreHarness): void {
  describe('run search', () => {
    const open = storeOpener(harness)

    async function searcher() {
      const opened = await open()
      const { experimentId, ids } = await seed(opened)
      const search = async (filter?: FilterNode, orderBy: OrderTerm[] = [], extra: Partial<SearchRunsQuery> = {}) =>
        names(
          (
            await searchRunsParsed(
              opened.ctx,
              { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 100, ...extra },
              filter,
              orderBy,
            )
          ).items,
        )
      return { ...opened, experimentId, ids, search }
    }

    it('returns full runs, newest first by default', async () => {
      const { store, experimentId, search } = await searcher()
      assert.deepEqual(await search(), ['r5', 'r4', 'r3', 'r2', 'r1'])
      const page = await store.searchRuns({ experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 10 })
      const r1 = page.items.find((r) => r.info.runName === 'r1') as Run
      assert.deepEqual(r1, await store.getRun(r1.info.runId))
      assert.equal(r1.inputs.datasetInputs[0]?.dataset.name, 'train-a')
      assert.equal(page.nextPageToken, undefined)
    })

    it('honours the view type and the experiment list', async () => {
      const { store, ids, search } = await searcher()
      await store.deleteRun(ids.r2 as string)
      assert.deepEqual(await search(), ['r5', 'r4', 'r3', 'r1'])
      assert.deepEqual(await search(undefined, [], { runViewType: 'DELETED_ONLY' }), ['r2'])
      assert.deepEqual(await search(undefined, [], { runViewType: 'ALL' }), ['r5', 'r4', 'r3', 'r2', 'r1'])
      // A JavaScript caller that leaves the view type out gets MLflow's default, active runs.
      assert.deepEqual(await search(undefined, [], { runViewType: undefined as unknown as 'ALL' }), ['r5', 'r4', 'r3', 'r1'])
      assert.deepEqual(await search(undefined, [], { experimentIds: ['0', 'junk'] }), [])
      assert.deepEqual(await search(undefined, [], { experimentIds: [] }), [])
    })

    it('filters on metrics, with NaN matching only !=', async () => {
      const { search } = await searcher()
      assert.deepEqual(await search(cmp('metric', 'acc', '>', 0.75)), ['r5', 'r1'])
      assert.deepEqual(await search(cmp('metric', 'acc', '<=', 0.8)), ['r5', 'r2'])
      assert.deepEqual(await search(cmp('metric', 'acc', '=', 0.7)), ['r2'])
      assert.deepEqual(await search(cmp('metric', 'acc', '!=', 0.7)), ['r5', 'r3', 'r1'])
      assert.deepEqual(await search(cmp('metric', 'missing', '>', 0)), [])
    })

    it('filters on aggregates of a metric history (min, max, mean), NaN points left out', async () => {
      const { store, experimentId, ids } = await searcher()
      // loss by step: r1 0.5, 0.25, 0.75 · r2 1, NaN, 0.5 · r3 NaN · r5 0.25 · r4 none.
      const histories: Record<string, number[]> = { r1: [0.5, 0.25, 0.75], r2: [1, Number.NaN, 0.5], r3: [Number.NaN], r5: [0.25] }
      for (const [name, values] of Object.entries(histories)) {
        await store.logBatch(ids[name] as string, { metrics: values.map((value, step) => ({ key: 'loss', value, timestamp: 10 + step, step })) })
      }
      const search = async (filter: string) =>
        names((await store.searchRuns({ experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 50, filter })).items)
      assert.deepEqual(await search('metrics.loss < 0.3'), ['r5'], 'a plain comparison reads the latest value only')
      assert.deepEqual(await search('min(metrics.loss) <= 0.25'), ['r5', 'r1'])
      assert.deepEqual(await search('max(metrics.loss) > 0.8'), ['r2'])
      assert.deepEqual(await search('mean(metrics.loss) = 0.5'), ['r1'])
      assert.deepEqual(await search('avg(metrics.loss) >= 0.5'), ['r2', 'r1'])
      assert.deepEqual(await search('mean(metrics.loss) != 0.5'), ['r5', 'r2'], 'no aggregate (all NaN, or no metric) matches nothing')
      assert.deepEqual(await search("min(metrics.loss) < 0.3 and params.model = 'cnn'"), ['r1'])
      assert.deepEqual(await search('max(metrics.loss) < 0.5 or min(metrics.acc) > 0.85'), ['r5', 'r1'])
      assert.deepEqual(await search('min(metrics.missing) < 1'), [])
      await rejectsWith(search("min(params.model) = 'cnn'"), 'INVALID_PARAMETER_VALUE', 'metrics only')

      // Ordered by an aggregate: runs without a number in their history last either way, ties by
      // start_time DESC; as a later term too; paged across the slices.
      const ordered = async (orderBy: string[], maxResults = 50, pageToken?: string) =>
        store.searchRuns({ experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults, orderBy, ...(pageToken ? { pageToken } : {}) })
      const order = async (...orderBy: string[]) => names((await ordered(orderBy)).items)
      assert.deepEqual(await order('min(metrics.loss) ASC'), ['r5', 'r1', 'r2', 'r4', 'r3'])
      assert.deepEqual(await order('min(metrics.loss) DESC'), ['r2', 'r5', 'r1', 'r4', 'r3'])
      assert.deepEqual(await order('mean(metrics.loss) DESC'), ['r2', 'r1', 'r5', 'r4', 'r3'])
      assert.deepEqual(await order('metrics.loss DESC'), ['r1', 'r2', 'r5', 'r3', 'r4'], 'the latest value: r3 is NaN, r4 has none')
      assert.deepEqual(await order('params.model', 'max(metrics.loss) DESC'), ['r1', 'r3', 'r5', 'r2', 'r4'])
      assert.deepEqual(await order('max(metrics.loss)', 'metrics.loss DESC'), ['r5', 'r1', 'r2', 'r3', 'r4'])
      const paged: string[] = []
      let token: string | undefined
      do {
        const page = await ordered(['max(metrics.loss) DESC'], 2, token)
        paged.push(...names(page.items))
        token = page.nextPageToken
      } while (token)
      assert.deepEqual(paged, names((await ordered(['max(metrics.loss) DESC'])).items))
      await rejectsWith(order('min(metrics.loss)', 'min(metrics.loss) DESC'), 'INVALID_PARAMETER_VALUE', 'duplicate')
    })

    it('filters on params and tags with =, !=, LIKE (case-sensitive), ILIKE, IN and NOT IN', async () => {
      const { search } = await searcher()
      assert.deepEqual(await search(cmp('param', 'model', '=', 'cnn')), ['r3', 'r1'])
      assert.deepEqual(await search(cmp('param', 'model', '!=', 'cnn')), ['r5', 'r2'])
      assert.deepEqual(await search(cmp('tag', 'team', 'LIKE', 'R%')), ['r1'])
      assert.deepEqual(await search(cmp('tag', 'team', 'ILIKE', 'r%')), ['r2', 'r1'])
      assert.deepEqual(await search(cmp('tag', 'team', 'LIKE', '_ed')), ['r2', 'r1'])
      assert.deepEqual(await search(cmp('param', 'model', 'LIKE', 'mlp\\_%')), ['r5'])
      assert.deepEqual(await search(cmp('param', 'model', 'LIKE', '%[%')), [])
      assert.deepEqual(await search(cmp('param', 'model', 'IN', ['rnn', 'mlp_v2'])), ['r5', 'r2'])
      assert.deepEqual(await search(cmp('param', 'model', 'NOT IN', ['rnn', 'mlp_v2'])), ['r3', 'r1'])
    })

    it('filters on attributes', async () => {
      const { ids, search } = await searcher()
      assert.deepEqual(await search(cmp('attribute', 'start_time', '>=', 3000)), ['r5', 'r4', 'r3'])
      assert.deepEqual(await search(cmp('attribute', 'run_name', '=', 'r2')), ['r2'])
      assert.deepEqual(await search(cmp('attribute', 'run_name', 'ILIKE', 'R%')), ['r5', 'r4', 'r3', 'r2', 'r1'])
      assert.deepEqual(await search(cmp('attribute', 'run_id', 'IN', [ids.r1 as string, ids.r4 as string])), ['r4', 'r1'])
      assert.deepEqual(await search(cmp('attribute', 'status', '=', 'RUNNING')), ['r5', 'r4', 'r3', 'r2', 'r1'])
      assert.deepEqual(await search(cmp('attribute', 'end_time', '>', 0)), [])
    })

    it('filters on datasets by name, digest and context', async () => {
      const { search } = await searcher()
      assert.deepEqual(await search(cmp('dataset', 'name', '=', 'train-a')), ['r2', 'r1'])
      assert.deepEqual(await search(cmp('dataset', 'digest', 'IN', ['d-train-b'])), ['r3'])
      assert.deepEqual(await search(cmp('dataset', 'context', '=', 'training')), ['r3', 'r1'])
      assert.deepEqual(
        await search(and(cmp('dataset', 'name', '=', 'train-a'), cmp('dataset', 'context', '=', 'eval'))),
        ['r2'],
      )
    })

    it('combines clauses with AND, OR and nesting', async () => {
      const { search } = await searcher()
      assert.deepEqual(await search(and(cmp('param', 'model', '=', 'cnn'), cmp('metric', 'acc', '>', 0.5))), ['r1'])
      assert.deepEqual(await search(or(cmp('param', 'model', '=', 'rnn'), cmp('tag', 'team', '=', 'blue'))), ['r5', 'r3', 'r2'])
      assert.deepEqual(
        await search(
          and(
            or(cmp('tag', 'team', '=', 'blue'), cmp('tag', 'team', '=', 'Red')),
            or(cmp('metric', 'acc', '>', 0.85), cmp('param', 'model', 'LIKE', 'mlp%')),
          ),
        ),
        ['r5', 'r1'],
      )
      assert.deepEqual(await search(and()), ['r5', 'r4', 'r3', 'r2', 'r1'])
      assert.deepEqual(await search(or()), [])
    })

    it('orders by metrics, params, tags and attributes with missing keys last in both directions', async () => {
      const { search } = await searcher()
      assert.deepEqual(await search(undefined, [order('metric', 'acc', true)]), ['r2', 'r5', 'r1', 'r3', 'r4'])
      assert.deepEqual(await search(undefined, [order('metric', 'acc', false)]), ['r1', 'r5', 'r2', 'r3', 'r4'])
      assert.deepEqual(await search(undefined, [order('param', 'model', true)]), ['r3', 'r1', 'r5', 'r2', 'r4'])
      assert.deepEqual(await search(undefined, [order('param', 'model', false)]), ['r2', 'r5', 'r3', 'r1', 'r4'])
      // Byte order on both databases: 'Red' < 'blue' < 'red'.
      assert.deepEqual(await search(undefined, [order('tag', 'team', true), order('attribute', 'start_time', true)]), [
        'r1',
        'r3',
        'r5',
        'r2',
        'r4',
      ])
      assert.deepEqual(await search(undefined, [order('attribute', 'start_time', true)]), ['r1', 'r2', 'r3', 'r4', 'r5'])
      assert.deepEqual(await search(undefined, [order('attribute', 'run_name', false)]), ['r5', 'r4', 'r3', 'r2', 'r1'])
      assert.deepEqual(
        await search(cmp('metric', 'acc', '>', 0), [order('metric', 'acc', false)], { maxResults: 2 }),
        ['r1', 'r5'],
      )
    })

    it('pages across the ordered, NaN and missing slices of an order_by key', async () => {
      const { ctx, experimentId } = await searcher()
      for (const maxResults of [1, 2, 3]) {
        for (const ascending of [true, false]) {
          const seen: string[] = []
          let pageToken: string | undefined
          do {
            const page = await searchRunsParsed(
              ctx,
              { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults, ...(pageToken ? { pageToken } : {}) },
              undefined,
              [order('metric', 'acc', ascending)],
            )
            seen.push(...names(page.items))
            pageToken = page.nextPageToken
          } while (pageToken)
          assert.deepEqual(seen, ascending ? ['r2', 'r5', 'r1', 'r3', 'r4'] : ['r1', 'r5', 'r2', 'r3', 'r4'], `pages of ${maxResults}`)
        }
      }
    })

    it('parses MLflow filter and order_by text, with OR and parentheses', async () => {
      const { store, experimentId, ids } = await searcher()
      const search = async (filter: string, orderBy: string[] = []) =>
        names(
          (await store.searchRuns({ experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 50, filter, orderBy })).items,
        )
      assert.deepEqual(await search("metrics.acc > 0.75 and params.model != 'rnn' and tags.team = 'Red'"), ['r1'])
      assert.deepEqual(await search("params.model = 'rnn' or (tags.team = 'blue' and metrics.acc >= 0.8)"), ['r5', 'r2'])
      assert.deepEqual(await search("tags.team LIKE 'r%'"), ['r2'])
      assert.deepEqual(await search("tags.team ILIKE 'r%'"), ['r2', 'r1'])
      assert.deepEqual(await search(`attributes.run_id IN ('${ids.r1}', '${ids.r3}')`), ['r3', 'r1'])
      assert.deepEqual(await search(`run_id NOT IN ('${ids.r1}', '${ids.r3}')`), ['r5', 'r4', 'r2'])
      assert.deepEqual(await search("datasets.context IN ('eval')"), ['r2'])
      assert.deepEqual(await search("attributes.`run name` = 'r4'"), ['r4'])
      assert.deepEqual(await search('created >= 4000'), ['r5', 'r4'])
      assert.deepEqual(await search('', ['metrics.acc DESC']), ['r1', 'r5', 'r2', 'r3', 'r4'])
      assert.deepEqual(await search('', ['params.model', 'start_time DESC']), ['r3', 'r1', 'r5', 'r2', 'r4'])
      assert.deepEqual(await search('', ['attributes.experiment_id', 'run_name DESC']), ['r5', 'r4', 'r3', 'r2', 'r1'])
      await rejectsWith(search('metrics.acc >'), 'INVALID_PARAMETER_VALUE', '')
      await rejectsWith(search('', ['metrics.acc SIDEWAYS']), 'INVALID_PARAMETER_VALUE', '')
      await rejectsWith(search('', ['metrics.acc', 'metrics.acc DESC']), 'INVALID_PARAMETER_VALUE', 'duplicate')
    })

    it('refuses duplicate order_by fields and unknown keys', async () => {
      const { search } = await searcher()
      await rejectsWith(search(undefined, [order('metric', 'a'), order('metric', 'a', false)]), 'INVALID_PARAMETER_VALUE', 'duplicate')
      await rejectsWith(search(cmp('attribute', 'bogus', '=', 'x')), 'INVALID_PARAMETER_VALUE', 'bogus')
      await rejectsWith(search(undefined, [order('attribute', 'bogus')]), 'INVALID_PARAMETER_VALUE', 'bogus')
    })

    it('pages through results with opaque tokens', async () => {
      const { store, experimentId } = await searcher()
      const query = { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 2 } as const
      const first = await store.searchRuns(query)
      assert.deepEqual(names(first.items), ['r5', 'r4'])
      assert.ok(first.nextPageToken)
      const second = await store.searchRuns({ ...query, pageToken: first.nextPageToken })
      assert.deepEqual(names(second.items), ['r3', 'r2'])
      const third = await store.searchRuns({ ...query, pageToken: second.nextPageToken as string })
      assert.deepEqual(names(third.items), ['r1'])
      assert.equal(third.nextPageToken, undefined)
    })

    it('keeps pages stable while runs are being added', async () => {
      const { store, experimentId } = await searcher()
      const query = { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 2 } as const
      const seen: string[] = []
      let pageToken: string | undefined
      let added = 0
      do {
        const page = await store.searchRuns({ ...query, ...(pageToken ? { pageToken } : {}) })
        seen.push(...names(page.items))
        pageToken = page.nextPageToken
        // Newer runs sort first; without the watermark each would push one already-read run onto the next page.
        await store.createRun({ experimentId, runName: `late-${added++}`, startTime: 9000 + added })
      } while (pageToken)
      assert.deepEqual(seen, ['r5', 'r4', 'r3', 'r2', 'r1'])
    })

    it('hydrates and pages through large result sets', async () => {
      const { store } = await open()
      const experimentId = await store.createExperiment({ name: 'many' })
      for (let i = 0; i < 150; i++) {
        const { runId } = (await store.createRun({ experimentId, runName: `run-${i}`, startTime: i })).info
        await store.logBatch(runId, { params: [{ key: 'i', value: String(i) }], metrics: [{ key: 'i', value: i, timestamp: 0, step: 0 }] })
      }
      const query = { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 120 } as const
      const first = await store.searchRuns(query)
      assert.equal(first.items.length, 120)
      assert.deepEqual(first.items[0]?.data.params, [{ key: 'i', value: '149' }])
      assert.deepEqual(first.items[119]?.data.metrics, [{ key: 'i', value: 30, timestamp: 0, step: 0 }])
      const second = await store.searchRuns({ ...query, pageToken: first.nextPageToken as string })
      assert.deepEqual(names(second.items), Array.from({ length: 30 }, (_, i) => `run-${29 - i}`))
      const ids = first.items.map((r) => r.info.runId)
      assert.equal((await store.getMetricHistoryBulk(ids.slice(0, 100), 'i', 1000)).length, 100)
    })

    it('refuses page tokens that are not ours or belong to another search', async () => {
      const { store, experimentId } = await searcher()
      const query = { experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY', maxResults: 2 } as const
      await rejectsWith(store.searchRuns({ ...query, pageToken: '%%%' }), 'INVALID_PARAMETER_VALUE', 'Invalid page token')
      const forged = Buffer.from(JSON.stringify({ offset: 'x', watermark: 1 })).toString('base64')
      await rejectsWith(store.searchRuns({ ...query, pageToken: forged }), 'INVALID_PARAMETER_VALUE', 'Invalid page token')
      const { nextPageToken } = await store.searchRuns(query)
      await rejectsWith(
        store.searchRuns({ ...query, runViewType: 'ALL', pageToken: nextPageToken as string }),
        'INVALID_PARAMETER_VALUE',
        'belongs to a search with other arguments',
      )
    })
  })
}
