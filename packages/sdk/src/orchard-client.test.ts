import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { afterEach, test } from 'node:test'
import { OrchardClient, MlflowClient, resolveTrackingUri } from './orchard-client.ts'

const saved = process.env.MLFLOW_TRACKING_URI
afterEach(() => {
  if (saved === undefined) delete process.env.MLFLOW_TRACKING_URI
  else process.env.MLFLOW_TRACKING_URI = saved
})

test('the tracking URI is the argument, else MLFLOW_TRACKING_URI, else ./mlruns', () => {
  process.env.MLFLOW_TRACKING_URI = 'http://from-env:5000'
  assert.equal(resolveTrackingUri('sqlite:///a.db'), 'sqlite:///a.db')
  assert.equal(resolveTrackingUri(), 'http://from-env:5000')
  delete process.env.MLFLOW_TRACKING_URI
  assert.equal(resolveTrackingUri(), './mlruns')
})

test('MlflowClient is OrchardClient under MLflow’s name', async () => {
  const client = new MlflowClient('http://127.0.0.1:9')
  assert.ok(client instanceof OrchardClient)
  assert.equal(client.trackingUri, 'http://127.0.0.1:9')
  await client.close()
})

test('an unreachable server is TEMPORARILY_UNAVAILABLE after the retries', async () => {
  // Port 9 (discard) is closed on test machines: the connection is refused at once.
  const client = new OrchardClient('http://127.0.0.1:9', { retry: { maxRetries: 2, initialDelayMs: 1 } })
  await assert.rejects(client.getExperiment('1'), (error: unknown) => {
    assert.ok(error instanceof Error && 'code' in error)
    assert.equal(error.code, 'TEMPORARILY_UNAVAILABLE')
    assert.match(error.message, /Could not reach http:\/\/127\.0\.0\.1:9\/api\/2\.0\/mlflow\/experiments\/get/)
    return true
  })
  await client.close()
})

test('an unsupported tracking URI fails every call with INVALID_PARAMETER_VALUE', async () => {
  const client = new OrchardClient('databricks://workspace')
  await assert.rejects(client.getExperiment('1'), /Unsupported tracking URI/)
  await client.close()
})

/** A server that records each request's headers and answers with `reply` (or never, for `hang`). */
async function recordingServer(reply: 'not-found' | 'hang') {
  const headers: Record<string, string | string[] | undefined>[] = []
  const server = createServer((req, res) => {
    headers.push(req.headers)
    if (reply === 'hang') return
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'none' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

function withEnv(values: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]))
  Object.assign(process.env, values)
  return body().finally(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })
}

test('MLFLOW_TRACKING_TOKEN is sent as a bearer token, or else username and password as basic auth', async () => {
  const server = await recordingServer('not-found')
  try {
    await withEnv({ MLFLOW_TRACKING_TOKEN: 't0ken' }, async () => {
      const client = new OrchardClient(server.url)
      assert.equal(await client.getExperimentByName('x'), undefined)
      await client.close()
    })
    await withEnv({ MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 's3cret' }, async () => {
      const client = new OrchardClient(server.url)
      await client.getExperimentByName('x')
      await client.close()
    })
    assert.equal(server.headers[0]?.authorization, 'Bearer t0ken')
    assert.equal(server.headers[1]?.authorization, `Basic ${Buffer.from('ana:s3cret').toString('base64')}`)
  } finally {
    await server.close()
  }
})

test('MLFLOW_WORKSPACE is sent as X-MLFLOW-WORKSPACE, the workspace option wins, and nothing is sent without either', async () => {
  const server = await recordingServer('not-found')
  try {
    await withEnv({ MLFLOW_WORKSPACE: 'team-a' }, async () => {
      const fromEnv = new OrchardClient(server.url)
      await fromEnv.getExperimentByName('x')
      await fromEnv.close()
      const fromOption = new OrchardClient(server.url, { workspace: 'team-b' })
      await fromOption.getExperimentByName('x')
      await fromOption.close()
    })
    assert.equal(process.env.MLFLOW_WORKSPACE, undefined)
    const none = new OrchardClient(server.url)
    await none.getExperimentByName('x')
    await none.close()
    assert.equal(server.headers[0]?.['x-mlflow-workspace'], 'team-a')
    assert.equal(server.headers[1]?.['x-mlflow-workspace'], 'team-b')
    assert.equal(server.headers[2]?.['x-mlflow-workspace'], undefined)
  } finally {
    await server.close()
  }
})

test('MLFLOW_HTTP_REQUEST_TIMEOUT (seconds) bounds each attempt unless timeoutMs is given', async () => {
  const server = await recordingServer('hang')
  try {
    await withEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: '0.05', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }, async () => {
      const client = new OrchardClient(server.url)
      await assert.rejects(client.getExperiment('1'), /timed out after 50 ms/)
      await client.close()
      const explicit = new OrchardClient(server.url, { timeoutMs: 30 })
      await assert.rejects(explicit.getExperiment('1'), /timed out after 30 ms/)
      await explicit.close()
    })
  } finally {
    await server.close()
  }
})

test('logMetric calls nobody awaits: batched, and a failure surfaces at flush instead of ending the process', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = await mkdtemp(join(tmpdir(), 'orchard-unawaited-'))
  const unhandled: unknown[] = []
  const listener = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', listener)
  const client = new OrchardClient(join(dir, 'mlruns'))
  try {
    const run = await client.createRun(await client.createExperiment('unawaited'))
    for (let step = 0; step < 3_000; step++) void client.logMetric(run.info.runId, 'loss', 1 / (step + 1), { step })
    await client.flush()
    assert.equal((await client.getMetricHistory(run.info.runId, 'loss')).length, 3_000)

    // A run that does not exist: every batch fails, and no caller is waiting on any logMetric.
    const missing = '0123456789abcdef0123456789abcdef'
    for (let step = 0; step < 10; step++) void client.logMetric(missing, 'loss', step, { step })
    await assert.rejects(client.flush(), /not found/)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(unhandled, [])
  } finally {
    process.off('unhandledRejection', listener)
    await client.close().catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
})
