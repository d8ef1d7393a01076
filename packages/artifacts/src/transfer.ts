import { createWriteStream } from 'node:fs'
import { mkdir, opendir, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomUUID } from 'node:crypto'
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web'
import type { ArtifactBody, ArtifactRepository } from './repository.ts'

// Helpers every repository shares: body conversion, walking a local folder, bounded parallelism and
// atomic local writes (folder downloads built on list + open are in progress-transfer.ts).

export function toReadable(body: ArtifactBody): Readable {
  if (body instanceof Readable) return body
  if (typeof body === 'string' || body instanceof Uint8Array) return Readable.from([typeof body === 'string' ? Buffer.from(body) : body])
  return Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>)
}

/** `a` + `b` as artifact paths, either may be empty. */
export function joinArtifactPath(a: string, b: string): string {
  return a && b ? `${a}/${b}` : a || b
}

/** Run `fn` over `items` with at most `limit` in flight; the first failure rejects. */
export async function forEachLimited<T>(items: Iterable<T> | AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  for await (const item of items) {
    if (failure) break
    const task: Promise<void> = fn(item).then(
      () => void running.delete(task),
      (error: unknown) => {
        running.delete(task)
        failure ??= { error }
      },
    )
    running.add(task)
    if (running.size >= limit) await Promise.race(running)
  }
  await Promise.all(running)
  if (failure) throw failure.error
}

/** Every file under `dir` (following symlinked files, not symlinked folders, as os.walk), with its `/`-separated relative path. */
export async function* walkLocalFiles(dir: string): AsyncGenerator<{ file: string; relativePath: string }> {
  const pending = [dir]
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for await (const entry of await opendir(current)) {
      const full = join(current, entry.name)
      if (entry.isDirectory()) pending.push(full)
      else if (entry.isFile() || entry.isSymbolicLink()) yield { file: full, relativePath: relative(dir, full).split(sep).join('/') }
    }
  }
}

const MAX_FOLDER_DEPTH = 512

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdir never returns on some paths (under
 * /proc/self it retries an ENOENT for ever), which hung uploads to such a location; here each
 * level is created once and any failure is thrown.
 */
export async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = []
  for (let current = folder; missing.length <= MAX_FOLDER_DEPTH; current = dirname(current)) {
    try {
      if ((await stat(current)).isDirectory()) break
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), { code: 'ENOTDIR' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) throw error
      missing.push(current)
    }
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path)
    } catch (error) {
      // Another upload made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

/**
 * Fill a temp file in `target`'s folder, then rename it into place: a reader never sees half a
 * file, and a failed or aborted write leaves nothing behind.
 */
export async function writeAtomically(target: string, fill: (temp: string) => Promise<void>): Promise<void> {
  await makeFolders(dirname(target))
  const temp = join(dirname(target), temporaryName(basename(target)))
  try {
    await fill(temp)
    await rename(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

export const writeFileAtomically = (target: string, source: Readable, signal?: AbortSignal): Promise<void> =>
  writeAtomically(target, (temp) => pipeline(source, createWriteStream(temp, { flags: 'wx' }), ...(signal ? [{ signal }] : [])))

const TEMPORARY_MARK = '.orchard-upload-'

const temporaryName = (name: string) => `.${name}${TEMPORARY_MARK}${randomUUID()}`

/** Uploads in flight are invisible in listings. */
export const isTemporaryName = (name: string) => name.startsWith('.') && /\.orchard-upload-[0-9a-f-]{36}$/.test(name)
