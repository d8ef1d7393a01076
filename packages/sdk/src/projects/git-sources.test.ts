import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '../orchard-client.ts'
import { runProject } from './run-project.ts'
import { isGitUri, parseSubdirectory } from './source.ts'
import type { RunProjectOptions } from './run-project.ts'

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' }
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim()

const MLPROJECT = `name: versioned
entry_points:
  main:
    parameters:
      who: {type: string, default: nobody}
      file: {type: path, default: version.txt}
    command: "echo version=$(cat {file}) who={who} dir=$(pwd)"
`

let root: string
let work: string
let bare: string
let bareUri: string
let commitA: string
let commitB: string
let client: OrchardClient
let trackingUri: string

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchard-git-sources-'))
  trackingUri = join(root, 'store')
  client = new OrchardClient(trackingUri, { batching: false })
  // A work tree with the project in proj/: main at A (version one, tagged v1), feature at B (two).
  work = join(root, 'work')
  await mkdir(join(work, 'proj'), { recursive: true })
  git(work, 'init', '-q', '-b', 'main')
  await writeFile(join(work, 'proj', 'MLproject'), MLPROJECT)
  await writeFile(join(work, 'proj', 'version.txt'), 'one\n')
  git(work, 'add', '.')
  git(work, 'commit', '-q', '-m', 'one')
  git(work, 'tag', 'v1')
  commitA = git(work, 'rev-parse', 'HEAD')
  git(work, 'checkout', '-q', '-b', 'feature')
  await writeFile(join(work, 'proj', 'version.txt'), 'two\n')
  git(work, 'commit', '-q', '-am', 'two')
  commitB = git(work, 'rev-parse', 'HEAD')
  git(work, 'checkout', '-q', 'main')
  bare = join(root, 'bare.git')
  git(root, 'clone', '-q', '--bare', work, bare)
  bareUri = `file://${bare}`
})
after(async () => {
  await client.close()
  await rm(root, { recursive: true, force: true })
})

async function run(options: RunProjectOptions) {
  const out = new PassThrough()
  let stdout = ''
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const result = await runProject({ trackingUri, cwd: root, forwardSignals: false, stdout: out, stderr: new PassThrough().resume(), ...options })
  const tags = new Map((await client.getRun(result.runId)).data.tags.map((t) => [t.key, t.value]))
  return { result, stdout, tags }
}

describe('git project sources', () => {
  it('takes https:, git@host: and file: URIs for git repositories and anything else for a folder, as MLflow', () => {
    for (const uri of ['https://github.com/mlflow/mlflow-example', 'git@github.com:org/repo.git', 'file:///srv/repo.git', 'ssh://host/repo']) assert.ok(isGitUri(uri), uri)
    for (const uri of ['examples/taxi-duration', '/abs/path', './a:b']) assert.equal(isGitUri(uri), false, uri)
    assert.deepEqual(parseSubdirectory('https://host/repo.git#examples/taxi'), { uri: 'https://host/repo.git', subdirectory: 'examples/taxi' })
    assert.deepEqual(parseSubdirectory('"folder"'), { uri: 'folder', subdirectory: '' })
  })

  it("clones the remote's HEAD into a temporary folder, records commit, repository and branch, and removes the clone", async () => {
    const { result, stdout, tags } = await run({ uri: `${bareUri}#proj` })
    assert.equal(result.status, 'FINISHED')
    assert.match(stdout, /version=one who=nobody/)
    assert.equal(tags.get('mlflow.source.name'), `${bareUri}#proj`)
    assert.equal(tags.get('mlflow.source.git.commit'), commitA)
    assert.equal(tags.get('mlflow.source.git.repoURL'), bareUri)
    assert.equal(tags.get('mlflow.gitRepoURL'), bareUri)
    assert.equal(tags.get('mlflow.source.git.branch'), 'main')
    assert.equal(tags.get('mlflow.source.git.dirty'), 'false')
    const cloneDir = /dir=(\S+)/.exec(stdout)?.[1] ?? ''
    assert.ok(cloneDir.startsWith(tmpdir()) && cloneDir.endsWith('/proj'), cloneDir)
    assert.equal(existsSync(cloneDir), false)
  })

  it('checks out --version as a branch, a tag or a commit', async () => {
    const branch = await run({ uri: `${bareUri}#proj`, version: 'feature' })
    assert.match(branch.stdout, /version=two/)
    assert.equal(branch.tags.get('mlflow.source.git.branch'), 'feature')
    assert.equal(branch.tags.get('mlflow.source.git.commit'), commitB)
    const tag = await run({ uri: `${bareUri}#proj`, version: 'v1' })
    assert.match(tag.stdout, /version=one/)
    assert.equal(tag.tags.get('mlflow.source.git.branch'), undefined)
    const commit = await run({ uri: `${bareUri}#proj`, version: commitB })
    assert.match(commit.stdout, /version=two/)
    assert.equal(commit.tags.get('mlflow.source.git.commit'), commitB)
  })

  it('reports a version, a subdirectory or a repository that does not exist', async () => {
    await assert.rejects(run({ uri: `${bareUri}#proj`, version: 'nope' }), {
      name: 'ProjectError',
      message: new RegExp(`^Unable to checkout version 'nope' of git repo ${bareUri}- please ensure that the version exists in the repo\\. Error: `),
    })
    await assert.rejects(run({ uri: `${bareUri}#elsewhere` }), { message: `Could not find subdirectory elsewhere of ${bareUri}` })
    await assert.rejects(run({ uri: `${bareUri}#../etc` }), { message: "'.' is not allowed in project subdirectory paths." })
    await assert.rejects(run({ uri: `file://${join(root, 'missing.git')}` }), /^ProjectError: Unable to fetch git repo file:\/\/.*missing\.git: /)
  })

  it('--from-run re-runs the same commit, entry point and parameters after the branch moved on', async () => {
    const first = await run({ uri: `${bareUri}#proj`, version: 'feature', parameters: { who: 'alice' } })
    // The branch moves on in the remote.
    const pusher = join(root, 'pusher')
    git(root, 'clone', '-q', '-b', 'feature', bare, pusher)
    await writeFile(join(pusher, 'proj', 'version.txt'), 'three\n')
    git(pusher, 'commit', '-q', '-am', 'three')
    git(pusher, 'push', '-q', 'origin', 'feature')
    assert.match((await run({ uri: `${bareUri}#proj`, version: 'feature' })).stdout, /version=three/)

    // The program logged a param of its own into the run: not a project parameter to pass again.
    await client.logParam(first.result.runId, 'rows_seen', '42')
    const again = await run({ fromRun: first.result.runId })
    assert.doesNotMatch(again.stdout, /rows_seen/)
    assert.match(again.stdout, /version=two who=alice/)
    assert.equal(again.tags.get('mlflow.source.git.commit'), commitB)
    assert.equal(again.tags.get('orchard.project.reproduces'), first.result.runId)
    assert.equal(again.tags.get('mlflow.project.entryPoint'), 'main')
    const params = Object.fromEntries((await client.getRun(again.result.runId)).data.params.map((p) => [p.key, p.value]))
    assert.deepEqual(params, { who: 'alice', file: 'version.txt' })
    await assert.rejects(run({ fromRun: first.result.runId, parameters: { who: 'bob' } }), /--from-run takes the source/)
  })

  it('records a dirty work tree, refuses to re-run it by default, and re-runs a clean local run in place', async () => {
    git(work, 'checkout', '-q', 'main')
    const clean = await run({ uri: `${work}#proj` })
    assert.equal(clean.tags.get('mlflow.source.name'), `file://${work}#proj`)
    assert.equal(clean.tags.get('mlflow.source.git.dirty'), 'false')
    assert.equal(clean.tags.get('mlflow.source.git.branch'), 'main')
    assert.equal(clean.tags.get('mlflow.source.git.commit'), commitA)
    const inPlace = await run({ fromRun: clean.result.runId })
    assert.match(inPlace.stdout, new RegExp(`dir=${join(work, 'proj')}\\b`))

    await writeFile(join(work, 'proj', 'version.txt'), 'uncommitted\n')
    try {
      const dirty = await run({ uri: join(work, 'proj') })
      assert.match(dirty.stdout, /version=uncommitted/)
      assert.equal(dirty.tags.get('mlflow.source.git.dirty'), 'true')
      await assert.rejects(run({ fromRun: dirty.result.runId }), {
        message: new RegExp(`^Run ${dirty.result.runId} ran from a work tree with uncommitted changes \\(mlflow\\.source\\.git\\.dirty=true\\), so its commit ${commitA} does not hold the code it ran\\. Commit your changes before running, or pass --allow-dirty`),
      })
      // Allowed, it runs the commit (cloned, as the work tree no longer matches it), not the edits.
      const fromCommit = await run({ fromRun: dirty.result.runId, allowDirty: true })
      assert.match(fromCommit.stdout, /version=one/)
    } finally {
      git(work, 'checkout', '--', '.')
    }
  })

  it('re-runs a run made by mlflow run (no Orchard tags) with the parameters its entry point declares', async () => {
    const made = await client.createRun('0', {
      tags: {
        'mlflow.source.type': 'PROJECT',
        'mlflow.source.name': `${bareUri}#proj`,
        'mlflow.source.git.commit': commitA,
        'mlflow.project.entryPoint': 'main',
        'mlflow.project.env': 'virtualenv',
      },
    })
    await client.logBatch(made.info.runId, { params: [{ key: 'who', value: 'carol' }, { key: 'logged_by_program', value: '1' }] })
    const again = await run({ fromRun: made.info.runId, envManager: 'local' })
    assert.match(again.stdout, /version=one who=carol/)
    assert.doesNotMatch(again.stdout, /logged_by_program/)
  })

  it('refuses to re-run a run that is not a project run', async () => {
    const plain = await client.createRun('0', { tags: { 'mlflow.source.type': 'LOCAL' } })
    await assert.rejects(run({ fromRun: plain.info.runId }), /is not a project run \(its mlflow\.source\.type is LOCAL\)/)
  })
})
