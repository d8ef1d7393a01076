import { execFile } from 'node:child_process'

interface GitResult {
  readonly ok: boolean
  readonly stdout: string
  readonly stderr: string
}

// A clone of a large repository may take minutes; a git waiting on a password prompt never ends.
const GIT_TIMEOUT_MS = 15 * 60_000
const MAX_GIT_OUTPUT_BYTES = 16 * 1024 * 1024

/** Run git with `args` in `cwd`; never prompts (GIT_TERMINAL_PROMPT=0), never throws for a git failure. */
export function git(args: readonly string[], cwd?: string): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      {
        ...(cwd ? { cwd } : {}),
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        timeout: GIT_TIMEOUT_MS,
        maxBuffer: MAX_GIT_OUTPUT_BYTES,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => resolve({ ok: !error, stdout: stdout.trim(), stderr: (stderr || (error?.message ?? '')).trim() }),
    )
  })
}

/** What a run records about the git work tree a project runs from. */
export interface GitState {
  /** The work tree's top folder. */
  readonly root: string
  readonly commit?: string
  /** The first remote's URL, as MLflow's _get_git_repo_url. */
  readonly repoUrl?: string
  readonly branch?: string
  /** Uncommitted changes or untracked files anywhere in the work tree. */
  readonly dirty: boolean
}

/**
 * The git state of the work tree holding `directory`, or undefined outside one (or without git).
 * One git process finds the top folder (and, failing, says there is no work tree: a project run
 * outside git forks once); then two at once: `status --porcelain=v2 --branch`, whose headers carry
 * the commit (`# branch.oid`, `(initial)` before the first) and the branch (`# branch.head`,
 * `(detached)` off one) and whose other lines are changes or untracked files; and `remote -v`,
 * whose first line is the first remote (by name, as `git remote` lists them) and its URL.
 */
export async function gitState(directory: string): Promise<GitState | undefined> {
  const top = await git(['rev-parse', '--show-toplevel'], directory)
  if (!top.ok || !top.stdout) return undefined
  const [status, remotes] = await Promise.all([git(['status', '--porcelain=v2', '--branch'], directory), git(['remote', '-v'], directory)])
  let commit: string | undefined
  let branch: string | undefined
  let dirty = false
  for (const line of status.ok ? status.stdout.split('\n') : []) {
    if (line.startsWith('# branch.oid ')) commit = line.slice('# branch.oid '.length)
    else if (line.startsWith('# branch.head ')) branch = line.slice('# branch.head '.length)
    else if (line && !line.startsWith('#')) dirty = true
  }
  // `origin\thttps://host/repo.git (fetch)`: the URL sits between the tab and the last space.
  const firstRemote = remotes.ok ? remotes.stdout.split('\n')[0] : undefined
  const tab = firstRemote?.indexOf('\t') ?? -1
  const repoUrl = firstRemote && tab > 0 ? firstRemote.slice(tab + 1, firstRemote.lastIndexOf(' ')) : undefined
  return {
    root: top.stdout,
    ...(commit && commit !== '(initial)' ? { commit } : {}),
    ...(repoUrl ? { repoUrl } : {}),
    ...(branch && branch !== '(detached)' ? { branch } : {}),
    dirty,
  }
}
