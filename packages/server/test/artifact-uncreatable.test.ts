import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { openHostileApp } from './hostile-harness.ts'

// An upload to a location that cannot be created answers at once with what is wrong. Node's own
// recursive mkdir never returns under /proc/self, which hung such uploads.
describe('uploads to an artifact location that cannot be created', { skip: existsSync('/proc/self') ? false : 'needs /proc' }, () => {
  it('fail fast with a message naming the cause', { timeout: 60_000 }, async () => {
    const h = await openHostileApp('sqlite', { artifactsDestination: '/proc/self/orchard-cannot-exist/artifacts' })
    try {
      for (const body of ['small', new Uint8Array(4 * 1024 * 1024)]) {
        const reply = await h.send('PUT', '/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts/file.bin', body)
        assert.equal(reply.status, 500, reply.text)
        assert.equal(reply.json.error_code, 'INTERNAL_ERROR')
        assert.match(reply.json.message, /artifact location cannot be written here \(ENOENT\)/)
      }
    } finally {
      await h.close()
    }
  })
})
