import assert from 'node:assert/strict'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { expectErrorReply, openArtifactTestApp } from './artifact-service-harness.ts'
import type { ArtifactTestApp } from './artifact-service-harness.ts'

// Every artifact endpoint against every way of writing a path that leaves the destination. Each must
// answer 400 INVALID_PARAMETER_VALUE and touch nothing outside.

/** Escapes as they appear in a URL path: each survives URL parsing and is refused by our resolver. */
const URL_PATH_ESCAPES = [
  '%2e%2e%2fsecret',
  '..%2fsecret',
  'a%2f..%2f..%2fsecret',
  '%252e%252e/secret',
  '%252e%252e%252fsecret',
  '%5c..%5csecret',
  'a%5c..%5c..%5csecret',
  'a%00b',
  '/etc/passwd',
  '%2fetc%2fpasswd',
  'C:%2fWindows',
]

/** The same escapes as a query-string or JSON value, plus the plain forms URL parsing would otherwise resolve. */
const VALUE_ESCAPES = ['../secret', 'a/../../secret', '..', '/etc/passwd', 'a\\..\\secret', 'a\0b', '%2e%2e/secret', '%2e%2e%2fsecret', '%252e%252e/secret', '%5c..%5cx', 'C:/Windows']

const PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts']

describe('artifact endpoints refuse paths that escape the destination', () => {
  let t: ArtifactTestApp
  let runId: string
  before(async () => {
    t = await openArtifactTestApp()
    await writeFile(join(t.dir, 'secret'), 'top secret')
    runId = (await t.createRun()).runId
  })
  after(async () => {
    assert.equal(await readFile(join(t.dir, 'secret'), 'utf8'), 'top secret')
    assert.deepEqual((await readdir(t.dir)).filter((name) => !name.startsWith('orchard.db')).sort(), ['artifacts', 'secret'])
    await t.close()
  })

  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const pathEndpoints: [string, (prefix: string, path: string) => Promise<Response>][] = [
    ['GET artifacts/<path> (download)', (prefix, path) => t.fetch(`${prefix}/artifacts/${path}`)],
    ['PUT artifacts/<path> (upload)', (prefix, path) => t.fetch(`${prefix}/artifacts/${path}`, { method: 'PUT', body: 'pwned' })],
    ['DELETE artifacts/<path>', (prefix, path) => t.fetch(`${prefix}/artifacts/${path}`, { method: 'DELETE' })],
    ['POST mpu/create/<path>', (prefix, path) => t.fetch(`${prefix}/mpu/create/${path}`, json({ path: 'f.bin', num_parts: 1 }))],
    ['POST mpu/complete/<path>', (prefix, path) => t.fetch(`${prefix}/mpu/complete/${path}`, json({ path: 'f.bin', upload_id: 'u', parts: [] }))],
    ['POST mpu/abort/<path>', (prefix, path) => t.fetch(`${prefix}/mpu/abort/${path}`, json({ path: 'f.bin', upload_id: 'u' }))],
  ]

  for (const [endpoint, call] of pathEndpoints) {
    for (const prefix of PREFIXES) {
      it(`${endpoint} under ${prefix.split('/')[1]}`, async () => {
        for (const path of URL_PATH_ESCAPES) {
          await expectErrorReply(await call(prefix, path), 400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path').catch((error: Error) => {
            throw new Error(`${path}: ${error.message}`)
          })
        }
      })
    }
  }

  const valueEndpoints: [string, (path: string) => Promise<Response>][] = [
    ['GET artifacts?path= (list)', (path) => t.fetch(`/api/2.0/mlflow-artifacts/artifacts?${new URLSearchParams({ path })}`)],
    ['GET /ajax-api artifacts?path= (list)', (path) => t.fetch(`/ajax-api/2.0/mlflow-artifacts/artifacts?${new URLSearchParams({ path })}`)],
    ['GET /get-artifact?path=', (path) => t.fetch(`/get-artifact?${new URLSearchParams({ path, run_uuid: runId })}`)],
  ]
  for (const [endpoint, call] of valueEndpoints) {
    it(endpoint, async () => {
      for (const path of VALUE_ESCAPES) {
        await expectErrorReply(await call(path), 400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path').catch((error: Error) => {
          throw new Error(`${JSON.stringify(path)}: ${error.message}`)
        })
      }
    })
  }

  it('POST mpu/create with a local file "path" whose name escapes', async () => {
    // The body's path is the client's local file; only its basename is used, so that is what must be safe.
    for (const path of ['..', '/home/me/..', '%2e%2e', 'dir/%252e%252e', 'C:\\Users\\..']) {
      const response = await t.fetch('/api/2.0/mlflow-artifacts/mpu/create/0/x', json({ path, num_parts: 1 }))
      await expectErrorReply(response, 400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path').catch((error: Error) => {
        throw new Error(`${JSON.stringify(path)}: ${error.message}`)
      })
    }
    // A NUL is refused with the rest of the JSON body, before the path is looked at.
    const nul = await t.fetch('/api/2.0/mlflow-artifacts/mpu/create/0/x', json({ path: 'a\0b', num_parts: 1 }))
    await expectErrorReply(nul, 400, 'INVALID_PARAMETER_VALUE', 'NUL character')
  })

  it('lets URL parsing resolve literal dot segments before routing, so they never reach the destination', async () => {
    for (const path of ['../../../secret', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret', '.%2e/.%2e/.%2e/.%2e/secret']) {
      const response = await t.fetch(`/api/2.0/mlflow-artifacts/artifacts/${path}`)
      const body = await response.text()
      assert.equal(response.status, 404, path)
      assert.doesNotMatch(body, /top secret/)
    }
  })
})
