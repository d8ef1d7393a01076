import { realpath, rm, rmdir, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ArtifactRepository } from '@orchard/artifacts'
import { proxiedArtifactPath } from '@orchard/artifacts/paths'

// After `orchard gc` has removed runs and experiments from the database, their artifacts are
// deleted wherever an ArtifactRepository reaches: local disk and S3. Deleting is the dangerous
// half, so a location is removed only when it provably belongs to what was collected:
// - a run's artifacts only when their path runs through a folder named after the run id
//   (`…/<run id>/artifacts`, MLflow's layout), and proxied (`mlflow-artifacts:/`) paths only
//   inside the artifacts destination, which may be a folder or `s3://bucket/prefix`;
// - an experiment's folder only when it is named after the experiment id and lies inside the
//   artifacts destination; elsewhere (a location the user chose) only if it is empty, which on
//   S3 means no keys under the prefix (and then there is nothing to delete).
// Locations no repository serves (gs:, hdfs:, …) are reported and kept.
// @orchard/artifacts (and with it the S3 SDK) is imported only when a location is not on local disk.

export type ArtifactOutcome =
  | { readonly kind: 'deleted'; readonly location: string }
  | { readonly kind: 'absent'; readonly location: string }
  | { readonly kind: 'kept'; readonly location: string; readonly reason: string }
  /** Deleting was tried and the store refused or failed: the artifacts may be partly there. */
  | { readonly kind: 'failed'; readonly location: string; readonly reason: string }

/**
 * A location split into the store it is in and the path inside that store, so that "inside the
 * destination" and "a folder named after the run" are segment comparisons whatever the store.
 */
interface Place {
  /** `file` for local disk, else the URI scheme (`s3`, …). */
  readonly scheme: string
  /** `scheme://authority` (`s3://bucket`); empty on local disk. */
  readonly root: string
  readonly segments: readonly string[]
}

type Parsed = { readonly place: Place; readonly proxied: boolean } | { readonly reason: string }

const localPlace = (path: string): Place => ({ scheme: 'file', root: '', segments: resolve(path).split(sep).filter(Boolean) })

function locationOf(place: Place, length = place.segments.length): string {
  const segments = place.segments.slice(0, length)
  return place.scheme === 'file' ? sep + segments.join(sep) : `${place.root}/${segments.join('/')}`
}

/** A location that is not proxied: a local path or `file:` URI, or `scheme://authority/path`. */
function directPlace(uri: string): Place | { reason: string } {
  if (uri.startsWith('file:')) {
    try {
      return localPlace(uri.startsWith('file://') ? fileURLToPath(uri) : uri.slice('file:'.length))
    } catch {
      return { reason: 'it is not a local file URI' }
    }
  }
  if (isAbsolute(uri)) return localPlace(uri)
  const scheme = /^([a-zA-Z][\w+.-]*):/.exec(uri)?.[1]
  if (scheme === undefined) return localPlace(uri)
  const match = /^[^:]+:\/\/([^/]+)(\/.*)?$/.exec(uri)
  if (!match) return { reason: `'${scheme}:' URIs have no path gc can check` }
  const segments = (match[2] ?? '').split('/').filter((segment) => segment !== '' && segment !== '.')
  // A store may read `..` literally (S3 keys) or not; either way the segment checks below would lie.
  if (segments.includes('..')) return { reason: "its path has '..' segments" }
  return { scheme: scheme.toLowerCase(), root: `${scheme.toLowerCase()}://${match[1]}`, segments }
}

/** Where an artifact URI's files are, with proxied URIs resolved inside the destination. */
function placeOf(uri: string, destination: string): Parsed {
  let proxiedPath: string | undefined
  try {
    proxiedPath = proxiedArtifactPath(uri)
  } catch {
    return { reason: 'it would resolve outside the artifacts destination' }
  }
  if (proxiedPath === undefined) {
    const place = directPlace(uri)
    return 'reason' in place ? place : { place, proxied: false }
  }
  const root = directPlace(destination)
  if ('reason' in root) return { reason: `the artifacts destination ${destination} cannot be used: ${root.reason}` }
  return { place: { ...root, segments: [...root.segments, ...proxiedPath.split('/').filter(Boolean)] }, proxied: true }
}

/** `inner` is below `outer` (not equal to it), in the same store. */
function strictlyInside(outer: Place, inner: Place, innerLength = inner.segments.length): boolean {
  return (
    outer.scheme === inner.scheme &&
    outer.root === inner.root &&
    innerLength > outer.segments.length &&
    outer.segments.every((segment, i) => inner.segments[i] === segment)
  )
}

const realOrUndefined = (path: string) => realpath(path).catch(() => undefined)

/**
 * Why deleting the local `location` could reach outside what it names, or undefined when it cannot:
 * no symbolic link from `anchor` (the run's folder, or the experiment's) down to the location's
 * parent, and for proxied locations everything inside the destination's real path. The location
 * itself may be a link: rm removes the link, not what it points to.
 */
async function linkEscape(location: string, anchor: string, destination: string | undefined): Promise<string | undefined> {
  const parent = dirname(location)
  const realParent = await realOrUndefined(parent)
  if (realParent === undefined) return undefined // nothing there to follow
  const above = dirname(anchor)
  const realAbove = await realOrUndefined(above)
  if (realAbove === undefined || realParent !== join(realAbove, relative(above, parent))) {
    return 'a symbolic link in its path leads elsewhere'
  }
  if (destination !== undefined) {
    const realDestination = await realOrUndefined(destination)
    if (realDestination === undefined || !(realParent === realDestination || realParent.startsWith(realDestination + sep))) {
      return 'a symbolic link leads it out of the artifacts destination'
    }
  }
  return undefined
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** rmdir `from` and its parents up to and including `to`, stopping at the first that is not empty. */
async function removeEmptyFolders(from: string, to: string): Promise<void> {
  for (let folder = from; folder === to || folder.startsWith(to + sep); folder = dirname(folder)) {
    try {
      await rmdir(folder)
    } catch {
      return
    }
    if (folder === to) return
  }
}

/** The repository at a place not on local disk, or why there is none (an unregistered scheme). */
async function openRemote(place: Place): Promise<ArtifactRepository | { reason: string }> {
  const { openArtifactRepository } = await import('@orchard/artifacts')
  try {
    return openArtifactRepository(locationOf(place))
  } catch (error) {
    return { reason: (error as Error).message }
  }
}

/** Whether anything is stored under a remote place; a listing error is the caller's to report. */
async function holdsArtifacts(repository: ArtifactRepository): Promise<boolean> {
  return (await repository.listArtifacts()).length > 0
}

const failed = (location: string, error: unknown): ArtifactOutcome => ({
  kind: 'failed',
  location,
  reason: error instanceof Error ? error.message : String(error),
})

export async function removeRunArtifacts(runId: string, artifactUri: string, destination: string): Promise<ArtifactOutcome> {
  const parsed = placeOf(artifactUri, destination)
  if ('reason' in parsed) return { kind: 'kept', location: artifactUri, reason: parsed.reason }
  const { place, proxied } = parsed
  const location = locationOf(place)
  const runFolderLength = place.segments.lastIndexOf(runId) + 1
  if (runFolderLength === 0) return { kind: 'kept', location, reason: 'it is not inside a folder named after the run' }
  if (proxied) {
    const root = directPlace(destination) as Place
    if (!strictlyInside(root, place, runFolderLength)) {
      return { kind: 'kept', location, reason: 'the run folder is not inside the artifacts destination' }
    }
  }

  if (place.scheme !== 'file') {
    const repository = await openRemote(place)
    if ('reason' in repository) return { kind: 'kept', location, reason: repository.reason }
    try {
      if (!(await holdsArtifacts(repository))) return { kind: 'absent', location }
      await repository.deleteArtifacts()
      return { kind: 'deleted', location }
    } catch (error) {
      return failed(location, error)
    }
  }

  const runFolder = locationOf(place, runFolderLength)
  const escape = await linkEscape(location, runFolder, proxied ? locationOf(directPlace(destination) as Place) : undefined)
  if (escape) return { kind: 'kept', location, reason: escape }
  try {
    if (!(await exists(location))) {
      await removeEmptyFolders(dirname(location), runFolder)
      return { kind: 'absent', location }
    }
    await rm(location, { recursive: true, force: true })
    await removeEmptyFolders(dirname(location), runFolder)
    return { kind: 'deleted', location }
  } catch (error) {
    return failed(location, error)
  }
}

export async function removeExperimentArtifacts(
  experimentId: string,
  artifactLocation: string,
  destination: string,
): Promise<ArtifactOutcome> {
  const parsed = placeOf(artifactLocation, destination)
  if ('reason' in parsed) return { kind: 'kept', location: artifactLocation, reason: parsed.reason }
  const { place } = parsed
  const location = locationOf(place)
  const root = directPlace(destination)
  const owned = place.segments.at(-1) === experimentId && !('reason' in root) && strictlyInside(root, place)
  const notOwned: ArtifactOutcome = { kind: 'kept', location, reason: 'it is outside the artifacts destination and not empty' }

  if (place.scheme !== 'file') {
    const repository = await openRemote(place)
    if ('reason' in repository) return { kind: 'kept', location, reason: repository.reason }
    try {
      // An empty prefix is not an object on S3: there is nothing to delete, and listing first
      // means a location the user chose is never touched once anything is in it.
      if (!(await holdsArtifacts(repository))) return { kind: 'absent', location }
      if (!owned) return notOwned
      await repository.deleteArtifacts()
      return { kind: 'deleted', location }
    } catch (error) {
      return failed(location, error)
    }
  }

  const escape = await linkEscape(location, location, owned ? locationOf(root as Place) : undefined)
  if (escape) return { kind: 'kept', location, reason: escape }
  try {
    if (!(await exists(location))) return { kind: 'absent', location }
    if (owned) {
      await rm(location, { recursive: true, force: true })
      return { kind: 'deleted', location }
    }
  } catch (error) {
    return failed(location, error)
  }
  try {
    await rmdir(location)
    return { kind: 'deleted', location }
  } catch {
    return notOwned
  }
}

export function describeOutcome(outcome: ArtifactOutcome): string {
  switch (outcome.kind) {
    case 'deleted':
      return `deleted ${outcome.location}`
    case 'absent':
      return `none at ${outcome.location}`
    case 'kept':
      return `kept ${outcome.location} (${outcome.reason})`
    case 'failed':
      return `not deleted ${outcome.location} (${outcome.reason})`
  }
}
