import { useEffect, useRef, useState } from 'react'
import type { FormEvent, ReactNode } from 'react'
import { errorMessage } from '../api.ts'

// A modal confirmation on the native <dialog>: focus moves into it (to the comment field when there
// is one) and stays inside, Escape cancels, and the page behind is inert, with no library. The action
// runs inside it, so a server refusal is shown where the user is looking, and the dialog stays open to
// fix or cancel.

interface Props {
  readonly title: string
  readonly confirmLabel: string
  readonly children?: ReactNode
  /** Offer a note for the registry's audit trail (Orchard's `comment` field). */
  readonly withComment?: boolean
  readonly onConfirm: (comment: string) => Promise<unknown>
  readonly onClose: () => void
}

export function ConfirmDialog({ title, confirmLabel, children, withComment, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null)
  const commentInput = useRef<HTMLInputElement>(null)
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  useEffect(() => {
    const element = dialog.current
    if (element && !element.open) element.showModal()
    // The note is what one types next; without one, the dialog's own choice (its first control) stands.
    commentInput.current?.focus()
    return () => element?.close()
  }, [])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await onConfirm(comment.trim())
      onClose()
    } catch (failure) {
      setError(errorMessage(failure))
      setBusy(false)
    }
  }

  return (
    <dialog ref={dialog} className="confirm" aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onClose() }}>
      <form onSubmit={submit}>
        <h2 id="confirm-title">{title}</h2>
        {children}
        {withComment ? (
          <label className="stacked">
            Comment (kept in the audit trail)
            <input ref={commentInput} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} />
          </label>
        ) : null}
        {error ? (
          <div className="status error" role="alert">
            {error}
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}
