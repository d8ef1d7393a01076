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
})
