// MLflow marks a nested run with the tag `mlflow.parentRunId`. The runs table shows children under
// their parent (collapsed until expanded); a child whose parent is not in the result (filtered out,
// deleted, another page) is shown at the top level so no run disappears.

export const PARENT_RUN_TAG = 'mlflow.parentRunId'

export interface TreeRun {
  readonly info: { readonly runId: string }
  readonly data: { readonly tags: readonly { readonly key: string; readonly value: string }[] }
}

export interface RunRow<R extends TreeRun> {
  readonly run: R
  readonly depth: number
  readonly childCount: number
}

export const parentRunIdOf = (run: TreeRun) => run.data.tags.find((t) => t.key === PARENT_RUN_TAG)?.value

/** Rows in display order; the server's order is kept among siblings. */
export function nestRuns<R extends TreeRun>(runs: readonly R[], expanded: ReadonlySet<string>): RunRow<R>[] {
  const ids = new Set(runs.map((r) => r.info.runId))
  const children = new Map<string, R[]>()
  const roots: R[] = []
  for (const run of runs) {
    const parent = parentRunIdOf(run)
    if (parent !== undefined && parent !== run.info.runId && ids.has(parent)) {
      const list = children.get(parent)
      if (list) list.push(run)
      else children.set(parent, [run])
    } else {
      roots.push(run)
    }
  }
  // Runs in a parent cycle (a→b→a) are reachable from no root: the first of each becomes one.
  const reachable = new Set<string>()
  const mark = (run: R) => {
    if (reachable.has(run.info.runId)) return
    reachable.add(run.info.runId)
    children.get(run.info.runId)?.forEach(mark)
  }
  roots.forEach(mark)
  for (const run of runs) {
    if (!reachable.has(run.info.runId)) {
      roots.push(run)
      mark(run)
    }
  }
  const rows: RunRow<R>[] = []
  const shown = new Set<string>()
  const visit = (run: R, depth: number) => {
    if (shown.has(run.info.runId)) return
    shown.add(run.info.runId)
    const kids = (children.get(run.info.runId) ?? []).filter((kid) => !roots.includes(kid))
    rows.push({ run, depth, childCount: kids.length })
    if (expanded.has(run.info.runId)) for (const kid of kids) visit(kid, depth + 1)
  }
  roots.forEach((run) => visit(run, 0))
  return rows
}
