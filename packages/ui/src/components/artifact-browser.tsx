import { useState } from 'react'
import { artifactDownloadUrl, listArtifacts } from '../api.ts'
import type { ArtifactEntry } from '../api.ts'
import { formatBytes } from '../lib/format.ts'
import type { Route } from '../lib/routes.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import { ArtifactPreview } from './artifact-preview.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

// The run's artifacts as a lazily listed tree beside a preview of the chosen file. The chosen file is
// in the URL (`?tab=artifacts&path=…`), so a preview is a link one can share; its folders open by
// themselves on such a link.

interface Props {
  readonly experimentId: string
  readonly runId: string
  readonly selected: string | undefined
  readonly navigate: Navigate
}

export function ArtifactBrowser({ experimentId, runId, selected, navigate }: Props) {
  const [sizes, setSizes] = useState<ReadonlyMap<string, number | undefined>>(new Map())
  const context: TreeContext = {
    runId,
    selected,
    link: (path) => ({ page: 'run', experimentId, runId, tab: 'artifacts', artifact: path }),
    navigate,
    onListed: (entries) =>
      setSizes((known) => (entries.every((e) => known.has(e.path)) ? known : new Map([...known, ...entries.map((e) => [e.path, e.fileSize] as const)]))),
  }
  return (
    <div className="artifacts">
      <nav className="artifact-tree" aria-label="Artifact files">
        <ArtifactFolder context={context} path={undefined} depth={0} />
      </nav>
      <div className="artifact-pane">
        {selected ? <ArtifactPreview key={selected} runId={runId} path={selected} size={sizes.get(selected)} /> : <Empty>Choose a file to preview it.</Empty>}
      </div>
    </div>
  )
}

interface TreeContext {
  readonly runId: string
  readonly selected: string | undefined
  readonly link: (path: string) => Route
  readonly navigate: Navigate
  readonly onListed: (entries: readonly ArtifactEntry[]) => void
}

function ArtifactFolder({ context, path, depth }: { readonly context: TreeContext; readonly path: string | undefined; readonly depth: number }) {
  const entries = useAsync(async () => {
    const listed = await listArtifacts(context.runId, path)
    context.onListed(listed)
    return listed
  }, [context.runId, path])
  if (entries.status === 'loading') return <Loading what="artifacts" />
  if (entries.status === 'error') return <ErrorBox title="Could not list artifacts" message={entries.message} />
  if (entries.value.length === 0) return depth === 0 ? <Empty>No artifacts logged.</Empty> : <div className="muted">(empty)</div>
  const sorted = [...entries.value].sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path))
  return (
    <ul className="artifact-list" aria-label={path ?? 'Artifacts'}>
      {sorted.map((entry) => (
        <ArtifactRow key={entry.path} context={context} entry={entry} depth={depth} />
      ))}
    </ul>
  )
}

function ArtifactRow({ context, entry, depth }: { readonly context: TreeContext; readonly entry: ArtifactEntry; readonly depth: number }) {
  const holdsSelection = context.selected?.startsWith(`${entry.path}/`) ?? false
  const [open, setOpen] = useState(holdsSelection)
  const name = entry.path.split('/').at(-1) ?? entry.path
  if (entry.isDir) {
    return (
      <li>
        <button type="button" className="folder-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? '▾' : '▸'} {name}/
        </button>
        {open ? <ArtifactFolder context={context} path={entry.path} depth={depth + 1} /> : null}
      </li>
    )
  }
  const isSelected = context.selected === entry.path
  return (
    <li className={isSelected ? 'file selected' : 'file'}>
      <a {...linkProps(context.link(entry.path), context.navigate)} aria-current={isSelected ? 'true' : undefined}>
        {name}
      </a>
      <span className="muted size">{formatBytes(entry.fileSize)}</span>
      <a className="download" href={artifactDownloadUrl(context.runId, entry.path)} download={name} aria-label={`Download ${name}`} title={`Download ${name}`}>
        ↓
      </a>
    </li>
  )
}
