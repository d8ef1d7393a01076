import { normalizeArtifactPath } from './resolve-inside.ts'

// Kept apart from registry.ts, which loads the S3 SDK: `orchard gc` needs this parser for every
// proxied run, and the SDK only when it meets an s3:// location.

const HTTP_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts'

/**
 * The path inside the artifacts destination that a proxied URI names, as MLflow's
 * _get_proxied_run_artifact_destination_path: the URI's path for `mlflow-artifacts:[//host]/path`,
 * what follows the route anchor for an http(s) proxy URL. Undefined for any other URI.
 */
export function proxiedArtifactPath(uri: string): string | undefined {
  let rest: string
  if (uri.startsWith('mlflow-artifacts:')) {
    rest = uri.slice('mlflow-artifacts:'.length)
    if (rest.startsWith('//')) rest = rest.slice(2).replace(/^[^/]*/, '')
  } else if (/^https?:\/\//i.test(uri)) {
    const path = uri.replace(/^https?:\/\/[^/?#]*/i, '').replace(/[?#].*$/, '')
    const anchor = path.indexOf(`${HTTP_ANCHOR}/`)
    if (anchor === -1) return undefined
    rest = path.slice(anchor + HTTP_ANCHOR.length)
  } else {
    return undefined
  }
  // Parsed by hand rather than with URL, which would silently resolve `..` instead of refusing it.
  return normalizeArtifactPath(rest.replace(/^\/+/, ''))
}
