import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { LinearModel } from '@orchard/models'
import type { LinearModelData } from '@orchard/models'
import { OrchardClient } from '@orchard/sdk'
import { startCli, tempDir } from './harness.ts'

const V1: LinearModelData = { intercept: 1, coefficients: [1], feature_names: ['x'] }
const V2: LinearModelData = { intercept: 100, coefficients: [1], feature_names: ['x'] }
const ROWS = [{ x: 1 }, { x: 2 }]

let dir: { path: string; remove(): Promise<void> }
before(async () => (dir = await tempDir()))
after(() => dir.remove())

test('serve --watch follows @champion to a new version under load with no failed request', async () => {
  const trackingUri = `sqlite:///${join(dir.path, 'mlruns.db')}`
  const client = new OrchardClient(trackingUri)
  const run = await client.createRun('0')
  await client.logModel(run.info.runId, 'orchard.linear', V1, { artifactPath: 'v1', registeredModelName: 'watched' })
  await client.logModel(run.info.runId, 'orchard.linear', V2, { artifactPath: 'v2', registeredModelName: 'watched' })
  await client.setRegisteredModelAlias('watched', 'champion', '1')
  const cli = await startCli(dir.path, ['models', 'serve', '-m', 'models:/watched@champion', '-p', '0', '--watch', '--watch-interval', '0.1s', '--tracking-uri', trackingUri])
  const before = JSON.stringify(new LinearModel(V1).predict(ROWS))
  const afterSwitch = JSON.stringify(new LinearModel(V2).predict(ROWS))
  const seen = { old: 0, new: 0 }
  const failures: string[] = []
  let stop = false
  const worker = async () => {
    while (!stop) {
      try {
        const response = await fetch(`${cli.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: ROWS }) })
        const text = await response.text()
        if (response.status !== 200) failures.push(`${response.status} ${text}`)
        else {
          const predictions = JSON.stringify((JSON.parse(text) as { predictions: unknown }).predictions)
          if (predictions === before) seen.old++
          else if (predictions === afterSwitch) seen.new++
          else failures.push(`unexpected ${predictions}`)
        }
      } catch (error) {
        failures.push(String(error))
      }
    }
  }
  try {
    const workers = Array.from({ length: 8 }, worker)
    while (seen.old < 200) await new Promise((resolve) => setTimeout(resolve, 20))
    await client.setRegisteredModelAlias('watched', 'champion', '2')
    const deadline = Date.now() + 15_000
    while (seen.new < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    stop = true
    await Promise.all(workers)
    assert.deepEqual(failures, [])
    assert.ok(seen.new >= 200, `served the new version ${seen.new} times`)
    const metrics = await (await fetch(`${cli.url}/metrics`)).text()
    assert.match(metrics, /^orchard_serving_model_reloads_total\{model_name="watched"\} 1$/m)
    assert.match(metrics, /^orchard_serving_model_info\{model_name="watched",model_version="2",model_uri="models:\/watched@champion"\} 1$/m)
    assert.match(metrics, /^orchard_serving_request_total\{model_name="watched",model_version="1",endpoint="\/invocations",http_response_code="200"\} \d+$/m)
    assert.match(cli.output().stderr, /Switched models:\/watched@champion to version 2/)
  } finally {
    stop = true
    await client.close()
    await cli.kill()
  }
})
