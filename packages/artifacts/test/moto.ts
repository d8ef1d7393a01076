import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { CreateBucketCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { s3ClientFromEnv } from '../src/s3/s3-client.ts'

// A real S3 API for tests: moto's standalone server on a free loopback port. Chosen over MinIO because
// it ships as a Python package (no binary download), and because it behaves as S3 where our code
// depends on it: ListObjectsV2 pages of 1,000 with continuation tokens, multipart uploads with real
// part ETags and the 5 MB minimum part size, ranged GETs, presigned URLs, and ListMultipartUploads to
// prove aborted uploads left nothing. If moto is missing the suite fails, it never skips.

const PYTHON = process.env.PYTHON ?? 'python3'
const STARTUP_LIMIT_MS = 30_000

export interface MotoServer {
  readonly endpoint: string
  /** Forget every bucket and object (moto's own reset API), between suites. */
  reset(): Promise<void>
  createBucket(bucket: string): Promise<void>
  /** Multipart uploads started and neither completed nor aborted: what an interrupted upload must not leave. */
  pendingUploads(bucket: string): Promise<string[]>
  stop(): Promise<void>
}

/** A port free on loopback right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port')
  return address.port
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  const deadline = Date.now() + STARTUP_LIMIT_MS
  for (;;) {
    if (exited) {
      throw new Error(
        `moto's S3 server did not start (${PYTHON} -m moto.server). The S3 artifact tests need it: ` +
          `pip install 'moto[server]'. Its output:\n${stderr}`,
      )
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`)
      await response.arrayBuffer()
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`moto did not answer on ${endpoint} within ${STARTUP_LIMIT_MS} ms. Its output:\n${stderr}`)
    }
    await sleep(100)
  }
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`)
    },
    async createBucket(bucket) {
      const client = s3ClientFromEnv({ ...process.env, MLFLOW_S3_ENDPOINT_URL: endpoint })
      await client.send(new CreateBucketCommand({ Bucket: bucket }))
      client.destroy()
    },
    async pendingUploads(bucket) {
      const client = s3ClientFromEnv({ ...process.env, MLFLOW_S3_ENDPOINT_URL: endpoint })
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))
      client.destroy()
      return (listed.Uploads ?? []).map((upload) => `multipart upload of ${upload.Key}`)
    },
    async stop() {
      if (exited) return
      const gone = once(child, 'exit')
      child.kill('SIGTERM')
      await gone
    },
  }
}

/** Point the AWS SDK at moto the way a user points MLflow at MinIO: environment variables only. */
export function useMotoEnvironment(endpoint: string): void {
  process.env.MLFLOW_S3_ENDPOINT_URL = endpoint
  process.env.AWS_ACCESS_KEY_ID = 'testing'
  process.env.AWS_SECRET_ACCESS_KEY = 'testing'
  process.env.AWS_DEFAULT_REGION = 'us-east-1'
  delete process.env.AWS_REGION
  delete process.env.AWS_PROFILE
  delete process.env.AWS_SESSION_TOKEN
}
