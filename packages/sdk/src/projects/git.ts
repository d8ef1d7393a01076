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

/** The git state of the work tree holding `directory`, or undefined outside one (or without git). */
export async function gitState(directory: string): Promise<GitState | undefined> {
  const top = await git(['rev-parse', '--show-toplevel'], directory)
  if (!top.ok || !top.stdout) return undefined
  const [head, remotes, branch, status] = await Promise.all([
    git(['rev-parse', '--verify', '-q', 'HEAD'], directory),
    git(['remote'], directory),
    git(['symbolic-ref', '--short', '-q', 'HEAD'], directory),
    git(['status', '--porcelain'], directory),
  ])
  const firstRemote = remotes.ok ? remotes.stdout.split('\n')[0] : undefined
  const url = firstRemote ? await git(['remote', 'get-url', firstRemote], directory) : undefined
  return {
    root: top.stdout,
    ...(head.ok && head.stdout ? { commit: head.stdout } : {}),
    ...(url?.ok && url.stdout ? { repoUrl: url.stdout } : {}),
    ...(branch.ok && branch.stdout ? { branch: branch.stdout } : {}),
    dirty: status.ok && status.stdout.length > 0,
  }
}
