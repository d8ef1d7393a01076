import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { LocalArtifactRepository } from '../src/index.ts'
import type { ArtifactRepository } from '../src/index.ts'
import { describeArtifactRepository } from './describe-artifact-repository.ts'

async function allEntries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)))
}

describeArtifactRepository('local folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-local-repo-'))
  const root = join(dir, 'root')
  await mkdir(root)
  return {
    repository: new LocalArtifactRepository(root),
    // Temp files of interrupted uploads would show up here, and files written outside the root in `dir`.
    async leftovers() {
      return (await allEntries(dir)).filter((path) => path.includes('orchard-upload') || !path.startsWith('root'))
    },
    close: () => rm(dir, { recursive: true, force: true }),
  }
})

describe('LocalArtifactRepository', () => {
  it('has no direct multipart uploads (the proxy answers NOT_IMPLEMENTED, as MLflow)', () => {
    const repository: ArtifactRepository = new LocalArtifactRepository('/tmp/x')
    assert.equal(repository.multipart, undefined)
  })

  it('refuses to write through a file or over a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orchard-local-repo-'))
    try {
      const repository = new LocalArtifactRepository(dir)
      await repository.writeArtifact('a.txt', 'x')
      await mkdir(join(dir, 'folder'))
      await writeFile(join(dir, 'folder', 'inside.txt'), 'y')
      await assert.rejects(repository.writeArtifact('a.txt/b.txt', 'x'), { code: 'INVALID_PARAMETER_VALUE', message: /a parent of it is a file/ })
      await assert.rejects(repository.writeArtifact('folder', 'x'), { code: 'INVALID_PARAMETER_VALUE', message: /it is a folder/ })
      assert.deepEqual((await readdir(dir)).sort(), ['a.txt', 'folder'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('hides uploads in flight from listings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orchard-local-repo-'))
    try {
      await writeFile(join(dir, '.model.bin.orchard-upload-0b6c8a53-5f0e-4a8e-9a51-7c1f1c0c2f5e'), 'partial')
      await writeFile(join(dir, '.hidden'), 'kept')
      assert.deepEqual(await new LocalArtifactRepository(dir).listArtifacts(), [{ path: '.hidden', isDir: false, fileSize: 4 }])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
