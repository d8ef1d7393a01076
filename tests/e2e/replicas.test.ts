// Two `orchard server` processes on one PostgreSQL database behind a round-robin proxy, as a
// load balancer would put them: concurrent writers through the proxy lose nothing, and registry
// versions created concurrently on both replicas stay unique and dense.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testDatabase } from '@orchard/store/testing'
import { startCli, tempDir } from '../../packages/cli/test/harness.ts'
import type { RunningCli } from '../../packages/cli/test/harness.ts'
import { roundRobin } from './round-robin.ts'

async function post(url: string, path: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(`${url}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, any>
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

async function get(url: string, path: string): Promise<Record<string, any>> {
  const response = await fetch(`${url}/api/2.0/mlflow/${path}`)
  const json = (await response.json()) as Record<string, any>
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

describe('two replicas on one PostgreSQL behind a round-robin proxy', () => {
  const database = testDatabase('orchard_replicas')
  let dir: Awaited<ReturnType<typeof tempDir>>
  const replicas: RunningCli[] = []
  let proxy: Awaited<ReturnType<typeof roundRobin>>

  before(async () => {
    await database.create()
    dir = await tempDir()
    const args = ['server', '--port', '0', '--backend-store-uri', database.url, '--artifacts-destination', `${dir.path}/artifacts`]
    // One after the other: the first initialises the schema.
    replicas.push(await startCli(dir.path, args))
    replicas.push(await startCli(dir.path, args))
    proxy = await roundRobin(replicas.map((replica) => replica.url))
  })
  after(async () => {
    await proxy?.close()
    for (const replica of replicas) await replica.kill()
    await database.drop()
    await dir?.remove()
  })

  it('loses no acknowledged write from concurrent writers', async () => {
    const runId = (await post(proxy.url, 'runs/create', { experiment_id: '0' })).run.info.run_id as string
    const WRITERS = 6
    const BATCHES = 15
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let b = 0; b < BATCHES; b++) {
          await post(proxy.url, 'runs/log-batch', {
            run_id: runId,
            metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'loss', value: i, timestamp: 1, step: w * 10_000 + b * 10 + i })),
            params: [{ key: `p-${w}-${b}`, value: String(b) }],
            tags: [{ key: `t-${w}`, value: String(b) }],
          })
        }
      }),
    )
    assert.ok(proxy.counts.every((count) => count > 10), `both replicas served writes: ${proxy.counts.join(', ')}`)
    const history = await get(proxy.url, `metrics/get-history?run_id=${runId}&metric_key=loss&max_results=25000`)
    assert.equal(history.metrics.length, WRITERS * BATCHES * 10)
    const run = (await get(proxy.url, `runs/get?run_id=${runId}`)).run
    assert.equal(run.data.params.length, WRITERS * BATCHES)
    assert.deepEqual(
      (run.data.tags as { key: string; value: string }[]).filter((t) => t.key.startsWith('t-')).map((t) => t.value),
      Array.from({ length: WRITERS }, () => String(BATCHES - 1)),
    )
  })

  it('numbers model versions created concurrently on both replicas uniquely and densely', async () => {
    await post(proxy.url, 'registered-models/create', { name: 'replicated' })
    const runId = (await post(proxy.url, 'runs/create', { experiment_id: '0' })).run.info.run_id as string
    const COUNT = 24
    const created = await Promise.all(
      Array.from({ length: COUNT }, () =>
        post(proxy.url, 'model-versions/create', { name: 'replicated', source: `runs:/${runId}/model`, run_id: runId }),
      ),
    )
    const numbers = created.map((reply) => Number(reply.model_version.version)).sort((a, b) => a - b)
    assert.deepEqual(numbers, Array.from({ length: COUNT }, (_, i) => i + 1))
    const listed = await get(proxy.url, `model-versions/search?filter=${encodeURIComponent("name = 'replicated'")}`)
    assert.equal(listed.model_versions.length, COUNT)
  })
})
