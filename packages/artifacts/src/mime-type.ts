// MLflow's _guess_mime_type: a list of extensions (and the extension-less MLmodel / MLproject) served
// as text/plain so the UI can preview them, then Python's mimetypes table, then octet-stream. The
// table below is the part of CPython's built-in map that artifacts actually use; like MLflow on a
// stock Python, `.parquet`, `.pkl`, `.npy` and `.onnx` are application/octet-stream.

const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml',
  'yaml', 'yml', 'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'MLproject',
])

const PYTHON_TYPES: Readonly<Record<string, string>> = {
  '.avif': 'image/avif',
  '.bmp': 'image/bmp',
  '.css': 'text/css',
  '.csv': 'text/csv',
  '.gif': 'image/gif',
  '.h5': 'application/x-hdf5',
  '.htm': 'text/html',
  '.html': 'text/html',
  '.ico': 'image/vnd.microsoft.icon',
  '.jpe': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.mpeg': 'video/mpeg',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.ps': 'application/postscript',
  '.svg': 'image/svg+xml',
  '.tar': 'application/x-tar',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.wasm': 'application/wasm',
  '.wav': 'audio/x-wav',
  '.webm': 'video/webm',
  '.xml': 'text/xml',
  '.zip': 'application/zip',
}

// Python strips one compression suffix (reporting it as the encoding, which MLflow ignores) before
// looking the type up, and rewrites a few tarball shorthands first.
const SHORTHANDS: Readonly<Record<string, string>> = { '.tgz': '.tar.gz', '.taz': '.tar.gz', '.tz': '.tar.gz', '.tbz2': '.tar.bz2', '.txz': '.tar.xz', '.svgz': '.svg.gz' }
const ENCODINGS = new Set(['.gz', '.Z', '.bz2', '.xz', '.br'])

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.')
  // A leading dot starts a hidden name, not an extension (Python's splitext agrees).
  return dot > 0 && !/^\.+$/.test(name.slice(0, dot + 1)) ? name.slice(dot) : ''
}

/** The Content-Type MLflow sends for an artifact with this path. */
export function guessMimeType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const extension = extensionOf(name).replace(/\./g, '')
  if (TEXT_EXTENSIONS.has(extension || name)) return 'text/plain'
  let base = name
  let suffix = extensionOf(base)
  const shorthand = SHORTHANDS[suffix]
  if (shorthand) {
    base = base.slice(0, -suffix.length) + shorthand
    suffix = extensionOf(base)
  }
  if (ENCODINGS.has(suffix)) {
    base = base.slice(0, -suffix.length)
    suffix = extensionOf(base)
  }
  return PYTHON_TYPES[suffix] ?? PYTHON_TYPES[suffix.toLowerCase()] ?? 'application/octet-stream'
}
