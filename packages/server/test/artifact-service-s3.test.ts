import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startMoto, useMotoEnvironment } from '@orchard/artifacts/testing'
import type { MotoServer } from '@orchard/artifacts/testing'
import { expectErrorReply, openArtifactTestApp } from './artifact-service-harness.ts'
import type { ArtifactTestApp } from './artifact-service-harness.ts'

// The proxy over an S3 destination (moto on loopback): bytes through the server, and multipart uploads
// whose parts go straight to the store through presigned URLs, as MLflow's Python client sends them
// when MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD is on.

const BUCKET = 'proxy-destination'

describe('artifact proxy over an S3 destination', () => {
  let moto: MotoServer
  let t: ArtifactTestApp
  let proxyPath: string
  before(async () => {
    moto = await startMoto()
    useMotoEnvironment(moto.endpoint)
    await moto.createBucket(BUCKET)
    t = await openArtifactTestApp({ destination: `s3://${BUCKET}/mlartifacts` })
    proxyPath = (await t.createRun()).proxyPath
  })
  after(async () => {
    await t?.close()
    await moto?.stop()
  })

  const post = (verb: string, folder: string, body: unknown) =>
    t.fetch(`${proxyPath.replace('/mlflow-artifacts/artifacts/', `/mlflow-artifacts/mpu/${verb}/`)}/${folder}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('uploads, lists, downloads (with a range) and deletes through the server', async () => {
    assert.equal((await t.fetch(`${proxyPath}/model/MLmodel`, { method: 'PUT', body: 'flavors: {}\n' })).status, 200)
    const root = proxyPath.replace('/api/2.0/mlflow-artifacts/artifacts/', '')
    assert.deepEqual(await (await t.fetch(`/api/2.0/mlflow-artifacts/artifacts?path=${root}/model`)).json(), {
      files: [{ path: 'MLmodel', is_dir: false, file_size: 12 }],
    })
    const ranged = await t.fetch(`${proxyPath}/model/MLmodel`, { headers: { range: 'bytes=0-6' } })
    assert.equal(ranged.status, 206)
    assert.equal(ranged.headers.get('content-range'), 'bytes 0-6/12')
    assert.equal(await ranged.text(), 'flavors')
    assert.equal((await t.fetch(`${proxyPath}/model`, { method: 'DELETE' })).status, 200)
    await expectErrorReply(await t.fetch(`${proxyPath}/model/MLmodel`), 404, 'RESOURCE_DOES_NOT_EXIST', 'does not exist')
  })

  it('runs a multipart upload: presigned part URLs, parts PUT to the store, complete through the server', async () => {
    const part1 = Buffer.alloc(5 * 1024 * 1024, 3)
    const part2 = Buffer.from('end of model')
    const create = await post('create', 'big', { path: '/home/me/weights.bin', num_parts: 2 })
    assert.equal(create.status, 200)
    const created = (await create.json()) as { upload_id: string; credentials: { url: string; part_number: number; headers: object }[] }
    assert.ok(created.upload_id)
    assert.deepEqual(
      created.credentials.map((c) => [c.part_number, c.headers]),
      [
        [1, {}],
        [2, {}],
      ],
    )
    // HttpArtifactRepository._upload_part: requests.put(credential.url, data, headers) and the ETag header.
    const parts = []
    for (const [i, body] of [part1, part2].entries()) {
      const credential = created.credentials[i]
      assert.ok(credential)
      assert.ok(credential.url.startsWith(`${moto.endpoint}/${BUCKET}/mlartifacts/`))
      const response = await fetch(credential.url, { method: 'PUT', body, headers: credential.headers as Record<string, string> })
      assert.equal(response.status, 200)
      await response.arrayBuffer()
      parts.push({ part_number: credential.part_number, etag: response.headers.get('etag') ?? '', url: credential.url })
    }
    const complete = await post('complete', 'big', { path: '/home/me/weights.bin', upload_id: created.upload_id, parts })
    assert.deepEqual(await complete.json(), {})
    const download = await t.fetch(`${proxyPath}/big/weights.bin`)
    assert.equal(download.headers.get('content-length'), String(part1.length + part2.length))
    const bytes = Buffer.from(await download.arrayBuffer())
    assert.ok(bytes.subarray(0, part1.length).equals(part1))
    assert.equal(bytes.subarray(part1.length).toString(), 'end of model')
    assert.deepEqual(await moto.pendingUploads(BUCKET), [])
  })

  it('aborts a multipart upload through the server, leaving nothing', async () => {
    const created = (await (await post('create', 'aborted', { path: 'weights.bin', num_parts: 1 })).json()) as {
      upload_id: string
      credentials: { url: string }[]
    }
    await (await fetch(created.credentials[0]?.url ?? '', { method: 'PUT', body: 'partial' })).arrayBuffer()
    assert.deepEqual(await (await post('abort', 'aborted', { path: 'weights.bin', upload_id: created.upload_id })).json(), {})
    assert.deepEqual(await moto.pendingUploads(BUCKET), [])
    await expectErrorReply(await t.fetch(`${proxyPath}/aborted/weights.bin`), 404, 'RESOURCE_DOES_NOT_EXIST', 'does not exist')
  })

  it('refuses a part count S3 cannot take, and an upload id it does not know', async () => {
    await expectErrorReply(await post('create', 'x', { path: 'w.bin', num_parts: 10_001 }), 400, 'INVALID_PARAMETER_VALUE', 'between 1 and 10000')
    await expectErrorReply(await post('abort', 'x', { path: 'w.bin', upload_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'upload does not exist')
  })
})
