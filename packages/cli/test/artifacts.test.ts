import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { STACK_FRAME, orchard, startCli, tempDir } from './harness.ts'
import type { RunningCli } from './harness.ts'

async function exerciseArtifactCommands(cwd: string, trackingUri: string): Promise<void> {
  const uri = ['--tracking-uri', trackingUri]
  const created = await orchard(cwd, ['runs', 'create', '--experiment-id', '0', '--json', ...uri])
  assert.equal(created.code, 0, created.stderr)
  const runId = (JSON.parse(created.stdout) as { run: { info: { run_id: string } } }).run.info.run_id

  const model = join(cwd, `model-${runId}`)
  await mkdir(join(model, 'data'), { recursive: true })
  const weights = Buffer.alloc(2 * 1024 * 1024 + 3, 42)
  await writeFile(join(model, 'weights.bin'), weights)
  await writeFile(join(model, 'data', 'MLmodel'), 'flavors: {}\n')
  await writeFile(join(cwd, 'notes.txt'), 'notes')

  const folder = await orchard(cwd, ['artifacts', 'log', model, '--run-id', runId, '--artifact-path', 'model', ...uri])
  assert.equal(folder.code, 0, folder.stderr)
  assert.match(folder.stderr, /^Uploaded 2 files \(2\.00 MiB\) in \d+\.\ds, .+\/s\n$/)
  assert.equal(folder.stdout, '')
  const file = await orchard(cwd, ['artifacts', 'log', 'notes.txt', '--run-id', runId, ...uri])
  assert.equal(file.code, 0, file.stderr)
  assert.match(file.stderr, /^Uploaded 1 file \(5 B\)/)

  const top = await orchard(cwd, ['artifacts', 'list', '--run-id', runId, ...uri])
  assert.equal(top.stdout, 'PATH       SIZE\nmodel/     -\nnotes.txt  5 B\n')
  const json = await orchard(cwd, ['artifacts', 'list', '--run-id', runId, '--artifact-path', 'model', '--json', ...uri])
  assert.deepEqual(JSON.parse(json.stdout), {
    files: [
      { path: 'model/data', is_dir: true },
      { path: 'model/weights.bin', is_dir: false, file_size: weights.length },
    ],
  })
  const empty = await orchard(cwd, ['artifacts', 'list', '--run-id', runId, '--artifact-path', 'absent', ...uri])
  assert.equal(empty.stdout, 'No artifacts under absent.\n')

  const dst = join(cwd, `download-${runId}`)
  const download = await orchard(cwd, ['artifacts', 'download', '--run-id', runId, '--artifact-path', 'model', '--dst-path', dst, ...uri])
  assert.equal(download.code, 0, download.stderr)
  assert.equal(download.stdout, `${join(dst, 'model')}\n`)
  assert.match(download.stderr, /^Downloaded 2 files \(2\.00 MiB\)/)
  assert.ok((await readFile(join(dst, 'model', 'weights.bin'))).equals(weights))
  assert.equal(await readFile(join(dst, 'model', 'data', 'MLmodel'), 'utf8'), 'flavors: {}\n')

  const missing = await orchard(cwd, ['artifacts', 'download', '--run-id', runId, '--artifact-path', 'nope.txt', '--dst-path', dst, ...uri])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /^error: .*nope\.txt/)
  assert.doesNotMatch(missing.stderr, STACK_FRAME)
  const escape = await orchard(cwd, ['artifacts', 'log', 'notes.txt', '--run-id', runId, '--artifact-path', '../..', ...uri])
  assert.equal(escape.code, 1)
  assert.match(escape.stderr, /^error: Invalid path/)
  const noFile = await orchard(cwd, ['artifacts', 'log', 'absent.bin', '--run-id', runId, ...uri])
  assert.equal(noFile.code, 1)
  assert.equal(noFile.stderr, 'error: No such file or folder: absent.bin\n')
  const noPath = await orchard(cwd, ['artifacts', 'log', '--run-id', runId, ...uri])
  assert.equal(noPath.code, 2)
  assert.match(noPath.stderr, /^error: missing <path>/)
  const unknownRun = await orchard(cwd, ['artifacts', 'list', '--run-id', 'f'.repeat(32), ...uri])
  assert.equal(unknownRun.code, 1)
  assert.match(unknownRun.stderr, /^error: Run .* not found\n$/)
}

describe('orchard artifacts log, list and download', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let server: RunningCli
  before(async () => {
    dir = await tempDir()
    server = await startCli(dir.path, ['server', '--port', '0'])
  })
  after(async () => {
    await server.kill()
    await dir.remove()
  })

  it('moves files through a running server’s artifact proxy', async () => {
    await exerciseArtifactCommands(dir.path, server.url)
  })

  it('works on an embedded store (a folder) with no server', async () => {
    await exerciseArtifactCommands(dir.path, join(dir.path, 'embedded'))
  })
})
