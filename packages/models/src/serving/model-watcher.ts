import type { LoadedModel } from '../load-model.ts'
import type { RunningScoringServer } from './scoring-server.ts'

export interface WatchOptions {
  /** How often to ask which version the URI names now. */
  readonly intervalMs: number
  /** The version the watched URI names now (e.g. where `@champion` points). */
  resolveVersion(): Promise<string>
  /** Load that exact version. */
  load(version: string): Promise<LoadedModel>
  /** A new version is being served. */
  onSwitch?(version: string): void
  /** Resolving or loading failed; the current model keeps serving. */
  onError?(error: unknown): void
}

/**
 * Follow a moving model reference (an alias, a stage, `latest`): when it names a new version, load
 * that version first and only then swap it in, so requests never wait on a load and never fail
 * because of one; in-flight requests finish on the model they started with.
 */
export function watchModel(server: RunningScoringServer, currentVersion: string, options: WatchOptions): { stop(): Promise<void> } {
  let version = currentVersion
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  const tick = async () => {
    try {
      const next = await options.resolveVersion()
      if (next === version || stopped) return
      const model = await options.load(next)
      if (stopped) return void (await model.close())
      await server.swap(model, undefined, { version: next })
      version = next
      options.onSwitch?.(next)
    } catch (error) {
      options.onError?.(error)
    }
  }
  const timer = setInterval(() => {
    running = running.then(tick)
  }, options.intervalMs)
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
