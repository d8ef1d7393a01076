// How the artifacts browser previews a file, decided from its name as MLflow's UI does: text and
// logs, JSON, YAML, an MLmodel file, CSV/TSV as a table, images, HTML (sandboxed); anything else is
// offered for download only.

export type ArtifactKind = 'text' | 'json' | 'yaml' | 'mlmodel' | 'csv' | 'tsv' | 'image' | 'html' | 'none'

const TEXT = new Set(['txt', 'log', 'md', 'py', 'r', 'sh', 'ini', 'cfg', 'toml', 'conf', 'sql', 'ts', 'js', 'java', 'scala', 'c', 'h', 'cpp', 'go', 'rs', 'xml', 'jsonl', 'out', 'err', 'requirements', 'lock'])
const IMAGES = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp'])
const TEXT_NAMES = new Set(['MLproject', 'Dockerfile', 'LICENSE', 'README', 'requirements.txt', 'conda.yaml'])

export function artifactKind(path: string): ArtifactKind {
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (name === 'MLmodel') return 'mlmodel'
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  if (extension === 'json') return 'json'
  if (extension === 'yaml' || extension === 'yml') return 'yaml'
  if (extension === 'csv') return 'csv'
  if (extension === 'tsv') return 'tsv'
  if (extension === 'html' || extension === 'htm') return 'html'
  if (IMAGES.has(extension)) return 'image'
  if (TEXT.has(extension) || TEXT_NAMES.has(name) || extension === '') return 'text'
  return 'none'
}

/**
 * Rows of a CSV or TSV text (RFC 4180 quoting: quoted fields may hold the separator, newlines and
 * doubled quotes). With `partial`, the text was cut short, so its last, possibly incomplete, line is
 * dropped. At most `maxRows` rows.
 */
export function parseDelimited(text: string, separator: ',' | '\t', partial: boolean, maxRows: number): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  const endRow = () => {
    row.push(field)
    rows.push(row)
    row = []
    field = ''
  }
  while (i < text.length && rows.length < maxRows) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === separator) {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRow()
    } else field += c
    i++
  }
  const reachedEnd = i >= text.length
  if (reachedEnd && !partial && (field !== '' || row.length > 0)) endRow()
  return rows
}

/** A few top-level facts of an MLmodel file (YAML): its flavors and the fields people look for. */
export function summarizeMlmodel(text: string): { readonly flavors: string[]; readonly fields: [string, string][] } {
  const flavors: string[] = []
  const fields: [string, string][] = []
  let inFlavors = false
  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line)
    if (top) {
      inFlavors = top[1] === 'flavors'
      if (!inFlavors && top[2] && ['artifact_path', 'model_uuid', 'run_id', 'utc_time_created', 'mlflow_version', 'model_id'].includes(top[1]!)) {
        fields.push([top[1]!, top[2].replace(/^['"]|['"]$/g, '')])
      } else if (!inFlavors && top[1] === 'signature') fields.push(['signature', 'yes'])
      continue
    }
    // Flavor names may hold dots (`orchard.linear`, `mlflow.pyfunc`-style plugins) and be quoted.
    const flavor = inFlavors ? /^ {2}(['"]?)([A-Za-z_][\w.-]*)\1:/.exec(line) : null
    if (flavor) flavors.push(flavor[2]!)
  }
  return { flavors, fields }
}
