import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { gitState } from './git.ts'

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' }
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim()

describe('gitState', () => {
  let root: string
  let repo: string

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'orchard-git-state-'))
    repo = join(root, 'repo')
    await mkdir(join(repo, 'sub'), { recursive: true })
    git(repo, 'init', '-q', '-b', 'main')
  })
  after(() => rm(root, { recursive: true, force: true }))

  it('is undefined outside a work tree', async () => {
    assert.equal(await gitState(root), undefined)
  })

  it('has no commit before the first, and an untracked file makes the tree dirty', async () => {
    assert.deepEqual(await gitState(join(repo, 'sub')), { root: repo, branch: 'main', dirty: false })
    await writeFile(join(repo, 'sub', 'a.txt'), 'a')
    assert.deepEqual(await gitState(repo), { root: repo, branch: 'main', dirty: true })
  })

  it('reads the commit, the branch, the first remote by name and a clean tree', async () => {
    git(repo, 'add', '.')
    git(repo, 'commit', '-q', '-m', 'a')
    git(repo, 'remote', 'add', 'upstream', 'https://example.com/upstream.git')
    git(repo, 'remote', 'add', 'origin', 'git@example.com:team/with space.git')
    const commit = git(repo, 'rev-parse', 'HEAD')
    assert.deepEqual(await gitState(join(repo, 'sub')), { root: repo, commit, repoUrl: 'git@example.com:team/with space.git', branch: 'main', dirty: false })
  })

  it('has no branch on a detached HEAD, and a changed tracked file makes the tree dirty', async () => {
    const commit = git(repo, 'rev-parse', 'HEAD')
    git(repo, 'checkout', '-q', '--detach')
    await writeFile(join(repo, 'sub', 'a.txt'), 'changed')
    const state = await gitState(repo)
    assert.deepEqual(state, { root: repo, commit, repoUrl: 'git@example.com:team/with space.git', dirty: true })
  })
})
