import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { gitCommit } from './git-commit.ts'

const SHA_A = 'a'.repeat(40)
const SHA_B = 'b'.repeat(40)
let root: string

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchard-git-'))
})
after(() => rm(root, { recursive: true, force: true }))

async function files(base: string, entries: Record<string, string>): Promise<string> {
  for (const [path, text] of Object.entries(entries)) {
    await mkdir(join(base, path, '..'), { recursive: true })
    await writeFile(join(base, path), text)
  }
  return base
}

test('reads a loose branch ref from a folder deep inside the work tree', async () => {
  const repo = await files(join(root, 'loose'), { '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${SHA_A}\n`, 'src/train/x': '' })
  assert.equal(await gitCommit(join(repo, 'src', 'train')), SHA_A)
})

test('falls back on packed-refs', async () => {
  const repo = await files(join(root, 'packed'), {
    '.git/HEAD': 'ref: refs/heads/dev\n',
    '.git/packed-refs': `# pack-refs with: peeled fully-peeled sorted\n${SHA_A} refs/heads/main\n${SHA_B} refs/heads/dev\n`,
  })
  assert.equal(await gitCommit(repo), SHA_B)
})

test('reads a detached HEAD', async () => {
  const repo = await files(join(root, 'detached'), { '.git/HEAD': `${SHA_B}\n` })
  assert.equal(await gitCommit(repo), SHA_B)
})

test('follows a .git file to a worktree gitdir whose refs live in the common dir', async () => {
  const main = await files(join(root, 'main'), { '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/feature': `${SHA_B}\n` })
  const gitDir = join(main, '.git', 'worktrees', 'wt')
  await files(gitDir, { HEAD: 'ref: refs/heads/feature\n', commondir: '../..\n' })
  const worktree = await files(join(root, 'wt'), { '.git': `gitdir: ${gitDir}\n` })
  assert.equal(await gitCommit(worktree), SHA_B)
})

test('is undefined outside a repository and on an unborn branch', async () => {
  const unborn = await files(join(root, 'unborn'), { '.git/HEAD': 'ref: refs/heads/main\n' })
  assert.equal(await gitCommit(unborn), undefined)
  const plain = await files(join(root, 'plain'), { 'x.txt': '' })
  // tmpdir() is not inside a work tree here; if it ever is, the answer is that tree's commit.
  const answer = await gitCommit(plain)
  assert.ok(answer === undefined || /^[0-9a-f]{40}$/.test(answer))
})
