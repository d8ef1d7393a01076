import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { s3ClientFromEnv } from '@orchard/artifacts/s3'
import { startMoto, useMotoEnvironment } from '@orchard/artifacts/testing'
import type { MotoServer } from '@orchard/artifacts/testing'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'
import { OrchardClient, RestTransport } from '../src/index.ts'
import type { Target } from './harness.ts'
import { describeArtifacts } from './suite/artifacts.ts'
import type { SuiteContext } from './suite/context.ts'

// The artifact suite over S3 (moto on loopback), in both ways a server can hand out an S3 store:
// proxied (`mlflow-artifacts:/` roots, bytes through the server to an S3 destination) and direct
// (`s3://` roots, the client talks to S3 itself, as with `mlflow server --no-serve-artifacts`).

const BUCKET = 'sdk-artifacts'
let moto: MotoServer
before(async () => {
  moto = await startMoto()
  useMotoEnvironment(moto.endpoint)
  await moto.createBucket(BUCKET)
})
after(() => moto?.stop())

async function s3Keys(prefix: string): Promise<string[]> {
  const listed = await s3ClientFromEnv().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))
  return (listed.Contents ?? []).map((o) => o.Key ?? '')
}

function describeOverS3(name: string, serverOptions: { defaultArtifactRoot: string; artifactsDestination?: string }, expectedRootPrefix: string): void {
  describe(name, () => {
    let dir: string
    let server: RunningServer
    let client: OrchardClient
    const ctx: SuiteContext = {
      get target(): Target {
        return { trackingUri: server.url, openTransport: async () => new RestTransport(server.url), close: async () => {} }
      },
      get client() {
        return client
      },
      newClient: (options = {}) => new OrchardClient(server.url, options),
    }
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orchard-sdk-s3-'))
      server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`, logError: () => {}, ...serverOptions })
      client = new OrchardClient(server.url, { retry: { maxRetries: 0 } })
    })
    after(async () => {
      await client.close()
      await server.close()
      await rm(dir, { recursive: true, force: true })
    })

    test('run roots are where this mode puts them, and the bytes land in the bucket', async () => {
      const run = await client.createRun('0')
      assert.ok(run.info.artifactUri.startsWith(expectedRootPrefix), run.info.artifactUri)
      await client.logText(run.info.runId, 'in the bucket', 'where.txt')
      const keys = await s3Keys('')
      assert.ok(keys.some((key) => key.endsWith(`${run.info.runId}/artifacts/where.txt`)), keys.join(', '))
    })
    describeArtifacts(ctx)
  })
}

describeOverS3('OrchardClient artifacts through a server proxying to S3', { defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: `s3://${BUCKET}/proxied` }, 'mlflow-artifacts:/')
describeOverS3('OrchardClient artifacts straight to S3 (--no-serve-artifacts)', { defaultArtifactRoot: `s3://${BUCKET}/direct` }, `s3://${BUCKET}/direct/`)
