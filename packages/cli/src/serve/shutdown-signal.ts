/**
 * Resolves on the first SIGTERM or SIGINT, so the caller can drain and close. With
 * `onSecondSignal`, a second signal means the operator is done waiting, and that runs instead.
 */
export function shutdownRequested(options: { readonly onSecondSignal?: (signal: string) => void }): Promise<string> {
  return new Promise((resolve) => {
    let requested = false
    const onSignal = (signal: string) => {
      if (!requested) {
        requested = true
        resolve(signal)
      } else {
        options.onSecondSignal?.(signal)
      }
    }
    process.on('SIGTERM', () => onSignal('SIGTERM'))
    process.on('SIGINT', () => onSignal('SIGINT'))
  })
}

/** For the process the operator talks to: a second Ctrl-C exits now, in-flight requests or not. */
export function exitNow(signal: string): never {
  process.stderr.write(`received ${signal} again; exiting without waiting for requests\n`)
  process.exit(1)
}
