import { useState } from 'react'
import { errorMessage } from './api.ts'

/**
 * A change made from a form or button: `run` marks it busy, keeps the server's refusal as `error`
 * (shown beside the control that caused it) and resolves true when it went through.
 */
export function useAction(): { readonly busy: boolean; readonly error: string | undefined; run(action: () => Promise<unknown>): Promise<boolean>; clear(): void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  return {
    busy,
    error,
    async run(action) {
      setBusy(true)
      setError(undefined)
      try {
        await action()
        return true
      } catch (failure) {
        setError(errorMessage(failure))
        return false
      } finally {
        setBusy(false)
      }
    },
    clear: () => setError(undefined),
  }
}
