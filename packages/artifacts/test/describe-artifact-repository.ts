import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { ArtifactRepository } from '../src/index.ts'

// One behaviour suite for every artifact store: local.test.ts and s3.test.ts both run it.

export interface RepositoryFixture {
  readonly repository: ArtifactRepository
  /** What the store holds that the API must hide: temp files (local), unfinished multipart uploads (S3). */
  leftovers(): Promise<string[]>
  close(): Promise<void>
}

export const PATH_ESCAPES = [
  '../secret',
  'a/../../secret',
  '..',
  '/etc/passwd',
  'a\\..\\b',
  'a\0b',
  '%2e%2e/secret',
  '%2e%2e%2fsecret',
  'a/%2E%2E/%2E%2E/x',
  '%252e%252e/secret',
  '%5c..%5cx',
] as const

const INVALID_PATH = { code: 'INVALID_PARAMETER_VALUE', message: /Invalid path/ }
const NOT_FOUND = { code: 'RESOURCE_DOES_NOT_EXIST' }

/** A stream that sends `bytes` then fails, as a client that hangs up mid-upload. */
function failingStream(bytes: number): Readable {
  let sent = 0
  return new Readable({
    read() {
      if (sent >= bytes) return void this.destroy(new Error('client went away'))
      const chunk = Buffer.alloc(Math.min(1024 * 1024, bytes - sent), 7)
      sent += chunk.length
      this.push(chunk)
    },
  })
}

const readAll = async (repository: ArtifactRepository, path: string, range?: { start: number; end?: number }) =>
  text(await (await repository.openArtifact(path)).read(range))

export function describeArtifactRepository(name: string, open: () => Promise<RepositoryFixture>): void {
  describe(`ArtifactRepository: ${name}`, () => {
    let fixture: RepositoryFixture
    let repository: ArtifactRepository
    let scratch: string
    beforeEach(async () => {
      fixture = await open()
      repository = fixture.repository
      scratch = await mkdtemp(join(tmpdir(), 'orchard-artifacts-scratch-'))
    })
    afterEach(async () => {
      await fixture.close()
      await rm(scratch, { recursive: true, force: true })
    })

    it('writes a file from a string, a Node stream and a web stream, and reads it back with its size', async () => {
      await repository.writeArtifact('a.txt', 'hello')
      await repository.writeArtifact('dir/b.bin', Readable.from([Buffer.from('node '), Buffer.from('stream')]))
      await repository.writeArtifact('dir/c.bin', new Blob(['web stream']).stream())
      assert.equal(await readAll(repository, 'a.txt'), 'hello')
      assert.equal(await readAll(repository, 'dir/b.bin'), 'node stream')
      assert.equal(await readAll(repository, 'dir/c.bin'), 'web stream')
      assert.equal((await repository.openArtifact('dir/b.bin')).size, 11)
    })

    it('replaces a file that is written again', async () => {
      await repository.writeArtifact('a.txt', 'first version')
      await repository.writeArtifact('a.txt', 'second')
      assert.equal(await readAll(repository, 'a.txt'), 'second')
    })

    it('reads byte ranges: closed, open-ended and the last byte', async () => {
      await repository.writeArtifact('digits.txt', '0123456789')
      assert.equal(await readAll(repository, 'digits.txt', { start: 2, end: 4 }), '234')
      assert.equal(await readAll(repository, 'digits.txt', { start: 7 }), '789')
      assert.equal(await readAll(repository, 'digits.txt', { start: 9, end: 9 }), '9')
    })

    it('logs a local file under its basename and a local folder recursively', async () => {
      await writeFile(join(scratch, 'model.pkl'), 'pickle')
      await mkdir(join(scratch, 'tree', 'sub', 'deeper'), { recursive: true })
      await writeFile(join(scratch, 'tree', 'MLmodel'), 'flavors: {}')
      await writeFile(join(scratch, 'tree', 'sub', 'deeper', 'weights.bin'), 'w')
      await repository.logArtifact(join(scratch, 'model.pkl'))
      await repository.logArtifact(join(scratch, 'model.pkl'), 'nested/dir')
      await repository.logArtifacts(join(scratch, 'tree'), 'model')
      assert.equal(await readAll(repository, 'model.pkl'), 'pickle')
      assert.equal(await readAll(repository, 'nested/dir/model.pkl'), 'pickle')
      assert.equal(await readAll(repository, 'model/MLmodel'), 'flavors: {}')
      assert.equal(await readAll(repository, 'model/sub/deeper/weights.bin'), 'w')
    })

    it('lists one level, folders and files with sizes, sorted, with paths from the root', async () => {
      await repository.writeArtifact('b.txt', '12')
      await repository.writeArtifact('a/inner.txt', '1')
      await repository.writeArtifact('a/deep/x.txt', '1')
      await repository.writeArtifact('c/y.txt', '123')
      assert.deepEqual(await repository.listArtifacts(), [
        { path: 'a', isDir: true },
        { path: 'b.txt', isDir: false, fileSize: 2 },
        { path: 'c', isDir: true },
      ])
      assert.deepEqual(await repository.listArtifacts('a'), [
        { path: 'a/deep', isDir: true },
        { path: 'a/inner.txt', isDir: false, fileSize: 1 },
      ])
      assert.deepEqual(await repository.listArtifacts('./a/'), await repository.listArtifacts('a'))
    })

    it('lists a missing path, or a path naming a file, as empty', async () => {
      await repository.writeArtifact('file.txt', 'x')
      assert.deepEqual(await repository.listArtifacts('nothing/here'), [])
      assert.deepEqual(await repository.listArtifacts('file.txt'), [])
    })

    it('lists more entries than one store page, folders and files interleaved across pages', async () => {
      const names = Array.from({ length: 250 }, (_, i) => `f${String(i).padStart(5, '0')}.txt`)
      for (let i = 0; i < names.length; i += 50) {
        await Promise.all(names.slice(i, i + 50).map((n) => repository.writeArtifact(`many/${n}`, 'x')))
      }
      await repository.writeArtifact('many/f00100.txt.d/inner.txt', 'x')
      await repository.writeArtifact('many/zz/inner.txt', 'x')
      const listed = await repository.listArtifacts('many')
      const expected = [...names.map((n) => `many/${n}`), 'many/f00100.txt.d', 'many/zz'].sort()
      assert.deepEqual(
        listed.map((f) => f.path),
        expected,
      )
      assert.deepEqual(
        listed.filter((f) => f.isDir).map((f) => f.path),
        ['many/f00100.txt.d', 'many/zz'],
      )
    })

    it('refuses to open a missing file or a folder with RESOURCE_DOES_NOT_EXIST', async () => {
      await repository.writeArtifact('folder/file.txt', 'x')
      await assert.rejects(repository.openArtifact('missing.txt'), NOT_FOUND)
      await assert.rejects(repository.openArtifact('folder'), NOT_FOUND)
    })

    it('downloads a file and a nested folder keeping relative paths, and refuses a missing one', async () => {
      await repository.writeArtifact('model/MLmodel', 'm')
      await repository.writeArtifact('model/data/weights.bin', 'w')
      await repository.writeArtifact('notes.txt', 'n')
      const file = await repository.downloadArtifacts('notes.txt', scratch)
      assert.equal(file, join(scratch, 'notes.txt'))
      assert.equal(await readFile(file, 'utf8'), 'n')
      const folder = await repository.downloadArtifacts('model', join(scratch, 'out'))
      assert.equal(folder, join(scratch, 'out', 'model'))
      assert.equal(await readFile(join(folder, 'MLmodel'), 'utf8'), 'm')
      assert.equal(await readFile(join(folder, 'data', 'weights.bin'), 'utf8'), 'w')
      await assert.rejects(repository.downloadArtifacts('missing', scratch), NOT_FOUND)
    })

    it('deletes a file, and a folder with everything under it but not its namesake siblings', async () => {
      await repository.writeArtifact('model/a', '1')
      await repository.writeArtifact('model/sub/b', '2')
      await repository.writeArtifact('model.pkl', '3')
      await repository.writeArtifact('keep.txt', '4')
      await repository.deleteArtifacts('keep.txt')
      await repository.deleteArtifacts('model')
      await repository.deleteArtifacts('never/existed')
      assert.deepEqual(await repository.listArtifacts(), [{ path: 'model.pkl', isDir: false, fileSize: 1 }])
    })

    it('opens a child repository rooted inside this one', async () => {
      const child = repository.child('0/run-id/artifacts')
      await child.writeArtifact('model/MLmodel', 'm')
      assert.equal(await readAll(repository, '0/run-id/artifacts/model/MLmodel'), 'm')
      assert.deepEqual(await child.listArtifacts(), [{ path: 'model', isDir: true }])
      assert.equal(repository.child(''), repository)
    })

    it('leaves nothing behind when a stream fails mid-upload, large or small', async () => {
      await assert.rejects(repository.writeArtifact('small.bin', failingStream(1000)), /client went away/)
      await assert.rejects(repository.writeArtifact('large.bin', failingStream(12 * 1024 * 1024)), /client went away/)
      await assert.rejects(repository.openArtifact('small.bin'), NOT_FOUND)
      await assert.rejects(repository.openArtifact('large.bin'), NOT_FOUND)
      assert.deepEqual(await repository.listArtifacts(), [])
      assert.deepEqual(await fixture.leftovers(), [])
    })

    it('keeps the previous file when an overwrite is aborted through its signal', async () => {
      await repository.writeArtifact('model.bin', 'old')
      const controller = new AbortController()
      const body = new Readable({ read() {} })
      body.push(Buffer.alloc(64 * 1024))
      const writing = repository.writeArtifact('model.bin', body, { signal: controller.signal })
      setTimeout(() => controller.abort(), 50)
      await assert.rejects(writing)
      assert.equal(await readAll(repository, 'model.bin'), 'old')
      assert.deepEqual(await fixture.leftovers(), [])
    })

    it('requires a file path to write or open', async () => {
      await assert.rejects(repository.writeArtifact('', 'x'), { code: 'INVALID_PARAMETER_VALUE', message: /naming a file/ })
      await assert.rejects(repository.openArtifact('./'), { code: 'INVALID_PARAMETER_VALUE' })
    })

    it('refuses every escaping path in every operation', async () => {
      await writeFile(join(scratch, 'f.txt'), 'x')
      const operations: [string, (path: string) => Promise<unknown>][] = [
        ['writeArtifact', (p) => repository.writeArtifact(p, 'x')],
        ['logArtifact', (p) => repository.logArtifact(join(scratch, 'f.txt'), p)],
        ['logArtifacts', (p) => repository.logArtifacts(scratch, p)],
        ['listArtifacts', (p) => repository.listArtifacts(p)],
        ['openArtifact', (p) => repository.openArtifact(p)],
        ['downloadArtifacts', (p) => repository.downloadArtifacts(p, scratch)],
        ['deleteArtifacts', (p) => repository.deleteArtifacts(p)],
        ['child', async (p) => repository.child(p)],
      ]
      for (const [operation, call] of operations) {
        for (const path of PATH_ESCAPES) {
          await assert.rejects(call(path), INVALID_PATH, `${operation}(${JSON.stringify(path)})`)
        }
      }
      assert.deepEqual(await repository.listArtifacts(), [])
      assert.deepEqual(await readdir(scratch), ['f.txt'])
    })
  })
}
