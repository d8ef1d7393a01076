interface Props {
  readonly keys: { readonly metrics: readonly string[]; readonly params: readonly string[]; readonly tags: readonly string[] }
  readonly chosen: readonly string[]
  readonly onChange: (columns: readonly string[]) => void
}

// The optional columns; the choice lives in the URL (`cols=`), so a shared link shows the same table.
export function ColumnChooser({ keys, chosen, onChange }: Props) {
  const toggle = (id: string) => onChange(chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id])
  const group = (title: string, kind: string, list: readonly string[]) =>
    list.length === 0 ? null : (
      <fieldset>
        <legend>{title}</legend>
        {list.map((key) => {
          const id = `${kind}.${key}`
          return (
            <label key={id}>
              <input type="checkbox" checked={chosen.includes(id)} onChange={() => toggle(id)} /> {key}
            </label>
          )
        })}
      </fieldset>
    )
  return (
    <details className="column-chooser">
      <summary>Columns ({chosen.length})</summary>
      <div className="popover">
        {group('Metrics', 'metrics', keys.metrics)}
        {group('Params', 'params', keys.params)}
        {group('Tags', 'tags', keys.tags)}
        {keys.metrics.length + keys.params.length + keys.tags.length === 0 ? <p className="muted">No metrics, params or tags in these runs.</p> : null}
      </div>
    </details>
  )
}
