import { describe } from 'node:test'
import type { StoreHarness } from './suite/harness.ts'
import { describeRegistryAudit } from './registry-suite/audit.ts'
import { describeModelUris } from './registry-suite/model-uri.ts'
import { describeRegisteredModels } from './registry-suite/models.ts'
import { registryOpener } from './registry-suite/opener.ts'
import { describeRegistrySearch } from './registry-suite/search.ts'
import { describeModelVersions } from './registry-suite/versions.ts'
import { describeWebhooks } from './registry-suite/webhooks.ts'

/** The RegistryStore conformance suite: every database implementation must pass all of it. */
export function describeRegistryStore(name: string, harness: StoreHarness): void {
  describe(`RegistryStore on ${name}`, () => {
    const open = registryOpener(harness)
    describeRegisteredModels(open)
    describeModelVersions(open)
    describeRegistrySearch(open)
    describeModelUris(open)
    describeRegistryAudit(open)
    describeWebhooks(open)
  })
}
