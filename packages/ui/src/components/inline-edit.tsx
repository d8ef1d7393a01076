import { useState } from 'react'
import { errorMessage } from '../api.ts'

// One value edited where it is shown (a run's name or a tag in the runs table, the run page's title):
// Enter saves, Escape or leaving the field cancels, and a refusal stays in the field with the
// server's message until the value is changed or the edit is cancelled.

interface Props {
  readonly value: string
  readonly label: string
  /** Resolves once saved; a rejection's message is shown in place. */
  readonly onSave: (value: string) => Promise<void>
  readonly onDone: () => void
  readonly maxLength?: number
  readonly className?: string
}

export function InlineEdit({ value, label, onSave, onDone, maxLength, className }: Props) {
  const [draft, setDraft] = useState(value)
  const [error, setError] = useState<string>()
  const [saving, setSaving] = useState(false)
  const save = async () => {
    if (draft === value) return onDone()
    setSaving(true)
    setError(undefined)
    try {
      await onSave(draft)
      onDone()
    } catch (failure) {
      setError(errorMessage(failure))
      setSaving(false)
    }
  }
  return (
    <span className={`inline-edit${className ? ` ${className}` : ''}`}>
      <input
        aria-label={label}
        autoFocus
        value={draft}
        disabled={saving}
        {...(maxLength ? { maxLength } : {})}
        aria-invalid={error ? true : undefined}
        title={error ?? 'Enter saves, Escape cancels'}
        onChange={(e) => (setDraft(e.target.value), setError(undefined))}
        onFocus={(e) => e.currentTarget.select()}
        onBlur={() => saving || onDone()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            void save()
          } else if (e.key === 'Escape') {
            e.preventDefault()
            e.stopPropagation()
            onDone()
          }
        }}
      />
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  )
}
