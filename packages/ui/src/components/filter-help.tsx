// The filter box's syntax help: MLflow's grammar as the server reads it, and what Orchard adds (OR,
// parentheses, aggregates of a metric's history). Kept next to the box so the examples are one click
// from where they are typed.

const EXAMPLES: readonly { readonly filter: string; readonly meaning: string }[] = [
  { filter: 'metrics.rmse < 1', meaning: "a metric's latest value (as MLflow)" },
  { filter: "params.model = 'tree' and tags.team LIKE 'vision%'", meaning: 'params and tags are strings: =, !=, LIKE, ILIKE' },
  { filter: "attributes.status = 'FINISHED'", meaning: 'run_name, status, start_time, end_time, user_id, run_id' },
  { filter: "datasets.name IN ('train', 'eval')", meaning: 'datasets by name, digest or context' },
  { filter: 'min(metrics.loss) < 0.2', meaning: "the least value of the run's whole history; also max(…), mean(…) (or avg)" },
  { filter: '(metrics.acc > 0.9 or mean(metrics.acc) > 0.8)', meaning: 'OR and parentheses (Orchard)' },
]

export function FilterHelp({ onExample }: { readonly onExample: (filter: string) => void }) {
  return (
    <details className="filter-help">
      <summary aria-label="Filter syntax" title="Filter syntax">
        ?
      </summary>
      <div className="popover" role="note" aria-label="Filter syntax help">
        <p>
          Clauses <code>key operator value</code> joined by <code>and</code>, <code>or</code> and parentheses. Quote keys holding spaces or
          dashes with backticks: <code>metrics.`val loss`</code>. Aggregates read every point a run logged for the metric, NaN points left out;
          a run without the metric matches no comparison. Filters run on the server, over all runs of the experiment.
        </p>
        <ul>
          {EXAMPLES.map((e) => (
            <li key={e.filter}>
              <button type="button" className="link" onClick={() => onExample(e.filter)}>
                <code>{e.filter}</code>
              </button>{' '}
              <span className="muted">{e.meaning}</span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  )
}
