// The artifact proxy over a real socket: what in-process tests cannot show. Bodies stream through
// Node's HTTP stack, a client can hang up mid-upload, and raw request targets reach the server
// exactly as a client wrote them.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdir, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { startMoto, useMotoEnvironment } from '@orchard/artifacts/testing'
import type { MotoServer } from '@orchard/artifacts/testing'
import { startArtifactServer } from './artifacts-server.ts'
import type { ArtifactServer } from './artifacts-server.ts'

/** Deterministic bytes, generated as they are sent, so big bodies never sit in the test's memory. */
function* chunks(totalBytes: number, chunkBytes = 1024 * 1024): Generator<Buffer> {
  for (let sent = 0, i = 0; sent < totalBytes; i++) {
    const size = Math.min(chunkBytes, totalBytes - sent)
    yield Buffer.alloc(size, i % 251)
    sent += size
  }
}

/** Send `sentBytes` of a body that promised `declaredBytes`, then hang up. */
async function abandonUpload(port: number, path: string, declaredBytes: number, sentBytes: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path, headers: { 'content-length': String(declaredBytes) } })
    req.on('error', () => resolve())
    req.on('close', () => resolve())
    void (async () => {
      for (const chunk of chunks(sentBytes)) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r))
      }
      await sleep(100)
      req.destroy()
    })()
  })
}

/** A raw request target, sent byte for byte (fetch would normalise `..` before sending). */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: target }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

const API = '/api/2.0/mlflow-artifacts/artifacts'

describe('artifact proxy over a socket (local destination)', () => {
  let server: ArtifactServer
  before(async () => {
    server = await startArtifactServer()
  })
  after(() => server.close())

  it('streams a 64 MB upload and download intact', async () => {
    const size = 64 * 1024 * 1024
    const sent = createHash('sha256')
    const body = new ReadableStream<Uint8Array>({
      start() {},
      pull: (() => {
        const source = chunks(size)
        return (controller: ReadableStreamDefaultController<Uint8Array>) => {
          const next = source.next()
          if (next.done) return controller.close()
          sent.update(next.value)
          controller.enqueue(next.value)
        }
      })(),
    })
    const upload = await fetch(`${server.url}${API}/big/model.bin`, { method: 'PUT', body, duplex: 'half' } as RequestInit)
    assert.equal(upload.status, 200)
    assert.deepEqual(await upload.json(), {})
    const download = await fetch(`${server.url}${API}/big/model.bin`)
    assert.equal(download.headers.get('content-length'), String(size))
    const received = createHash('sha256')
    for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) received.update(chunk)
    assert.equal(received.digest('hex'), sent.digest('hex'))
    const ranged = await fetch(`${server.url}${API}/big/model.bin`, { headers: { range: 'bytes=1048575-1048576' } })
    assert.equal(ranged.status, 206)
    assert.deepEqual([...new Uint8Array(await ranged.arrayBuffer())], [0, 1])
  })

  it('leaves no file, final or temporary, when the client hangs up mid-upload', async () => {
    await abandonUpload(server.port, `${API}/aborted/model.bin`, 10 * 1024 * 1024, 3 * 1024 * 1024)
    await eventually(async () => (await readdir(join(server.artifactsDir, 'aborted')).catch(() => [])).length === 0, 'the temp file to go')
    await assert.rejects(readdir(join(server.artifactsDir, 'aborted', 'model.bin')))
    const after = await fetch(`${server.url}${API}?path=aborted`)
    assert.deepEqual(await after.json(), {})
    // A client hanging up is its own doing: answered as BAD_REQUEST, never logged as a server error.
    assert.deepEqual(server.errors, [])
  })

  it('keeps serving after a client abandons a download midway', async () => {
    await fetch(`${server.url}${API}/dl/big.bin`, { method: 'PUT', body: Buffer.alloc(32 * 1024 * 1024, 1) })
    const controller = new AbortController()
    const response = await fetch(`${server.url}${API}/dl/big.bin`, { signal: controller.signal })
    const reader = response.body?.getReader()
    await reader?.read()
    controller.abort()
    const again = await fetch(`${server.url}${API}/dl/big.bin`, { headers: { range: 'bytes=0-3' } })
    assert.equal(again.status, 206)
    assert.equal((await again.arrayBuffer()).byteLength, 4)
  })

  it('never serves a file outside the destination, whatever the raw request target', async () => {
    await writeFile(join(server.dir, 'secret.txt'), 'top secret')
    const targets = [
      `${API}/../../../../secret.txt`,
      `${API}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
      `${API}/..%2f..%2fsecret.txt`,
      `${API}/%252e%252e/secret.txt`,
      `${API}/..\\..\\secret.txt`,
      `${API}?path=../../secret.txt`,
      `/get-artifact?path=../../secret.txt&run_uuid=${'a'.repeat(32)}`,
    ]
    for (const target of targets) {
      const { status, body } = await rawGet(server.port, target)
      assert.ok(status === 400 || status === 404, `${target} → ${status}`)
      assert.doesNotMatch(body, /top secret/, target)
    }
  })
})

describe('artifact proxy over a socket (S3 destination on moto)', () => {
  let moto: MotoServer
  let server: ArtifactServer
  before(async () => {
    moto = await startMoto()
    useMotoEnvironment(moto.endpoint)
    await moto.createBucket('e2e')
    server = await startArtifactServer('s3://e2e/root')
  })
  after(async () => {
    await server?.close()
    await moto?.stop()
  })

  it('streams 20 MB through to S3 as a multipart upload and back', async () => {
    const size = 20 * 1024 * 1024
    const upload = await fetch(`${server.url}${API}/0/run/artifacts/weights.bin`, { method: 'PUT', body: Buffer.alloc(size, 9) })
    assert.equal(upload.status, 200)
    const download = await fetch(`${server.url}${API}/0/run/artifacts/weights.bin`)
    const bytes = new Uint8Array(await download.arrayBuffer())
    assert.equal(bytes.length, size)
    assert.ok(bytes.every((b) => b === 9))
  })

  it('aborts the S3 multipart upload when the client hangs up mid-upload', async () => {
    await abandonUpload(server.port, `${API}/0/run/artifacts/aborted.bin`, 40 * 1024 * 1024, 18 * 1024 * 1024)
    await eventually(async () => (await moto.pendingUploads('e2e')).length === 0, 'the multipart upload to be aborted')
    assert.deepEqual(server.errors, [])
    const listing = await fetch(`${server.url}${API}?path=0/run/artifacts`)
    assert.deepEqual(await listing.json(), { files: [{ path: 'weights.bin', is_dir: false, file_size: 20 * 1024 * 1024 }] })
  })
})
