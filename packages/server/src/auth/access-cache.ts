import type { AuthStore, EffectiveRoleGrant, GrantLookup } from '@orchard/store'
import type { PermissionLevel } from '@orchard/protocol/base'

/** Bounds the memory of each cache: past this many entries the oldest is dropped. */
export const MAX_CACHED_ENTRIES = 10_000

/** A Map that forgets its oldest entry once full (insertion order; a hit does not refresh it). */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>()
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.entries.get(key)
  }
  set(key: string, value: V): void {
    if (this.entries.size >= this.limit && !this.entries.has(key)) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(key, value)
  }
  delete(key: string): void {
    this.entries.delete(key)
  }
  clear(): void {
    this.entries.clear()
  }
  get size(): number {
    return this.entries.size
  }
}

/**
 * What a server remembers about access between requests: verified credentials (by a keyed hash of
 * the credential, see Authenticator), the grant lookups of the authorizer, users' role grants and
 * the authorizer's decisions (see Authorizer). All of it is dropped together when access changes:
 * - in this process, before the next request (the store's local change count moved);
 * - in another process on the same database, within `syncMs` (the database's change version, read at
 *   most once per `syncMs`, and awaited by the request that finds it due, so no request is served
 *   from a cache older than that).
 * An entry computed while a drop happened is not stored (the generation check in `remember`), so a
 * read that raced a change cannot outlive it.
 */
export class AccessCache {
  private readonly credentials = new BoundedMap<{ readonly value: unknown; readonly until: number }>(MAX_CACHED_ENTRIES)
  private readonly lookups = new BoundedMap<unknown>(MAX_CACHED_ENTRIES)
  private readonly decisions = new BoundedMap<boolean>(MAX_CACHED_ENTRIES)
  private generation = 0
  private seenLocal: number
  private seenVersion: number | undefined
  private syncedAt = Number.NEGATIVE_INFINITY
  private syncing: Promise<void> | undefined

  constructor(
    private readonly store: AuthStore,
    private readonly syncMs: number,
    private readonly now: () => number,
  ) {
    this.seenLocal = store.localAccessChanges()
  }

  /** Drops everything; entries being computed now will not be stored. */
  clear(): void {
    this.generation++
    this.credentials.clear()
    this.lookups.clear()
    this.decisions.clear()
  }

  /**
   * Before each request: drops the cache if access changed here, or (polled) in another process.
   * Undefined when there is nothing to wait for (most requests), so a request answered from the
   * cache awaits nothing; otherwise the database's change version is being read.
   */
  refresh(): Promise<void> | undefined {
    const local = this.store.localAccessChanges()
    if (local !== this.seenLocal) {
      this.seenLocal = local
      this.clear()
    }
    if (this.now() - this.syncedAt < this.syncMs) return undefined
    // One read of the version at a time; concurrent requests wait for the same one.
    this.syncing ??= this.sync().finally(() => (this.syncing = undefined))
    return this.syncing
  }

  private async sync(): Promise<void> {
    const startedAt = this.now()
    const version = await this.store.accessChangeVersion()
    if (version !== this.seenVersion) {
      this.seenVersion = version
      this.clear()
    }
    this.syncedAt = startedAt
  }

  /** The cached value of `key`, else `compute()`'s, stored when `keep` says so and nothing changed meanwhile. */
  async remember<T>(key: string, compute: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const hit = this.lookups.get(key)
    if (hit !== undefined) return (hit as { value: T }).value
    const generation = this.generation
    const value = await compute()
    if (generation === this.generation && keep(value)) this.lookups.set(key, { value })
    return value
  }

  /** The decision remembered under `key`, if any. */
  decision(key: string): boolean | undefined {
    return this.decisions.get(key)
  }

  /** As remember, for decisions: `decide()`'s answer, kept when it says so and nothing changed meanwhile. */
  async decide(key: string, decide: () => Promise<{ readonly allowed: boolean; readonly keep: boolean }>): Promise<boolean> {
    const generation = this.generation
    const { allowed, keep } = await decide()
    if (keep && generation === this.generation) this.decisions.set(key, allowed)
    return allowed
  }

  /** The credential remembered under `key` and not expired, if any. */
  credentialHit<T>(key: string): T | undefined {
    const hit = this.credentials.get(key)
    return hit && hit.until > this.now() ? (hit.value as T) : undefined
  }

  /** As remember, for credentials: stored until `until` (ms since the epoch); undefined is never stored. */
  async credential<T>(key: string, verify: () => Promise<{ value: T; until: number } | undefined>): Promise<T | undefined> {
    const hit = this.credentials.get(key)
    if (hit && hit.until > this.now()) return hit.value as T
    if (hit) this.credentials.delete(key)
    const generation = this.generation
    const verified = await verify()
    if (!verified) return undefined
    if (generation === this.generation && verified.until > this.now()) this.credentials.set(key, verified)
    return verified.value
  }
}

/** The grant reads of the authorizer, answered from an AccessCache. */
export type GrantSource = Pick<AuthStore, 'experimentGrant' | 'experimentGrantByName' | 'runGrant' | 'loggedModelGrant' | 'registeredModelGrant' | 'effectiveRoleGrants'>

/**
 * The store's grant reads through the cache. A lookup that found nothing is not kept: the run or
 * experiment may be created a moment later, and creating one is not an access change. Lookups by
 * experiment name are not kept either: names move with renames and deletes.
 */
export function cachedGrants(store: AuthStore, cache: AccessCache): GrantSource {
  const found = (lookup: GrantLookup) => lookup.found
  return {
    experimentGrant: (userId, id) => cache.remember(`experiment\0${userId}\0${id}`, () => store.experimentGrant(userId, id), found),
    experimentGrantByName: (userId, name, workspace) => store.experimentGrantByName(userId, name, workspace),
    runGrant: (userId, id) => cache.remember(`run\0${userId}\0${id}`, () => store.runGrant(userId, id), found),
    loggedModelGrant: (userId, id) => cache.remember(`logged-model\0${userId}\0${id}`, () => store.loggedModelGrant(userId, id), found),
    registeredModelGrant: (userId, name) =>
      cache.remember<PermissionLevel | undefined>(`registered-model\0${userId}\0${name}`, () => store.registeredModelGrant(userId, name)),
    effectiveRoleGrants: (userId, workspace, type) =>
      cache.remember<EffectiveRoleGrant[]>(`roles\0${userId}\0${workspace}\0${type}`, () => store.effectiveRoleGrants(userId, workspace, type)),
  }
}
