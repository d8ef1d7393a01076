import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Comparison, Experiment, FilterNode, OrderTerm } from '@orchard/core'
import { searchExperimentsParsed } from '../../src/sql/experiment-search.ts'
import type { SearchExperimentsQuery } from '../../src/tracking-store.ts'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

const cmp = (entity: Comparison['entity'], key: string, operator: Comparison['operator'], value: Comparison['value']): Comparison => ({
  type: 'comparison',
  entity,
  key,
  operator,
  value,
})
const names = (items: readonly Experiment[]) => items.map((e) => e.name)

export function describeExperimentSearch(harness: StoreHarness): void {
  describe('experiment search', () => {
    const open = storeOpener(harness)

    async function searcher() {
      const opened = await open()
      const { store, clock } = opened
      // creation times: Default t0, alpha t0+1, Beta t0+2, gamma t0+2 (a tie), delta t0+3 (deleted)
      clock.advance(1)
      await store.createExperiment({ name: 'alpha', tags: [{ key: 'team', value: 'vision' }] })
      clock.advance(1)
      await store.createExperiment({ name: 'Beta', tags: [{ key: 'team', value: 'nlp' }] })
      await store.createExperiment({ name: 'gamma' })
      clock.advance(1)
      await store.deleteExperiment(await store.createExperiment({ name: 'delta' }))
      const search = async (filter?: FilterNode, orderBy: OrderTerm[] = [], extra: Partial<SearchExperimentsQuery> = {}) =>
        names((await searchExperimentsParsed(opened.ctx, { viewType: 'ACTIVE_ONLY', maxResults: 100, ...extra }, filter, orderBy)).items)
      return { ...opened, search }
    }

    it('lists newest first, ties by experiment id ascending, by view type', async () => {
      const { store, search } = await searcher()
      assert.deepEqual(await search(), ['Beta', 'gamma', 'alpha', 'Default'])
      assert.deepEqual(await search(undefined, [], { viewType: 'DELETED_ONLY' }), ['delta'])
      assert.deepEqual(await search(undefined, [], { viewType: 'ALL' }), ['delta', 'Beta', 'gamma', 'alpha', 'Default'])
      // A JavaScript caller that leaves the view type out gets MLflow's default, active experiments.
      assert.deepEqual(await search(undefined, [], { viewType: undefined as unknown as 'ALL' }), ['Beta', 'gamma', 'alpha', 'Default'])
      const page = await store.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 10 })
      assert.deepEqual(names(page.items), ['Beta', 'gamma', 'alpha', 'Default'])
      assert.deepEqual(page.items[2]?.tags, [{ key: 'team', value: 'vision' }])
    })

    it('orders by name, id and times, breaking ties by experiment id descending', async () => {
      const { search } = await searcher()
      const by = (key: string, ascending: boolean): OrderTerm => ({ entity: 'attribute', key, ascending })
      assert.deepEqual(await search(undefined, [by('name', true)]), ['Beta', 'Default', 'alpha', 'gamma'])
      assert.deepEqual(await search(undefined, [by('experiment_id', false)]), ['gamma', 'Beta', 'alpha', 'Default'])
      assert.deepEqual(await search(undefined, [by('creation_time', true)]), ['Default', 'alpha', 'gamma', 'Beta'])
      assert.deepEqual(await search(undefined, [by('last_update_time', false)]), ['gamma', 'Beta', 'alpha', 'Default'])
      await rejectsWith(search(undefined, [by('bogus', true)]), 'INVALID_PARAMETER_VALUE', 'bogus')
    })

    it('filters on name, times and tags', async () => {
      const { clock, search } = await searcher()
      assert.deepEqual(await search(cmp('attribute', 'name', '=', 'alpha')), ['alpha'])
      assert.deepEqual(await search(cmp('attribute', 'name', 'LIKE', '%a')), ['Beta', 'gamma', 'alpha'])
      assert.deepEqual(await search(cmp('attribute', 'name', 'ILIKE', 'b%')), ['Beta'])
      assert.deepEqual(await search(cmp('attribute', 'name', '!=', 'alpha')), ['Beta', 'gamma', 'Default'])
      assert.deepEqual(await search(cmp('attribute', 'creation_time', '>=', clock.time - 1)), ['Beta', 'gamma'])
      assert.deepEqual(await search(cmp('tag', 'team', '=', 'nlp')), ['Beta'])
      assert.deepEqual(
        await search({ type: 'or', children: [cmp('tag', 'team', 'LIKE', 'vis%'), cmp('attribute', 'name', '=', 'gamma')] }),
        ['gamma', 'alpha'],
      )
      await rejectsWith(search(cmp('metric', 'x', '>', 1)), 'INVALID_PARAMETER_VALUE', 'metric.x')
    })

    it('parses MLflow filter and order_by text', async () => {
      const { store } = await searcher()
      const search = async (filter: string, orderBy: string[] = []) =>
        names((await store.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 50, filter, orderBy })).items)
      assert.deepEqual(await search("name ILIKE '%a' and tags.team != 'nlp'"), ['alpha'])
      assert.deepEqual(await search("tags.team = 'nlp' or name = 'gamma'"), ['Beta', 'gamma'])
      assert.deepEqual(await search('', ['name DESC']), ['gamma', 'alpha', 'Default', 'Beta'])
      await rejectsWith(search('metrics.x > 1'), 'INVALID_PARAMETER_VALUE', '')
      await rejectsWith(search('', ['bogus']), 'INVALID_PARAMETER_VALUE', 'bogus')
    })

    it('pages with tokens that ignore experiments created meanwhile', async () => {
      const { store } = await searcher()
      const seen: string[] = []
      let pageToken: string | undefined
      let n = 0
      do {
        const page = await store.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 3, ...(pageToken ? { pageToken } : {}) })
        seen.push(...names(page.items))
        pageToken = page.nextPageToken
        await store.createExperiment({ name: `late-${n++}` })
      } while (pageToken)
      assert.deepEqual(seen, ['Beta', 'gamma', 'alpha', 'Default'])
      await rejectsWith(store.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 3, pageToken: 'e30=' }), 'INVALID_PARAMETER_VALUE', 'Invalid page token')
    })
  })
}
