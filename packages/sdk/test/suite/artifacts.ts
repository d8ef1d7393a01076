import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { after, before, test } from 'node:test'
import type { TransferProgress } from '../../src/index.ts'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

export function describeArtifacts(ctx: SuiteContext): void {
  let local: string
  before(async () => {
    local = await mkdtemp(join(tmpdir(), 'orchard-sdk-artifacts-'))
  })
  after(() => rm(local, { recursive: true, force: true }))

  const newRun = async () => (await ctx.client.createRun(await ctx.client.createExperiment(uniqueName('art')))).info.runId

  test('logArtifact and logArtifacts upload files and folders that list and download back byte for byte', async () => {
    const runId = await newRun()
    const source = join(local, 'source')
    await mkdir(join(source, 'nested', 'deeper'), { recursive: true })
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
    await writeFile(join(source, 'weights.bin'), big)
    await writeFile(join(source, 'nested', 'config.json'), '{"depth": 6}')
    await writeFile(join(source, 'nested', 'deeper', 'notes.txt'), 'deep')
    await writeFile(join(local, 'readme.md'), '# model')

    const progress: TransferProgress[] = []
    const uploaded = await ctx.client.logArtifacts(runId, source, 'model', { onProgress: (p) => progress.push(p) })
    assert.deepEqual(uploaded, { files: 3, bytes: big.length + 12 + 4 })
    const last = progress.at(-1)
    assert.deepEqual(last, { bytes: big.length + 16, totalBytes: big.length + 16, files: 3, totalFiles: 3 })
    assert.ok(progress.length > 3, 'progress is reported while bytes move, not only per file')
    await ctx.client.logArtifact(runId, join(local, 'readme.md'))

    assert.deepEqual(await ctx.client.listArtifacts(runId), [
      { path: 'model', isDir: true },
      { path: 'readme.md', isDir: false, fileSize: 7 },
    ])
    assert.deepEqual(await ctx.client.listArtifacts(runId, 'model/nested'), [
      { path: 'model/nested/config.json', isDir: false, fileSize: 12 },
      { path: 'model/nested/deeper', isDir: true },
    ])

    const target = join(local, 'download')
    const folder = await ctx.client.downloadArtifacts(runId, 'model', target)
    assert.equal(folder, join(target, 'model'))
    assert.ok((await readFile(join(folder, 'weights.bin'))).equals(big))
    assert.equal(await readFile(join(folder, 'nested', 'deeper', 'notes.txt'), 'utf8'), 'deep')
    const file = await ctx.client.downloadArtifacts(runId, 'model/nested/config.json', join(local, 'one'))
    assert.equal(await readFile(file, 'utf8'), '{"depth": 6}')
    const everything = await ctx.client.downloadArtifacts(runId)
    assert.deepEqual((await readdir(everything)).sort(), ['model', 'readme.md'])
  })

  test('logText, logDict (JSON and YAML), logImage and logTable write what MLflow writes', async () => {
    const runId = await newRun()
    await ctx.client.logText(runId, 'épochs: 3\n', 'notes/summary.txt')
    await ctx.client.logDict(runId, { lr: 0.1, layers: [64, 32], name: 'mlp', flags: { early: true } }, 'config.yaml')
    await ctx.client.logDict(runId, { lr: 0.1 }, 'config.json')
    await ctx.client.logImage(runId, { width: 2, height: 1, data: [255, 0, 0, 0, 0, 255] }, 'plots/pixels.png')
    await ctx.client.logTable(runId, { x: [1, 2], y: ['a', 'b'] }, 'tables/eval.json')
    await ctx.client.logTable(runId, [{ x: 3, z: true }], 'tables/eval.json')
    await ctx.client.logTable(runId, [{ city: 'Paris, FR', note: 'says "hi"' }, { city: 'Oslo' }], 'tables/cities.csv')

    const dir = await ctx.client.downloadArtifacts(runId, '', join(local, `all-${runId}`))
    assert.equal(await readFile(join(dir, 'notes', 'summary.txt'), 'utf8'), 'épochs: 3\n')
    assert.equal(await readFile(join(dir, 'config.yaml'), 'utf8'), 'lr: 0.1\nlayers:\n- 64\n- 32\nname: mlp\nflags:\n  early: true\n')
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')), { lr: 0.1 })
    const png = await readFile(join(dir, 'plots', 'pixels.png'))
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG')
    assert.equal(png.readUInt32BE(16), 2, 'width')
    assert.equal(png.readUInt32BE(20), 1, 'height')
    const idatLength = png.readUInt32BE(33)
    assert.deepEqual([...inflateSync(png.subarray(41, 41 + idatLength))], [0, 255, 0, 0, 0, 0, 255])
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'tables', 'eval.json'), 'utf8')), {
      columns: ['x', 'y', 'z'],
      data: [
        [1, 'a', null],
        [2, 'b', null],
        [3, null, true],
      ],
    })
    assert.equal(await readFile(join(dir, 'tables', 'cities.csv'), 'utf8'), 'city,note\r\n"Paris, FR","says ""hi"""\r\nOslo,\r\n')
    const run = await ctx.client.getRun(runId)
    assert.deepEqual(JSON.parse(run.data.tags.find((t) => t.key === 'mlflow.loggedArtifacts')?.value ?? '[]'), [{ path: 'tables/eval.json', type: 'table' }])
  })

  test('refuses bad artifact paths, missing files and wrong kinds with clear errors', async () => {
    const runId = await newRun()
    await rejectsWith(ctx.client.logText(runId, 'x', '../escape.txt'), 'INVALID_PARAMETER_VALUE', 'Invalid path')
    await rejectsWith(ctx.client.logText(runId, 'x', ''), 'INVALID_PARAMETER_VALUE', 'artifact file path is required')
    await rejectsWith(ctx.client.logArtifact(runId, join(local, 'absent.txt')), 'INVALID_PARAMETER_VALUE', 'does not exist')
    await rejectsWith(ctx.client.logArtifact(runId, local), 'INVALID_PARAMETER_VALUE', 'use logArtifacts')
    await rejectsWith(ctx.client.logTable(runId, { a: [1] }, 'table.tsv'), 'INVALID_PARAMETER_VALUE', "'.json' or '.csv'")
    await rejectsWith(ctx.client.logTable(runId, { a: [1], b: [] }, 't.json'), 'INVALID_PARAMETER_VALUE', 'same length')
    await rejectsWith(ctx.client.logImage(runId, new Uint8Array([1, 2, 3]), 'x.png'), 'INVALID_PARAMETER_VALUE', 'PNG, JPEG')
    await rejectsWith(ctx.client.logImage(runId, { width: 1, height: 1, data: [300] }, 'x.png'), 'INVALID_PARAMETER_VALUE', '0–255')
    await rejectsWith(ctx.client.downloadArtifacts(runId, 'missing.txt', join(local, 'none')), 'RESOURCE_DOES_NOT_EXIST')
    await rejectsWith(ctx.client.downloadArtifacts(runId, '../../etc/passwd', join(local, 'none')), 'INVALID_PARAMETER_VALUE')
    await rejectsWith(ctx.client.listArtifacts('f'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST')
  })
}
