import type { OrchardClient, OrchardClientOptions } from '../../src/index.ts'
import type { Target } from '../harness.ts'

/** What every suite test gets: a target and a client on it (set up before the tests run). */
export interface SuiteContext {
  readonly target: Target
  readonly client: OrchardClient
  /** Another client on the same target; closed with the suite. */
  newClient(options?: OrchardClientOptions): OrchardClient
}
