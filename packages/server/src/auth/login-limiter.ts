import { OrchardError } from '@orchard/protocol/base'

// Counts failed logins in a sliding window per key (a user name, a client address). Past the limit,
// further attempts for that key are refused without checking the password, so an online guesser
// gets a handful of tries per window instead of scrypt's full throughput. In memory: each replica
// counts its own, which still bounds a guesser to limit × replicas per window.

const MAX_TRACKED_KEYS = 100_000

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs
    const times = (this.failures.get(key) ?? []).filter((t) => t > since)
    if (times.length) this.failures.set(key, times)
    else this.failures.delete(key)
    return times
  }

  /** Throws REQUEST_LIMIT_EXCEEDED (429) when `key` has used up its failures. */
  check(key: string, limit: number): void {
    const times = this.recent(key)
    if (times.length >= limit) {
      const retryAfterS = Math.max(1, Math.ceil(((times[0] ?? 0) + this.windowMs - this.now()) / 1000))
      throw Object.assign(
        new OrchardError('REQUEST_LIMIT_EXCEEDED', `Too many failed logins; try again in ${retryAfterS} seconds.`),
        { retryAfterS },
      )
    }
  }

  fail(key: string): void {
    if (this.failures.size >= MAX_TRACKED_KEYS && !this.failures.has(key)) {
      // Forget the oldest key rather than grow without bound under a spray of names.
      const oldest = this.failures.keys().next().value
      if (oldest !== undefined) this.failures.delete(oldest)
    }
    this.failures.set(key, [...this.recent(key), this.now()])
  }

  succeed(key: string): void {
    this.failures.delete(key)
  }
}
