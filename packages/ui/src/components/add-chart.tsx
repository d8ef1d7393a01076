import { useState } from 'react'
import { chartItem } from '../lib/chart-layout.ts'

// "Add chart": a scatter of two chosen columns, or parallel coordinates over chosen columns, added
// at the end of the grid. Columns are the runs' params and metrics, spelled as the table spells them.

interface Props {
  /** `params.<key>` and `metrics.<key>` of the charted runs. */
  readonly columns: readonly string[]
  readonly onAdd: (item: string) => void
}

const MAX_PARALLEL_AXES = 12
const MAX_LISTED = 200
const label = (id: string) => id.replace(/^params\./, 'param ').replace(/^metrics\./, 'metric ')

export function AddChart({ columns, onAdd }: Props) {
  const [kind, setKind] = useState<'scatter' | 'parallel'>('scatter')
  const firstMetric = columns.find((c) => c.startsWith('metrics.')) ?? ''
  const [x, setX] = useState('')
  const [y, setY] = useState('')
  const [axes, setAxes] = useState<readonly string[]>([])
  const [search, setSearch] = useState('')
  const chosenX = x || columns[0] || ''
  const chosenY = y || firstMetric
  const needle = search.trim().toLowerCase()
  const matching = needle ? columns.filter((c) => c.toLowerCase().includes(needle)) : columns
  const valid = kind === 'scatter' ? Boolean(chosenX && chosenY) : axes.length >= 2
  const add = () => {
    onAdd(kind === 'scatter' ? chartItem({ kind, x: chosenX, y: chosenY }) : chartItem({ kind, axes }))
    setAxes([])
  }
  const select = (name: string, value: string, onChange: (value: string) => void) => (
    <label>
      {name}{' '}
      <select aria-label={`Scatter ${name === 'X' ? 'horizontal' : 'vertical'} axis`} value={value} onChange={(e) => onChange(e.target.value)}>
        {columns.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <details className="column-chooser add-chart">
      <summary>Add chart</summary>
      <div className="popover">
        {columns.length === 0 ? <p className="muted">These runs have no params or metrics to plot.</p> : null}
        <label>
          Kind{' '}
          <select aria-label="Chart kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="scatter">Scatter</option>
            <option value="parallel">Parallel coordinates</option>
          </select>
        </label>
        {kind === 'scatter' ? (
          <div className="axis-pickers">
            {select('X', chosenX, setX)}
            {select('Y', chosenY, setY)}
          </div>
        ) : (
          <fieldset className="axis-pickers">
            <legend>
              Axes, in order ({axes.length} of at most {MAX_PARALLEL_AXES})
            </legend>
            <input type="search" aria-label="Search axes" placeholder="Search params and metrics" value={search} onChange={(e) => setSearch(e.target.value)} />
            {matching.slice(0, MAX_LISTED).map((c) => (
              <label key={c} title={c}>
                <input
                  type="checkbox"
                  checked={axes.includes(c)}
                  disabled={!axes.includes(c) && axes.length >= MAX_PARALLEL_AXES}
                  onChange={() => setAxes(axes.includes(c) ? axes.filter((a) => a !== c) : [...axes, c])}
                />{' '}
                {label(c)}
              </label>
            ))}
            {matching.length > MAX_LISTED ? <p className="muted">{matching.length - MAX_LISTED} more: narrow the search.</p> : null}
          </fieldset>
        )}
        <button type="button" disabled={!valid} onClick={add}>
          Add {kind === 'scatter' ? 'scatter' : 'parallel coordinates'}
        </button>
      </div>
    </details>
  )
}
