import { useMemo, useState } from 'react'
import type { FormEvent, MouseEvent } from 'react'
import { errorMessage, transport } from '../api.ts'
import type { Experiment } from '../api.ts'
import { ancestorFolders, buildFolderTree, leafLabel } from '../lib/folder-tree.ts'
import type { FolderNode } from '../lib/folder-tree.ts'
import type { AsyncState } from '../use-async.ts'
import { ConfirmDialog } from './confirm-dialog.tsx'
import { ErrorBox, Loading } from './status.tsx'

interface Props {
  readonly experiments: AsyncState<readonly Experiment[]>
  readonly selectedIds: readonly string[]
  readonly showDeleted: boolean
  readonly onShowDeleted: (show: boolean) => void
  /** Select these experiments (one on a click, several with ctrl/cmd-click or the checkboxes). */
  readonly onSelect: (ids: readonly string[]) => void
  /** Reload after a change; resolves once the list is fresh. */
  readonly onChanged: () => Promise<void>
}

export function ExperimentsSidebar(props: Props) {
  const [search, setSearch] = useState('')
  const [creating, setCreating] = useState(false)
  const [newName, setNewName] = useState('')
  const [actionError, setActionError] = useState<string>()
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set())
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set())
  const [renaming, setRenaming] = useState<{ id: string; name: string }>()
  const [deleting, setDeleting] = useState<Experiment>()

  const all = props.experiments.status === 'ready' ? props.experiments.value : []
  const needle = search.trim().toLowerCase()
  const matching = useMemo(() => (needle ? all.filter((e) => e.name.toLowerCase().includes(needle)) : all), [all, needle])
  const tree = useMemo(() => buildFolderTree(matching), [matching])
  // Folders open by default around the selection and while searching; the user's clicks win.
  const autoOpen = useMemo(() => {
    const byId = new Map(all.map((e) => [e.experimentId, e]))
    return new Set(props.selectedIds.flatMap((id) => ancestorFolders(byId.get(id)?.name ?? '')))
  }, [all, props.selectedIds])
  const isOpen = (path: string) => !closed.has(path) && (opened.has(path) || autoOpen.has(path) || needle !== '')
  const toggleFolder = (path: string) => {
    const open = isOpen(path)
    setOpened((s) => toggled(s, path, !open))
    setClosed((s) => toggled(s, path, open))
  }

  const act = async (action: () => Promise<unknown>) => {
    setActionError(undefined)
    try {
      await action()
      await props.onChanged()
      return true
    } catch (error) {
      setActionError(errorMessage(error))
      return false
    }
  }

  const create = async (event: FormEvent) => {
    event.preventDefault()
    let id = ''
    const ok = await act(async () => {
      id = await transport.createExperiment({ name: newName.trim() })
    })
    if (ok) {
      setCreating(false)
      setNewName('')
      props.onSelect([id])
    }
  }

  const rename = async (event: FormEvent) => {
    event.preventDefault()
    if (!renaming) return
    const { id, name } = renaming
    if (await act(() => transport.renameExperiment(id, name.trim()))) setRenaming(undefined)
  }

  const select = (event: MouseEvent, id: string) => {
    event.preventDefault()
    if (event.ctrlKey || event.metaKey) props.onSelect(toggledList(props.selectedIds, id))
    else props.onSelect([id])
  }

  const renderExperiment = (e: Experiment, depth: number) => {
    const selected = props.selectedIds.includes(e.experimentId)
    const deleted = e.lifecycleStage === 'deleted'
    if (renaming?.id === e.experimentId) {
      return (
        <li key={e.experimentId} style={{ paddingLeft: depth * 14 }}>
          <form className="inline-form" onSubmit={rename}>
            <input aria-label="New name" autoFocus value={renaming.name} onChange={(ev) => setRenaming({ id: e.experimentId, name: ev.target.value })} />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setRenaming(undefined)}>Cancel</button>
          </form>
        </li>
      )
    }
    return (
      <li key={e.experimentId} className={`experiment${selected ? ' selected' : ''}${deleted ? ' deleted' : ''}`} style={{ paddingLeft: depth * 14 }}>
        <input
          type="checkbox"
          aria-label={`Select ${e.name}`}
          checked={selected}
          onChange={() => props.onSelect(toggledList(props.selectedIds, e.experimentId))}
        />
        <a href={`/experiments/${e.experimentId}`} title={e.name} data-experiment-id={e.experimentId} onClick={(ev) => select(ev, e.experimentId)}>
          {leafLabel(e.name)}
        </a>
        <span className="row-actions">
          {deleted ? (
            <button type="button" title="Restore" aria-label={`Restore ${e.name}`} onClick={() => void act(() => transport.restoreExperiment(e.experimentId))}>
              ↺
            </button>
          ) : (
            <>
              <button type="button" title="Rename" aria-label={`Rename ${e.name}`} onClick={() => setRenaming({ id: e.experimentId, name: e.name })}>
                ✎
              </button>
              <button type="button" title="Delete" aria-label={`Delete ${e.name}`} onClick={() => setDeleting(e)}>
                ✕
              </button>
            </>
          )}
        </span>
      </li>
    )
  }

  const renderFolder = (node: FolderNode<Experiment>, depth: number): React.ReactNode[] => [
    ...node.children.map((child) => {
      const open = isOpen(child.path)
      return (
        <li key={`folder:${child.path}`} className="folder">
          <button type="button" className="folder-toggle" aria-expanded={open} style={{ paddingLeft: depth * 14 }} onClick={() => toggleFolder(child.path)}>
            <span className="caret">{open ? '▾' : '▸'}</span> {child.label}/
          </button>
          {open ? <ul>{renderFolder(child, depth + 1)}</ul> : null}
        </li>
      )
    }),
    ...node.experiments.map((e) => renderExperiment(e, depth)),
  ]

  return (
    <aside className="sidebar" aria-label="Experiments">
      <div className="sidebar-head">
        <h2>Experiments</h2>
        <button type="button" onClick={() => setCreating((c) => !c)}>
          + New
        </button>
      </div>
      {creating ? (
        <form className="inline-form" onSubmit={create}>
          <input aria-label="Experiment name" placeholder="team/project/name" autoFocus value={newName} onChange={(e) => setNewName(e.target.value)} />
          <button type="submit" disabled={!newName.trim()}>
            Create
          </button>
        </form>
      ) : null}
      <input className="search" type="search" aria-label="Search experiments" data-search placeholder="Search experiments" value={search} onChange={(e) => setSearch(e.target.value)} />
      <label className="toggle">
        <input type="checkbox" checked={props.showDeleted} onChange={(e) => props.onShowDeleted(e.target.checked)} /> Show deleted
      </label>
      {actionError ? <ErrorBox message={actionError} /> : null}
      {props.experiments.status === 'loading' ? <Loading what="experiments" /> : null}
      {props.experiments.status === 'error' ? <ErrorBox title="Could not list experiments" message={props.experiments.message} /> : null}
      {props.experiments.status === 'ready' && matching.length === 0 ? <div className="status empty">{needle ? 'No experiment matches.' : 'No experiments yet.'}</div> : null}
      <ul className="tree">{renderFolder(tree, 0)}</ul>
      {props.selectedIds.length > 1 ? <div className="hint">{props.selectedIds.length} experiments selected</div> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete experiment “${deleting.name}”?`}
          confirmLabel="Delete experiment"
          onConfirm={async () => {
            await transport.deleteExperiment(deleting.experimentId)
            await props.onChanged()
          }}
          onClose={() => setDeleting(undefined)}
        >
          <p>
            The experiment and its runs move to the deleted list; “Show deleted” lists it, and it can be restored until the server’s garbage
            collection removes it for good.
          </p>
        </ConfirmDialog>
      ) : null}
    </aside>
  )
}

function toggled(set: ReadonlySet<string>, item: string, on: boolean): ReadonlySet<string> {
  const next = new Set(set)
  if (on) next.add(item)
  else next.delete(item)
  return next
}

function toggledList(list: readonly string[], item: string): readonly string[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item]
}
