import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openTrackingStore } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import { createApp } from '../src/app.ts'

// GET /api/3.0/mlflow/server-info, MLflow 3's capability probe, under both prefixes.
describe('server-info', () => {
  let dir: string
  let store: TrackingStore
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-server-info-'))
    store = await openTrackingStore(`sqlite:///${join(dir, 'orchard.db')}`)
  })
  after(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  const info = async (artifactsDestination: string | undefined, prefix = '/api/3.0') => {
    const app = createApp({ trackingStore: store, ...(artifactsDestination ? { artifactsDestination } : {}) })
    const response = await app.request(`${prefix}/mlflow/server-info`)
    assert.equal(response.status, 200)
    return response.json()
  }

  it('reports a SQL store, no workspaces or trace archival, and no multipart on a local destination', async () => {
    const expected = {
      store_type: 'SqlStore',
      workspaces_enabled: false,
      trace_archival_enabled: false,
      multipart_uploads_enabled: false,
      multipart_downloads_enabled: false,
    }
    assert.deepEqual(await info(join(dir, 'artifacts')), expected)
    assert.deepEqual(await info(join(dir, 'artifacts'), '/ajax-api/3.0'), expected)
    assert.deepEqual(await info(undefined), expected)
  })

  it('reports multipart uploads when the proxy writes to S3', async () => {
    assert.equal((await info('s3://bucket/artifacts')).multipart_uploads_enabled, true)
  })

  it('is not served under the 2.0 prefix, where MLflow has no such route', async () => {
    const app = createApp({ trackingStore: store })
    assert.equal((await app.request('/api/2.0/mlflow/server-info')).status, 404)
  })
})
