import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { CreateBucketCommand } from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import { openArtifactRepository } from '../src/index.ts'
import { S3ArtifactRepository, s3ClientFromEnv } from '../src/s3/index.ts'
import type { ArtifactRepository } from '../src/index.ts'
import { describeArtifactRepository } from './describe-artifact-repository.ts'
import { startMoto, useMotoEnvironment } from './moto.ts'
import type { MotoServer } from './moto.ts'

const BUCKET = 'orchard-artifacts'
let moto: MotoServer
let client: S3Client

before(async () => {
  moto = await startMoto()
  useMotoEnvironment(moto.endpoint)
  client = s3ClientFromEnv()
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
})
after(async () => {
  client?.destroy()
  await moto?.stop()
})

const pendingUploads = () => moto.pendingUploads(BUCKET)

// The client comes from MLFLOW_S3_ENDPOINT_URL and the AWS variables, as when opened from a URI; pages
// of 100 keys make the suite's 250-entry listing cross three ListObjectsV2 pages without writing 1,000.
describeArtifactRepository('S3 (moto)', async () => ({
  repository: new S3ArtifactRepository(`s3://${BUCKET}/suite/${randomUUID()}`, { pageSize: 100 }),
  leftovers: pendingUploads,
  close: async () => {},
}))

describe('S3ArtifactRepository', () => {
  let repository: ArtifactRepository
  before(() => {
    repository = openArtifactRepository(`s3://${BUCKET}/multipart/${randomUUID()}/`)
  })

  it('creates presigned part URLs a client PUTs to directly, then completes the upload', async () => {
    const multipart = repository.multipart
    assert.ok(multipart)
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1) // S3's minimum size for every part but the last
    const part2 = Buffer.from('tail')
    const created = await multipart.createMultipartUpload('big/model.bin', 2)
    assert.deepEqual(
      created.credentials.map((c) => [c.partNumber, c.headers]),
      [
        [1, {}],
        [2, {}],
      ],
    )
    const parts = []
    for (const [i, body] of [part1, part2].entries()) {
      const credential = created.credentials[i]
      assert.ok(credential)
      assert.match(credential.url, new RegExp(`^${moto.endpoint}/${BUCKET}/`))
      const response = await fetch(credential.url, { method: 'PUT', body })
      assert.equal(response.status, 200, await response.text())
      parts.push({ partNumber: credential.partNumber, etag: response.headers.get('etag') ?? '' })
    }
    await multipart.completeMultipartUpload('big/model.bin', created.uploadId, parts)
    const opened = await repository.openArtifact('big/model.bin')
    assert.equal(opened.size, part1.length + part2.length)
    const tail = Buffer.concat(await (await opened.read({ start: part1.length - 1 })).toArray())
    assert.deepEqual(tail, Buffer.from([1, ...Buffer.from('tail')]))
    assert.deepEqual(await pendingUploads(), [])
  })

  it('aborts a multipart upload, leaving no parts and no object', async () => {
    const multipart = repository.multipart
    assert.ok(multipart)
    const created = await multipart.createMultipartUpload('aborted.bin', 1)
    const credential = created.credentials[0]
    assert.ok(credential)
    await (await fetch(credential.url, { method: 'PUT', body: 'partial' })).arrayBuffer()
    await multipart.abortMultipartUpload('aborted.bin', created.uploadId)
    assert.deepEqual(await pendingUploads(), [])
    await assert.rejects(repository.openArtifact('aborted.bin'), { code: 'RESOURCE_DOES_NOT_EXIST' })
  })

  it('refuses part counts outside S3 limits, and unknown upload ids', async () => {
    const multipart = repository.multipart
    assert.ok(multipart)
    await assert.rejects(multipart.createMultipartUpload('x.bin', 0), { code: 'INVALID_PARAMETER_VALUE', message: /between 1 and 10000/ })
    await assert.rejects(multipart.createMultipartUpload('x.bin', 10_001), { code: 'INVALID_PARAMETER_VALUE' })
    await assert.rejects(multipart.abortMultipartUpload('x.bin', 'no-such-upload'), { code: 'RESOURCE_DOES_NOT_EXIST', message: /upload does not exist/ })
  })

  it('answers RESOURCE_DOES_NOT_EXIST for a bucket that does not exist', async () => {
    const missing = openArtifactRepository('s3://no-such-bucket-here/prefix')
    await assert.rejects(missing.listArtifacts(), { code: 'RESOURCE_DOES_NOT_EXIST', message: /Failed to list artifacts in s3:\/\/no-such-bucket-here/ })
  })

  it('can start over from an empty moto between suites', async () => {
    await moto.reset()
    await assert.rejects(repository.listArtifacts(), { code: 'RESOURCE_DOES_NOT_EXIST' })
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
    assert.deepEqual(await repository.listArtifacts(), [])
  })
})
