import type { ModelVersion } from '@orchard/core'
import { OrchardError } from '@orchard/protocol/base'

const PENDING = 'PENDING_REGISTRATION'
/** MLflow's client polls a pending version every 3 s. */
const POLL_INTERVAL_MS = 3000

/** How awaitModelVersionReady waits; the clock and sleep are injectable for tests. */
interface AwaitReadyOptions {
  readonly timeoutMs: number
  readonly pollIntervalMs?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Poll a version while its registration is pending (a server that copies files asynchronously may
 * say PENDING_REGISTRATION; Orchard answers READY at once), as MLflow's client does: past the
 * deadline, or once the status is anything but READY, it throws.
 */
export async function awaitModelVersionReady(
  version: ModelVersion,
  refresh: () => Promise<ModelVersion>,
  options: AwaitReadyOptions,
): Promise<ModelVersion> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const deadline = now() + options.timeoutMs
  let current = version
  while ((current.status as string) === PENDING) {
    if (now() > deadline) {
      throw new OrchardError(
        'TEMPORARILY_UNAVAILABLE',
        `Exceeded max wait time for model name: ${current.name} version: ${current.version} to become READY. Status: ${current.status} Wait Time: ${options.timeoutMs} ms`,
      )
    }
    current = await refresh()
    if ((current.status as string) !== PENDING) break
    await sleep(options.pollIntervalMs ?? POLL_INTERVAL_MS)
  }
  if (current.status !== 'READY') {
    throw new OrchardError(
      'INVALID_STATE',
      `Model version creation failed for model name: ${current.name} version: ${current.version} with status: ${current.status} and message: ${current.statusMessage ?? ''}`,
    )
  }
  return current
}
