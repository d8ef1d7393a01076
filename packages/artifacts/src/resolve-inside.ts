import { resolve, sep } from 'node:path'
import { MAX_ARTIFACT_PATH_BYTES, MAX_ARTIFACT_PATH_SEGMENT_BYTES, invalidParameter } from '@orchard/protocol/base'

// Every artifact path a user sends goes through here, on every endpoint and every repository.
// A path may not be absolute, contain NUL or backslashes, or have a `..` segment — neither as
// written nor after percent-decoding (clients and proxies decode at different layers, so
// `%2e%2e%2f` must be as dead as `../`).

const MAX_DECODE_ROUNDS = 3

function decodeRounds(path: string): string[] {
  const forms = [path]
  let current = path
  for (let i = 0; i < MAX_DECODE_ROUNDS && current.includes('%'); i++) {
    try {
      const next = decodeURIComponent(current)
      if (next === current) break
      forms.push(next)
      current = next
    } catch {
      break
    }
  }
  return forms
}

// MLflow's validate_path_is_safe says "Invalid path"; the path and the reason follow.
function reject(path: string, why: string): never {
  throw invalidParameter(`Invalid path ${JSON.stringify(path)}: ${why}.`)
}

/**
 * Check a user-supplied artifact path and return it normalised: relative, `/`-separated, no empty
 * or `.` segments, and `''` for the root.
 */
export function normalizeArtifactPath(path: string | undefined): string {
  if (path === undefined || path === '' || path === '.' || path === './') return ''
  for (const form of decodeRounds(path)) {
    if (form.includes('\0')) reject(path, 'it contains a NUL byte')
    if (form.includes('\\')) reject(path, 'backslashes are not allowed; use /')
    if (form.startsWith('/') || /^[a-zA-Z]:/.test(form)) reject(path, 'it must be relative to the run’s artifact root')
    if (form.split('/').some((segment) => segment === '..')) reject(path, "'..' segments would escape the artifact root")
  }
  const shown = path.length > 600 ? `${path.slice(0, 600)}…` : path
  if (Buffer.byteLength(path) > MAX_ARTIFACT_PATH_BYTES) reject(shown, `it is longer than ${MAX_ARTIFACT_PATH_BYTES} bytes`)
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.')
  // A longer name fails in the file system (ENAMETOOLONG) or in S3 tooling; say so up front.
  for (const segment of segments) {
    if (Buffer.byteLength(segment) > MAX_ARTIFACT_PATH_SEGMENT_BYTES) {
      reject(shown, `a path segment is longer than ${MAX_ARTIFACT_PATH_SEGMENT_BYTES} bytes`)
    }
  }
  return segments.join('/')
}

/** The absolute local path of `path` under `root`; throws INVALID_PARAMETER_VALUE if it would escape. */
export function resolveInside(root: string, path: string | undefined): string {
  const relative = normalizeArtifactPath(path)
  const base = resolve(root)
  const target = resolve(base, relative)
  if (target !== base && !target.startsWith(base + sep)) reject(path ?? '', 'it escapes the artifact root')
  return target
}
