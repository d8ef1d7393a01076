import { useState } from 'react'
import type { FormEvent } from 'react'
import { errorMessage } from '../api.ts'
import { formatTime } from '../lib/format.ts'
import type { KeyValue, RegistryEvent, Stage } from '../registry-api.ts'
import { MarkdownView } from './markdown-view.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'
import type { AsyncState } from '../use-async.ts'

// Pieces shared by the model and model-version pages: stage badges, the editable description, the
// tags editor and the audit trail.

export function StageBadge({ stage }: { readonly stage: Stage }) {
  return <span className={`pill stage stage-${stage.toLowerCase()}`}>{stage}</span>
}

export function EditableDescription({ text, onSave }: { readonly text: string; readonly onSave: (text: string) => Promise<unknown> }) {
  const [draft, setDraft] = useState<string>()
  const [error, setError] = useState<string>()
  const save = async (event: FormEvent) => {
    event.preventDefault()
    try {
      await onSave(draft ?? '')
      setDraft(undefined)
      setError(undefined)
    } catch (failure) {
      setError(errorMessage(failure))
    }
  }
  if (draft === undefined) {
    return (
      <div className="description">
        {text ? <MarkdownView source={text} /> : <p className="muted">No description.</p>}
        <button type="button" onClick={() => setDraft(text)}>
          Edit description
        </button>
      </div>
    )
  }
  return (
    <form className="description editing" onSubmit={save}>
      <textarea aria-label="Description" value={draft} rows={6} onChange={(e) => setDraft(e.target.value)} autoFocus />
      {error ? <ErrorBox message={error} /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={() => setDraft(undefined)}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Save description
        </button>
      </div>
    </form>
  )
}

interface TagsProps {
  readonly tags: readonly KeyValue[]
  readonly onSet: (key: string, value: string) => Promise<unknown>
  readonly onDelete: (key: string) => Promise<unknown>
}

export function TagsEditor({ tags, onSet, onDelete }: TagsProps) {
  const [key, setKey] = useState('')
  const [value, setValue] = useState('')
  const [error, setError] = useState<string>()
  const act = async (action: () => Promise<unknown>) => {
    try {
      await action()
      setError(undefined)
      return true
    } catch (failure) {
      setError(errorMessage(failure))
      return false
    }
  }
  const add = async (event: FormEvent) => {
    event.preventDefault()
    if (await act(() => onSet(key.trim(), value))) {
      setKey('')
      setValue('')
    }
  }
  return (
    <div className="tags-editor">
      {tags.length === 0 ? (
        <p className="muted">No tags.</p>
      ) : (
        <table className="data" aria-label="Tags">
          <tbody>
            {[...tags].sort((a, b) => a.key.localeCompare(b.key)).map((tag) => (
              <tr key={tag.key}>
                <td>{tag.key}</td>
                <td className="value">{tag.value}</td>
                <td className="actions">
                  <button type="button" onClick={() => { setKey(tag.key); setValue(tag.value) }} aria-label={`Edit tag ${tag.key}`}>
                    Edit
                  </button>
                  <button type="button" onClick={() => void act(() => onDelete(tag.key))} aria-label={`Delete tag ${tag.key}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form tag-form" onSubmit={add}>
        <input aria-label="Tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} required />
        <input aria-label="Tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit">Set tag</button>
      </form>
      {error ? <ErrorBox message={error} /> : null}
    </div>
  )
}

const ACTION_TEXT: Record<string, string> = {
  CREATE: 'created',
  RENAME: 'renamed',
  UPDATE_DESCRIPTION: 'description changed',
  SET_TAG: 'tag set',
  DELETE_TAG: 'tag deleted',
  TRANSITION_STAGE: 'stage',
  SET_ALIAS: 'alias set',
  MOVE_ALIAS: 'alias moved',
  DELETE_ALIAS: 'alias removed',
  DELETE: 'deleted',
}

export function AuditTrail({ events, showVersion }: { readonly events: AsyncState<readonly RegistryEvent[]>; readonly showVersion: boolean }) {
  if (events.status === 'loading') return <Loading what="the audit trail" />
  if (events.status === 'error') return <ErrorBox title="Could not load the audit trail" message={events.message} />
  if (events.value.length === 0) return <Empty>No changes recorded.</Empty>
  return (
    <table className="data audit" aria-label="Audit trail">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          {showVersion ? <th>Version</th> : null}
          <th>Change</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {events.value.map((e) => (
          <tr key={e.eventId} data-action={e.action}>
            <td>{formatTime(e.timestamp)}</td>
            <td>{e.userId ?? ''}</td>
            {showVersion ? <td>{e.version ? `v${e.version}` : ''}</td> : null}
            <td>
              {ACTION_TEXT[e.action] ?? e.action}
              {e.key ? <> <code>{e.key}</code></> : null}
              {e.fromValue !== undefined || e.toValue !== undefined ? (
                <>
                  {': '}
                  {e.fromValue ?? '—'} → {e.toValue ?? '—'}
                </>
              ) : null}
            </td>
            <td>{e.comment ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
