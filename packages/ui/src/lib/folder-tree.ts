// Experiment names containing `/` (`team-a/churn/baseline`) are shown as folders. An experiment may
// share its path with a folder (`team-a/churn` next to `team-a/churn/baseline`): that node holds both.

export interface Named {
  readonly experimentId: string
  readonly name: string
}

export interface FolderNode<E extends Named> {
  /** The last name segment. */
  readonly label: string
  /** Every segment up to here joined by `/`: the key of a folder's collapsed state. */
  readonly path: string
  readonly experiments: E[]
  readonly children: FolderNode<E>[]
}

const segmentsOf = (name: string) => name.split('/').filter((segment) => segment !== '')

/** Folders sorted before leaves, each level sorted by name (case-insensitive). */
export function buildFolderTree<E extends Named>(experiments: readonly E[]): FolderNode<E> {
  const root: FolderNode<E> = { label: '', path: '', experiments: [], children: [] }
  for (const experiment of experiments) {
    const segments = segmentsOf(experiment.name)
    let node = root
    // A name of only slashes has no segments; it stays a leaf at the top.
    for (const segment of segments.slice(0, -1)) {
      const path = node.path ? `${node.path}/${segment}` : segment
      let child = node.children.find((c) => c.label === segment)
      if (!child) {
        child = { label: segment, path, experiments: [], children: [] }
        node.children.push(child)
      }
      node = child
    }
    node.experiments.push(experiment)
  }
  sortTree(root)
  return root
}

const byLabel = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })

function sortTree<E extends Named>(node: FolderNode<E>): void {
  node.children.sort((a, b) => byLabel(a.label, b.label))
  node.experiments.sort((a, b) => byLabel(leafLabel(a.name), leafLabel(b.name)))
  node.children.forEach(sortTree)
}

/** What a tree row shows for an experiment: its last segment (the whole name when it has none). */
export function leafLabel(name: string): string {
  return segmentsOf(name).at(-1) ?? name
}

/** The folder paths above an experiment, outermost first: `a/b/c` → [`a`, `a/b`]. */
export function ancestorFolders(name: string): string[] {
  const segments = segmentsOf(name).slice(0, -1)
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'))
}
