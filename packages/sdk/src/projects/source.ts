import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { git, gitState } from './git.ts'
import type { GitState } from './git.ts'
import { ProjectError } from './project-error.ts'

// Where a project comes from, as MLflow's mlflow/projects/utils.py: a URI with a scheme-like
// prefix (`https:`, `git@host:`, `file:`) is a git repository, anything else a local folder; `#sub`
// names a subdirectory.

/** A project's files on disk, with what the run records about where they came from. */
export interface ProjectSource {
  /** The folder the entry point runs in. */
  readonly directory: string
  readonly isGit: boolean
  /** MLflow's mlflow.source.name: the git URI as given, or `file://<work tree>#<subdir>`, or the folder. */
  readonly sourceName: string
  readonly git?: GitState
  /** Remove what fetching created (a clone); nothing for a local folder. */
  cleanup(): Promise<void>
}

const GIT_URI = /^[^/]*:/

/** True when `uri` names a git repository rather than a local folder. */
export const isGitUri = (uri: string): boolean => GIT_URI.test(uri)

/** Split `uri#subdirectory`, refusing `.` in the subdirectory as MLflow does (no `..` escapes). */
export function parseSubdirectory(uri: string): { uri: string; subdirectory: string } {
  const unquoted = uri.replace(/^['"]+|['"]+$/g, '')
  const hash = unquoted.indexOf('#')
  if (hash === -1) return { uri: unquoted, subdirectory: '' }
  const subdirectory = unquoted.slice(hash + 1)
  if (subdirectory.includes('.')) throw new ProjectError("'.' is not allowed in project subdirectory paths.")
  return { uri: unquoted.slice(0, hash), subdirectory }
}

async function clone(uri: string, version: string | undefined, target: string): Promise<void> {
  // A shallow clone of the branch or tag asked for; a commit id needs the history to find it.
  const shallow = await git(['clone', '--quiet', '--depth', '1', ...(version ? ['--branch', version] : []), uri, target])
  if (!shallow.ok) {
    await rm(target, { recursive: true, force: true })
    if (!version) throw new ProjectError(`Unable to fetch git repo ${uri}: ${lastLine(shallow.stderr)}`)
    const full = await git(['clone', '--quiet', '--no-checkout', uri, target])
    if (!full.ok) throw new ProjectError(`Unable to fetch git repo ${uri}: ${lastLine(full.stderr)}`)
    const checkout = await git(['checkout', '--quiet', '--detach', version], target)
    if (!checkout.ok) {
      throw new ProjectError(
        `Unable to checkout version '${version}' of git repo ${uri}- please ensure that the version exists in the repo. Error: ${lastLine(checkout.stderr)}`,
      )
    }
  }
  const submodules = await git(['submodule', 'update', '--init', '--recursive', '--quiet'], target)
  if (!submodules.ok) throw new ProjectError(`Unable to fetch the submodules of git repo ${uri}: ${lastLine(submodules.stderr)}`)
}

const lastLine = (text: string) => text.split('\n').filter(Boolean).pop() ?? 'git failed'

/**
 * Put the project at `uri` on disk: a local folder is used where it is; a git repository is cloned
 * into a temporary folder at `version` (a commit, branch or tag; default: the remote's HEAD).
 */
export async function fetchProject(uri: string, options: { version?: string; cwd?: string } = {}): Promise<ProjectSource> {
  const parsed = parseSubdirectory(uri)
  const cwd = options.cwd ?? process.cwd()
  if (!isGitUri(parsed.uri)) {
    if (options.version !== undefined) throw new ProjectError('Setting a version is only supported for Git project URIs')
    const root = resolve(cwd, parsed.uri)
    const directory = resolve(root, parsed.subdirectory)
    if (!existsSync(directory)) throw new ProjectError(`Could not find subdirectory ${parsed.subdirectory} of ${root}`)
    const state = await gitState(directory)
    // MLflow's _get_git_url_if_present: a folder inside a work tree is named by the tree and its path in it.
    let sourceName = directory
    if (state) {
      const inside = relative(state.root, directory)
      sourceName = `file://${state.root}${inside ? `#${inside}` : ''}`
    }
    return { directory, isGit: false, sourceName, ...(state ? { git: state } : {}), cleanup: async () => {} }
  }
  const target = await mkdtemp(join(tmpdir(), 'orchard-project-'))
  try {
    await clone(parsed.uri, options.version, target)
    const directory = resolve(target, parsed.subdirectory)
    if (!existsSync(directory)) throw new ProjectError(`Could not find subdirectory ${parsed.subdirectory} of ${parsed.uri}`)
    // The branch is recorded when one is checked out: the remote's default, or --version naming a
    // branch (MLflow records only the latter); a tag or commit leaves HEAD detached.
    const state = await gitState(target)
    const recorded: GitState = { ...(state ?? { root: target, dirty: false }), repoUrl: parsed.uri }
    return {
      directory,
      isGit: true,
      sourceName: uri,
      git: recorded,
      cleanup: () => rm(target, { recursive: true, force: true }),
    }
  } catch (error) {
    await rm(target, { recursive: true, force: true })
    throw error
  }
}
