import { artifactDownloadUrl, readArtifactHead } from '../api.ts'
import { artifactKind, parseDelimited, summarizeMlmodel } from '../lib/artifact-kind.ts'
import type { ArtifactKind } from '../lib/artifact-kind.ts'
import { RegisterModelButton } from './register-model.tsx'
import { formatBytes } from '../lib/format.ts'
import { useAsync } from '../use-async.ts'
import { ErrorBox, Loading } from './status.tsx'

// Text previews read at most this much (one Range request); a longer file shows its head and a link.
const TEXT_PREVIEW_BYTES = 256 * 1024
// Images load whole through <img>; past this they are offered for download instead.
const IMAGE_PREVIEW_BYTES = 20 * 1024 * 1024
const TABLE_ROWS = 500

interface Props {
  readonly runId: string
  readonly path: string
  readonly size: number | undefined
}

export function ArtifactPreview({ runId, path, size }: Props) {
  const kind = artifactKind(path)
  const name = path.slice(path.lastIndexOf('/') + 1)
  const url = artifactDownloadUrl(runId, path)
  return (
    <section className="artifact-preview" aria-label={`Preview of ${name}`} data-kind={kind}>
      <header className="preview-head">
        <strong title={path}>{path}</strong>
        <span className="muted">{formatBytes(size)}</span>
        <span className="spacer" />
        {kind === 'mlmodel' && path.includes('/') ? <RegisterModelButton runId={runId} folder={path.slice(0, path.lastIndexOf('/'))} /> : null}
        <a className="button" href={url} download={name}>
          Download
        </a>
      </header>
      {kind === 'none' ? <p className="muted">No preview for this type of file; download it to open it.</p> : null}
      {kind === 'image' ? (
        size !== undefined && size > IMAGE_PREVIEW_BYTES ? (
          <p className="muted">This image is {formatBytes(size)}, too large to preview; download it to open it.</p>
        ) : (
          <div className="image-frame">
            <img src={url} alt={name} />
          </div>
        )
      ) : null}
      {kind !== 'none' && kind !== 'image' ? <TextualPreview runId={runId} path={path} kind={kind} url={url} name={name} /> : null}
    </section>
  )
}

function TextualPreview({ runId, path, kind, url, name }: { readonly runId: string; readonly path: string; readonly kind: ArtifactKind; readonly url: string; readonly name: string }) {
  const head = useAsync(() => readArtifactHead(runId, path, TEXT_PREVIEW_BYTES), [runId, path])
  if (head.status === 'loading') return <Loading what={name} />
  if (head.status === 'error') return <ErrorBox title={`Could not read ${name}`} message={head.message} />
  const { bytes, partial, totalSize } = head.value
  // stream: true holds back a multi-byte character cut by the range instead of showing U+FFFD.
  const text = new TextDecoder().decode(bytes, { stream: partial })
  return (
    <>
      {partial ? (
        <p className="partial-note" role="note">
          Showing the first {formatBytes(bytes.length)} of {formatBytes(totalSize)}.{' '}
          <a href={url} download={name}>
            Download the whole file
          </a>
          .
        </p>
      ) : null}
      <TextBody kind={kind} text={text} partial={partial} />
    </>
  )
}

function TextBody({ kind, text, partial }: { readonly kind: ArtifactKind; readonly text: string; readonly partial: boolean }) {
  switch (kind) {
    case 'json': {
      if (partial) return <pre className="code">{text}</pre>
      try {
        return <pre className="code json">{JSON.stringify(JSON.parse(text), null, 2)}</pre>
      } catch (error) {
        return (
          <>
            <p className="muted">Not valid JSON ({(error as Error).message}); shown as text.</p>
            <pre className="code">{text}</pre>
          </>
        )
      }
    }
    case 'yaml':
      return <YamlText text={text} />
    case 'mlmodel': {
      const { flavors, fields } = summarizeMlmodel(text)
      return (
        <>
          <table className="kv mlmodel" aria-label="MLmodel summary">
            <tbody>
              <tr>
                <th>Flavors</th>
                <td>{flavors.join(', ') || '—'}</td>
              </tr>
              {fields.map(([key, value]) => (
                <tr key={key}>
                  <th>{key}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <YamlText text={text} />
        </>
      )
    }
    case 'csv':
    case 'tsv':
      return <DelimitedTable rows={parseDelimited(text, kind === 'csv' ? ',' : '\t', partial, TABLE_ROWS + 1)} />
    case 'html':
      // No allow-* tokens: no scripts, no forms, no top navigation, and an opaque origin, so the page
      // can neither run code nor reach this app's cookies or API.
      return <iframe className="html-preview" title="HTML preview" sandbox="" srcDoc={text} />
    default:
      return <pre className="code">{text}</pre>
  }
}

function YamlText({ text }: { readonly text: string }) {
  return (
    <pre className="code yaml">
      {text.split('\n').map((line, i) => {
        const match = /^(\s*-?\s*)([^:#\s][^:#]*):(\s|$)(.*)$/.exec(line)
        return (
          <span key={i}>
            {match ? (
              <>
                {match[1]}
                <span className="yaml-key">{match[2]}</span>:{match[3]}
                {match[4]}
              </>
            ) : (
              line
            )}
            {'\n'}
          </span>
        )
      })}
    </pre>
  )
}

function DelimitedTable({ rows }: { readonly rows: readonly string[][] }) {
  const [header, ...body] = rows
  if (!header) return <p className="muted">(empty)</p>
  const shown = body.slice(0, TABLE_ROWS)
  return (
    <div className="table-scroll preview-table">
      <table className="data" aria-label="Table preview">
        <thead>
          <tr>
            {header.map((cell, i) => (
              <th key={i}>{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {body.length > TABLE_ROWS ? <p className="muted">First {TABLE_ROWS} rows shown.</p> : null}
    </div>
  )
}
