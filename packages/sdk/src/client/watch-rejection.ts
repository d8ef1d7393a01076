/** A promise that notes whether anyone waited on it: `await`, `then`, `catch` and `finally` all call then(). */
class WatchedPromise<T> extends Promise<T> {
  // Promises derived by then() are plain ones.
  static override get [Symbol.species]() {
    return Promise
  }
  watched = false
  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.watched = true
    return super.then(onFulfilled, onRejected)
  }
}

/**
 * `inner`, for a caller who may not wait on it (a training loop calling logMetric without `await`,
 * common in JavaScript). A rejection nobody waits on never becomes an unhandled rejection, which
 * would end the process; it goes to `unwatched` instead, to be reported by a later call that is
 * awaited. A caller that awaits or catches gets the rejection as usual.
 */
export function watchRejection<T>(inner: Promise<T>, unwatched: (error: unknown) => void): Promise<T> {
  const outer = new WatchedPromise<T>((resolve, reject) => {
    inner.then(resolve, reject)
  })
  // Through Promise.prototype.then, so this handler does not count as the caller's.
  Promise.prototype.then.call(outer, undefined, (error: unknown) => {
    // `await` calls then() a microtask later; a timer runs after every microtask.
    setTimeout(() => {
      if (!outer.watched) unwatched(error)
    }, 0)
  })
  return outer
}
