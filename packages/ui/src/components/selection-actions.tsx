import { useRef, useState } from 'react'
import { transport } from '../api.ts'
import type { Experiment, Run } from '../api.ts'
import { ConfirmDialog } from './confirm-dialog.tsx'
import { MarkdownEditor } from './markdown-editor.tsx'

// What the runs table does to its ticked runs: move them to another experiment, delete or restore
// them, and for one run set a tag of a key not shown as a column or write its description. Each
// behind a dialog that shows the server's refusal in place; `onChanged` reads the runs again. A
// run's name and the tags shown as columns are edited in the table's cells (inline-edit.tsx).

const NOTE_TAG = 'mlflow.note.content'
type Action = 'move' | 'delete' | 'restore' | 'tag' | 'describe'

interface Props {
  readonly runs: readonly Run[]
  readonly experimentIds: readonly string[]
  readonly experiments: readonly Experiment[]
  readonly onChanged: (action: Action) => void
}

const plural = (n: number) => `${n} run${n === 1 ? '' : 's'}`

export function SelectionActions({ runs, experimentIds, experiments, onChanged }: Props) {
  const [action, setAction] = useState<Action>()
  const [target, setTarget] = useState('')
  const [text, setText] = useState('')
  const [tagKey, setTagKey] = useState('')
  const ids = runs.map((r) => r.info.runId)
  const single = runs.length === 1 ? runs[0] : undefined
  const deleted = runs.filter((r) => r.info.lifecycleStage === 'deleted')
  const active = runs.filter((r) => r.info.lifecycleStage !== 'deleted')
  const destinations = experiments.filter((e) => e.lifecycleStage === 'active' && !(experimentIds.length === 1 && e.experimentId === experimentIds[0]))
  const open = (next: Action) => {
    setAction(next)
    setTarget(destinations[0]?.experimentId ?? '')
    setText(next === 'describe' ? (single?.data.tags.find((t) => t.key === NOTE_TAG)?.value ?? '') : '')
    setTagKey('')
  }
  // The dialog closes on Cancel too; only a confirmed action reads the runs again.
  const succeeded = useRef(false)
  const confirmed = (call: () => Promise<unknown>) => async () => {
    await call()
    succeeded.current = true
  }
  const done = () => {
    const finished = action
    setAction(undefined)
    if (finished && succeeded.current) onChanged(finished)
    succeeded.current = false
  }
  const name = (r: Run) => r.info.runName || r.info.runId
  const title = single ? `“${name(single)}”` : plural(runs.length)

  return (
    <>
      <span className="selection-actions" role="group" aria-label="Selected runs">
        <button type="button" disabled={runs.length === 0 || destinations.length === 0} onClick={() => open('move')} title="Move the selected runs to another experiment">
          Move…
        </button>
        <button type="button" disabled={active.length === 0} onClick={() => open('delete')}>
          Delete
        </button>
        {deleted.length > 0 ? (
          <button type="button" onClick={() => open('restore')}>
            Restore
          </button>
        ) : null}
        <button type="button" disabled={!single} onClick={() => open('tag')} title="Select one run to set a tag">
          Tag…
        </button>
        <button type="button" disabled={!single} onClick={() => open('describe')} title="Select one run to write its description">
          Description…
        </button>
      </span>
      {action === 'move' ? (
        <ConfirmDialog
          title={`Move ${title} to another experiment?`}
          confirmLabel="Move"
          onConfirm={confirmed(() => transport.moveRuns(ids, target))}
          onClose={done}
        >
          <label className="stacked">
            Destination experiment
            <select aria-label="Destination experiment" value={target} onChange={(e) => setTarget(e.target.value)}>
              {destinations.map((e) => (
                <option key={e.experimentId} value={e.experimentId}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
          <p>All of them move or none does. Their artifacts stay where they were written; the runs keep pointing at them.</p>
        </ConfirmDialog>
      ) : null}
      {action === 'delete' ? (
        <ConfirmDialog title={`Delete ${active.length === 1 ? `run “${name(active[0]!)}”` : plural(active.length)}?`} confirmLabel="Delete" onConfirm={confirmed(() => Promise.all(active.map((r) => transport.deleteRun(r.info.runId))))} onClose={done}>
          <p>Deleted runs are listed with “Show deleted” and can be restored until the server’s garbage collection removes them.</p>
        </ConfirmDialog>
      ) : null}
      {action === 'restore' ? (
        <ConfirmDialog title={`Restore ${deleted.length === 1 ? `run “${name(deleted[0]!)}”` : plural(deleted.length)}?`} confirmLabel="Restore" onConfirm={confirmed(() => Promise.all(deleted.map((r) => transport.restoreRun(r.info.runId))))} onClose={done}>
          <p>They come back to the experiment’s runs.</p>
        </ConfirmDialog>
      ) : null}
      {action === 'tag' && single ? (
        <ConfirmDialog title={`Set a tag on ${title}`} confirmLabel="Set tag" onConfirm={confirmed(() => transport.setTag(single.info.runId, { key: tagKey.trim(), value: text }))} onClose={done}>
          <label className="stacked">
            Key
            <input aria-label="New tag key" autoFocus value={tagKey} maxLength={250} onChange={(e) => setTagKey(e.target.value)} />
          </label>
          <label className="stacked">
            Value
            <input aria-label="New tag value" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
        </ConfirmDialog>
      ) : null}
      {action === 'describe' && single ? (
        <ConfirmDialog title={`Description of ${title}`} confirmLabel="Save description" onConfirm={confirmed(() => transport.setTag(single.info.runId, { key: NOTE_TAG, value: text }))} onClose={done}>
          <MarkdownEditor label="Run description (markdown)" value={text} onChange={setText} />
        </ConfirmDialog>
      ) : null}
    </>
  )
}
