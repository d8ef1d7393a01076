import { useState } from 'react'
import { MarkdownView } from './markdown-view.tsx'

// Markdown typed in a textarea with a Preview tab that shows it as it will be rendered; used where a
// run's description is written (the run page in place, the runs table's dialog).

interface Props {
  readonly value: string
  readonly onChange: (value: string) => void
  /** The textarea's accessible name. */
  readonly label: string
  readonly rows?: number
}

export function MarkdownEditor({ value, onChange, label, rows = 8 }: Props) {
  const [previewing, setPreviewing] = useState(false)
  return (
    <>
      <div className="note-tabs" role="tablist" aria-label="Write or preview">
        <button type="button" role="tab" aria-selected={!previewing} onClick={() => setPreviewing(false)}>
          Write
        </button>
        <button type="button" role="tab" aria-selected={previewing} onClick={() => setPreviewing(true)}>
          Preview
        </button>
      </div>
      {previewing ? (
        <div className="note-preview" role="tabpanel" aria-label="Description preview">
          {value.trim() ? <MarkdownView source={value} /> : <p className="muted">Nothing to preview.</p>}
        </div>
      ) : (
        <textarea aria-label={label} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} autoFocus />
      )}
    </>
  )
}
