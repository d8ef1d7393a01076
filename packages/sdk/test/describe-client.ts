import { after, before, describe } from 'node:test'
import { OrchardClient } from '../src/index.ts'
import type { OrchardClientOptions } from '../src/index.ts'
import type { OpenTarget, Target } from './harness.ts'
import type { SuiteContext } from './suite/context.ts'
import { describeExperiments } from './suite/experiments.ts'
import { describeFluent } from './suite/fluent.ts'
import { describeLogging } from './suite/logging.ts'
import { describeModels } from './suite/models.ts'
import { describeModelUris } from './suite/model-uri.ts'
import { describeRegistry } from './suite/registry.ts'
import { describeRuns } from './suite/runs.ts'
import { describeTransport } from './suite/transport.ts'

/**
 * The client behaviour suite: every transport must give the same results and the same typed
 * errors. Each file that calls it runs it against one transport.
 */
export function describeClient(name: string, open: OpenTarget): void {
  describe(`OrchardClient over ${name}`, () => {
    let target: Target | undefined
    let client: OrchardClient | undefined
    const clients: OrchardClient[] = []
    const ctx: SuiteContext = {
      get target() {
        if (!target) throw new Error('suite not set up')
        return target
      },
      get client() {
        if (!client) throw new Error('suite not set up')
        return client
      },
      newClient(options: OrchardClientOptions = {}) {
        const extra = new OrchardClient(ctx.target.trackingUri, { retry: { maxRetries: 0 }, ...options })
        clients.push(extra)
        return extra
      },
    }
    before(async () => {
      target = await open()
      client = new OrchardClient(target.trackingUri, { retry: { maxRetries: 0 } })
    })
    after(async () => {
      for (const extra of clients) await extra.close().catch(() => undefined)
      await client?.close()
      await target?.close()
    })
    describe('experiments', () => describeExperiments(ctx))
    describe('runs', () => describeRuns(ctx))
    describe('logging', () => describeLogging(ctx))
    describe('fluent', () => describeFluent(ctx))
    describe('transport', () => describeTransport(ctx))
    describe('models', () => describeModels(ctx))
    describe('registry', () => describeRegistry(ctx))
    describe('model URIs', () => describeModelUris(ctx))
  })
}
