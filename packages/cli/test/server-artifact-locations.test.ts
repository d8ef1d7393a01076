import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { startCli, tempDir } from './harness.ts'

test('orchard server --allowed-artifact-locations: experiments may use those prefixes, nothing else outside its roots', async () => {
  const dir = await tempDir()
  const allowed = join(dir.path, 'team-artifacts')
  const server = await startCli(dir.path, ['server', '--port', '0', '--backend-store-uri', `sqlite:///${join(dir.path, 'o.db')}`, '--allowed-artifact-locations', `${allowed},s3://bucket/ml`])
  try {
    const create = async (name: string, location: string) => {
      const response = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, artifact_location: location }),
      })
      return { status: response.status, json: (await response.json()) as { error_code?: string; message?: string } }
    }
    assert.equal((await create('a', join(allowed, 'a'))).status, 200)
    assert.equal((await create('b', 's3://bucket/ml/b')).status, 200)
    const refused = await create('c', '/etc')
    assert.equal(refused.status, 400)
    assert.equal(refused.json.error_code, 'INVALID_PARAMETER_VALUE')
    assert.match(refused.json.message ?? '', /--allowed-artifact-locations/)
  } finally {
    await server.kill()
    await dir.remove()
  }
})
