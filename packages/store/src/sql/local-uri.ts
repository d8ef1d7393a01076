import { isAbsolute, resolve } from 'node:path'

const SCHEME = /^([a-z][a-z0-9+.-]*):/i

/**
 * MLflow's resolve_uri_if_local: a relative local path becomes absolute against the working
 * directory (`mlruns/x` → `/cwd/mlruns/x`; `file:mlruns/x` → `file:///cwd/mlruns/x`). Absolute paths
 * and every other scheme are kept as written.
 */
export function resolveUriIfLocal(uri: string): string {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase()
  // A Windows drive letter reads as a one-letter scheme; it is an absolute path already.
  if (scheme !== undefined && scheme.length > 1 && scheme !== 'file') return uri
  if (scheme === undefined) return isAbsolute(uri) ? uri : resolve(uri)
  if (scheme.length === 1) return uri
  const rest = uri.slice('file:'.length)
  // file:/abs, file:///abs and file://host/abs are absolute; only file:relative is resolved.
  if (rest.startsWith('/')) return uri
  const [path = '', suffix = ''] = rest.split(/(?=[?#])/, 2)
  return `file://${resolve(decodeURIComponent(path))}${suffix}`
}
