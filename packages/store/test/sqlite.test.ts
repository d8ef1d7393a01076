import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { openTrackingStore } from '../src/index.ts'
import { describeTrackingStore } from './describe-tracking-store.ts'

const folder = mkdtempSync(join(tmpdir(), 'orchard-store-'))
let databases = 0
after(() => rmSync(folder, { recursive: true, force: true }))
// SQLAlchemy's absolute form: sqlite:/// followed by an absolute path.
const newDatabaseUri = async () => `sqlite:///${join(folder, `tracking-${++databases}.db`)}`

describeTrackingStore('SQLite', { newDatabaseUri })

describe('SQLite specifics', () => {
  it('lets two stores in one process write to the same file at once', async () => {
    const uri = await newDatabaseUri()
    const [a, b] = [await openTrackingStore(uri), await openTrackingStore(uri)]
    try {
      const { runId } = (await a.createRun({ experimentId: '0' })).info
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).logBatch(runId, { metrics: [{ key: 'm', value: i, timestamp: i, step: i }] }),
        ),
      )
      assert.equal((await b.getMetricHistory(runId, 'm')).items.length, 40)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("puts artifacts next to the database file when no root is given", async () => {
    const uri = await newDatabaseUri()
    const store = await openTrackingStore(uri)
    try {
      assert.equal((await store.getExperiment('0')).artifactLocation, join(folder, 'artifacts', '0'))
    } finally {
      await store.close()
    }
  })

  it('stops a search that runs past the URI\'s statement_timeout, as PostgreSQL does', async () => {
    const store = await openTrackingStore(`${await newDatabaseUri()}?statement_timeout=1`)
    try {
      const experimentId = await store.createExperiment({ name: 'budget' })
      for (let i = 0; i < 2000; i++) {
        const { runId } = (await store.createRun({ experimentId, startTime: i })).info
        await store.logBatch(runId, { params: Array.from({ length: 5 }, (_, k) => ({ key: `p${k}`, value: `value-${i}-${k}` })) })
      }
      // 2,000 runs × 60 pattern matches: far more than 1 ms of work on any machine.
      const filter = Array.from({ length: 60 }, (_, k) => `params.p${k % 5} LIKE '%${k}-nope%'`).join(' OR ')
      await assert.rejects(store.searchRuns({ experimentIds: [experimentId], filter, maxResults: 1000, runViewType: 'ACTIVE_ONLY' }), {
        code: 'TEMPORARILY_UNAVAILABLE',
        message: /statement timeout/,
      })
      // Reads by key do not count against it, and a search of a few runs fits in it (the clock is
      // read once in 256 rows).
      const small = await store.createExperiment({ name: 'small' })
      const { runId } = (await store.createRun({ experimentId: small })).info
      assert.equal((await store.getRun(runId)).info.runId, runId)
      assert.equal((await store.searchRuns({ experimentIds: [small], filter: "attributes.status = 'RUNNING'", maxResults: 10, runViewType: 'ACTIVE_ONLY' })).items.length, 1)
    } finally {
      await store.close()
    }
  })
})
