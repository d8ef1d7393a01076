import { useState } from 'react'

interface Props {
  readonly keys: {
    readonly metrics: readonly string[]
    readonly params: readonly string[]
    readonly tags: readonly string[]
    readonly datasets: boolean
  }
  readonly chosen: readonly string[]
  /** The new choice; undefined goes back to the defaults. */
  readonly onChange: (columns: readonly string[] | undefined) => void
}

// An experiment may hold thousands of keys: each group lists at most this many matches, and the
// search box narrows them.
const MAX_LISTED = 200

// The optional columns; the choice lives in the URL (`cols=`), so a shared link shows the same table,
// and in this browser's storage per experiment.
export function ColumnChooser({ keys, chosen, onChange }: Props) {
  const [search, setSearch] = useState('')
  const needle = search.trim().toLowerCase()
  // A metric column chosen with an aggregate (`metrics.loss@min`) counts as that metric's column.
  const isChosen = (id: string) => chosen.some((c) => c === id || c.startsWith(`${id}@`))
  const toggle = (id: string) => onChange(isChosen(id) ? chosen.filter((c) => c !== id && !c.startsWith(`${id}@`)) : [...chosen, id])
  const group = (title: string, kind: string, list: readonly string[]) => {
    const matching = needle ? list.filter((key) => key.toLowerCase().includes(needle)) : list
    if (matching.length === 0) return null
    const ids = matching.map((key) => `${kind}.${key}`)
    const allOn = ids.every(isChosen)
    return (
      <fieldset>
        <legend>
          {title} <span className="muted">({matching.length})</span>{' '}
          <button
            type="button"
            className="link"
            onClick={() => onChange(allOn ? chosen.filter((c) => !ids.some((id) => c === id || c.startsWith(`${id}@`))) : [...chosen, ...ids.filter((id) => !isChosen(id))].slice(0, 500))}
          >
            {allOn ? 'none' : 'all'}
          </button>
        </legend>
        {matching.slice(0, MAX_LISTED).map((key) => {
          const id = `${kind}.${key}`
          return (
            <label key={id} title={key}>
              <input type="checkbox" checked={isChosen(id)} onChange={() => toggle(id)} /> {key}
            </label>
          )
        })}
        {matching.length > MAX_LISTED ? <p className="muted">{matching.length - MAX_LISTED} more: narrow the search.</p> : null}
      </fieldset>
    )
  }
  const none = keys.metrics.length + keys.params.length + keys.tags.length === 0 && !keys.datasets
  return (
    <details className="column-chooser">
      <summary>Columns ({chosen.length})</summary>
      <div className="popover">
        <div className="chooser-head">
          <input type="search" aria-label="Search columns" placeholder="Search columns" value={search} onChange={(e) => setSearch(e.target.value)} />
          <button type="button" onClick={() => onChange(undefined)} title="The metrics most runs share, then params">
            Defaults
          </button>
        </div>
        {group('Metrics', 'metrics', keys.metrics)}
        {group('Parameters', 'params', keys.params)}
        {group('Tags', 'tags', keys.tags)}
        {keys.datasets && (!needle || 'datasets'.includes(needle)) ? (
          <fieldset>
            <legend>Datasets</legend>
            <label>
              <input type="checkbox" checked={chosen.includes('datasets')} onChange={() => toggle('datasets')} /> Datasets used
            </label>
          </fieldset>
        ) : null}
        {none ? <p className="muted">No metrics, params or tags in these runs.</p> : null}
      </div>
    </details>
  )
}
