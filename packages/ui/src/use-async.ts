import { useEffect, useState } from 'react'
import { isOrchardError } from '@orchard/sdk/rest'
import type { ErrorCode } from '@orchard/sdk/rest'
import { errorMessage } from './api.ts'

export type AsyncState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string; readonly code?: ErrorCode }
  | { readonly status: 'ready'; readonly value: T }

/** Run `load` whenever `deps` change; a stale answer (deps changed meanwhile) is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' })
  useEffect(() => {
    let live = true
    setState({ status: 'loading' })
    load().then(
      (value) => live && setState({ status: 'ready', value }),
      (error: unknown) => live && setState({ status: 'error', message: errorMessage(error), ...(isOrchardError(error) ? { code: error.code } : {}) }),
    )
    return () => {
      live = false
    }
  }, deps)
  return state
}

/** The server said the thing asked for does not exist (a 404 page, not an error box). */
export const isMissing = (state: AsyncState<unknown>) => state.status === 'error' && state.code === 'RESOURCE_DOES_NOT_EXIST'
