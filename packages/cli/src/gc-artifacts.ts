import { rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveInside } from '@orchard/artifacts'

// After `orchard gc` has removed runs and experiments from the database, their artifacts are
// deleted from local disk. Deleting is the dangerous half, so a folder is removed only when it
// provably belongs to what was collected:
// - a run's artifacts only when their path runs through a folder named after the run id
//   (`…/<run id>/artifacts`, MLflow's layout), and `mlflow-artifacts:/` paths only inside the
//   artifacts destination;
// - an experiment's folder only when it is named after the experiment id and lies inside the
//   artifacts destination; elsewhere (a location the user chose) only if it is empty.
// Anything not on local disk (s3:, gs:, …) is reported and kept.

type ArtifactOutcome =
  | { readonly kind: 'deleted'; readonly path: string }
  | { readonly kind: 'absent'; readonly path: string }
  | { readonly kind: 'kept'; readonly location: string; readonly reason: string }

const PROXIED = 'mlflow-artifacts:'

/** The local path of an artifact URI, or why there is none. */
function localPath(uri: string, destination: string): { path: string; proxied: boolean } | { reason: string } {
  if (uri.startsWith(PROXIED)) {
    // `mlflow-artifacts:/1/abc` or `mlflow-artifacts://host:port/1/abc`: the path is under the destination.
    const rest = uri.slice(PROXIED.length).replace(/^\/\/[^/]*/, '').replace(/^\/+/, '')
    try {
      return { path: resolveInside(destination, rest), proxied: true }
    } catch {
      return { reason: 'it would resolve outside the artifacts destination' }
    }
  }
  if (uri.startsWith('file:')) {
    try {
      return { path: uri.startsWith('file://') ? fileURLToPath(uri) : resolve(uri.slice('file:'.length)), proxied: false }
    } catch {
      return { reason: 'it is not a local file URI' }
    }
  }
  if (isAbsolute(uri)) return { path: resolve(uri), proxied: false }
  if (/^[a-zA-Z][\w+.-]*:/.test(uri)) return { reason: 'it is not on local disk' }
  return { path: resolve(uri), proxied: false }
}

const strictlyInside = (root: string, path: string) => {
  const fromRoot = relative(resolve(root), path)
  return fromRoot !== '' && !fromRoot.startsWith('..') && !isAbsolute(fromRoot)
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

export async function removeRunArtifacts(runId: string, artifactUri: string, destination: string): Promise<ArtifactOutcome> {
  const local = localPath(artifactUri, destination)
  if ('reason' in local) return { kind: 'kept', location: artifactUri, reason: local.reason }
  const { path, proxied } = local
  let runFolder: string | undefined
  for (let folder = path; folder !== dirname(folder); folder = dirname(folder)) {
    if (basename(folder) === runId) {
      runFolder = folder
      break
    }
  }
  if (!runFolder) return { kind: 'kept', location: path, reason: 'it is not inside a folder named after the run' }
  if (proxied && !strictlyInside(destination, runFolder)) {
    return { kind: 'kept', location: path, reason: 'the run folder is not inside the artifacts destination' }
  }
  if (!(await exists(path))) {
    await removeEmptyFolders(dirname(path), runFolder)
    return { kind: 'absent', path }
  }
  await rm(path, { recursive: true, force: true })
  await removeEmptyFolders(dirname(path), runFolder)
  return { kind: 'deleted', path }
}

export async function removeExperimentArtifacts(
  experimentId: string,
  artifactLocation: string,
  destination: string,
): Promise<ArtifactOutcome> {
  const local = localPath(artifactLocation, destination)
  if ('reason' in local) return { kind: 'kept', location: artifactLocation, reason: local.reason }
  const { path } = local
  if (!(await exists(path))) return { kind: 'absent', path }
  if (basename(path) === experimentId && strictlyInside(destination, path)) {
    await rm(path, { recursive: true, force: true })
    return { kind: 'deleted', path }
  }
  try {
    await rmdir(path)
    return { kind: 'deleted', path }
  } catch {
    return { kind: 'kept', location: path, reason: 'it is outside the artifacts destination and not empty' }
  }
}

export function describeOutcome(outcome: ArtifactOutcome): string {
  switch (outcome.kind) {
    case 'deleted':
      return `deleted ${outcome.path}`
    case 'absent':
      return 'none on disk'
    case 'kept':
      return `kept ${outcome.location} (${outcome.reason})`
  }
}
