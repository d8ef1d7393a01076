import { readFile, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

// Reads the commit from the .git files instead of running `git`: no subprocess per run, and it works
// where git is not installed. Covers plain repositories, worktrees and submodules (a `.git` file
// that points elsewhere), loose and packed refs, and a detached HEAD.

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/

const readText = (path: string) => readFile(path, 'utf8').then((text) => text.trim(), () => undefined)

async function findGitDir(start: string): Promise<string | undefined> {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, '.git')
    const info = await stat(candidate).catch(() => undefined)
    if (info?.isDirectory()) return candidate
    if (info?.isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(candidate)) ?? '')?.[1]
      if (pointer) return resolve(dir, pointer.trim())
    }
    if (dirname(dir) === dir) return undefined
  }
}

async function resolveRef(gitDir: string, commonDir: string, ref: string): Promise<string | undefined> {
  for (const base of [gitDir, commonDir]) {
    const loose = await readText(join(base, ref))
    if (loose && SHA.test(loose)) return loose
  }
  const packed = (await readText(join(commonDir, 'packed-refs'))) ?? ''
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ')
    if (name === ref && sha && SHA.test(sha)) return sha
  }
  return undefined
}

/**
 * The commit checked out in the git work tree that contains `start`, or undefined outside a
 * repository, on an unborn branch, or when anything cannot be read.
 */
export async function gitCommit(start: string): Promise<string | undefined> {
  try {
    const gitDir = await findGitDir(start)
    if (!gitDir) return undefined
    const common = await readText(join(gitDir, 'commondir'))
    const commonDir = common ? resolve(gitDir, common) : gitDir
    const head = await readText(join(gitDir, 'HEAD'))
    if (!head) return undefined
    if (SHA.test(head)) return head
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1]
    return ref ? await resolveRef(gitDir, commonDir, ref) : undefined
  } catch {
    return undefined
  }
}
