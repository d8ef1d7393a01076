import { isAbsolute, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { proxiedArtifactPath } from '@orchard/artifacts'
import { invalidParameter } from '@orchard/protocol/base'
import type { ServerContext } from './server-context.ts'

// An experiment's artifact_location is where the server (or a client it hands the URI to) later
// writes and deletes files. Without a check anyone could point one at /etc, ../../ or /proc/self
// and have upload-artifact write there. A location must lie under one of the server's own roots
// (its default artifact root, its artifacts destination) or a prefix the operator allowed with
// --allowed-artifact-locations; proxied `mlflow-artifacts:` locations are checked again, path by
// path, inside the destination whenever they are used.

type Place = { readonly kind: 'local'; readonly path: string } | { readonly kind: 'uri'; readonly scheme: string; readonly rest: string }

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/

function placeOf(location: string): Place | undefined {
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase()
  if (scheme === undefined || (scheme.length === 1 && isAbsolute(location))) return { kind: 'local', path: resolve(location) }
  if (scheme === 'file') {
    // `file:rel/x` is a relative path, resolved against the working directory as the store does.
    if (!location.startsWith('file://')) return { kind: 'local', path: resolve(location.slice('file:'.length)) }
    try {
      return { kind: 'local', path: resolve(fileURLToPath(location)) }
    } catch {
      return undefined
    }
  }
  const rest = location.slice(scheme.length + 1)
  // A store may read `..` literally (S3 keys) or resolve it; either way a prefix match would lie.
  if (rest.split('/').some((segment) => segment === '..' || segment === '.')) return undefined
  return { kind: 'uri', scheme, rest: rest.replace(/\/+$/, '') }
}

function under(root: Place, place: Place): boolean {
  if (root.kind === 'local' && place.kind === 'local') {
    return place.path === root.path || place.path.startsWith(root.path.endsWith(sep) ? root.path : root.path + sep)
  }
  if (root.kind === 'uri' && place.kind === 'uri') {
    return root.scheme === place.scheme && (place.rest === root.rest || place.rest.startsWith(`${root.rest}/`))
  }
  return false
}

/** The roots a location may lie under, as the operator would read them in a message. */
function rootsOf(context: ServerContext): string[] {
  const roots: string[] = []
  if (context.defaultArtifactRoot && !context.defaultArtifactRoot.startsWith('mlflow-artifacts:')) roots.push(context.defaultArtifactRoot)
  if (typeof context.artifactsDestination === 'string') roots.push(context.artifactsDestination)
  roots.push(...(context.allowedArtifactLocations ?? []))
  return roots
}

/** Throws INVALID_PARAMETER_VALUE unless `location` lies under the server's roots or allow-list. */
export function checkArtifactLocation(location: string, context: ServerContext): void {
  if (location.startsWith('mlflow-artifacts:')) {
    if (context.artifactsDestination === undefined) {
      throw invalidParameter(`Artifact location '${location}' is proxied, but this server does not serve artifacts (--no-serve-artifacts).`)
    }
    // Refuses `..` and the like now rather than at the first upload.
    proxiedArtifactPath(location)
    return
  }
  const place = placeOf(location)
  const roots = rootsOf(context)
  const allowed = place !== undefined && roots.some((root) => {
    const rootPlace = placeOf(root)
    return rootPlace !== undefined && under(rootPlace, place)
  })
  if (!allowed) {
    const where = roots.length > 0 ? `under ${roots.map((root) => `'${root}'`).join(', ')}` : 'proxied (mlflow-artifacts:/)'
    throw invalidParameter(
      `Artifact location '${location}' is not allowed: it must be ${where}. An operator may allow more prefixes with --allowed-artifact-locations.`,
    )
  }
}
