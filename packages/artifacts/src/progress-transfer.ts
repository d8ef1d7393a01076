import { createReadStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Transform } from 'node:stream'
import type { Readable } from 'node:stream'
import { notFound } from '@orchard/protocol/base'
import type { ArtifactRepository } from './repository.ts'
import { normalizeArtifactPath, resolveInside } from './resolve-inside.ts'
import { forEachLimited, joinArtifactPath, walkLocalFiles, writeFileAtomically } from './transfer.ts'

/** Where a transfer stands; `totalBytes` and `totalFiles` are known before the first byte moves. */
export interface TransferProgress {
  readonly bytes: number
  readonly totalBytes: number
  readonly files: number
  readonly totalFiles: number
}

/** How logArtifact(s) and downloadArtifacts move files. */
export interface TransferOptions {
  /** Called as bytes move (at most every 64 KiB per file) and once per finished file. */
  readonly onProgress?: (progress: TransferProgress) => void
  /** Files in flight at once; default 8. */
  readonly concurrency?: number
}

/** What a transfer moved. */
export interface TransferSummary {
  readonly files: number
  readonly bytes: number
}

interface PlannedFile {
  /** Local path (uploads) or artifact path (downloads). */
  readonly source: string
  /** Artifact path (uploads) or local path (downloads). */
  readonly target: string
  readonly size: number
}

class Tally {
  private bytes = 0
  private files = 0
  private readonly totalBytes: number
  constructor(
    private readonly plan: readonly PlannedFile[],
    private readonly onProgress: TransferOptions['onProgress'],
  ) {
    this.totalBytes = plan.reduce((sum, file) => sum + file.size, 0)
  }
  /** A pass-through that counts the bytes of one file. */
  counter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.bytes += chunk.length
        this.report()
        done(null, chunk)
      },
    })
  }
  fileDone(): void {
    this.files++
    this.report()
  }
  private report(): void {
    this.onProgress?.({ bytes: this.bytes, totalBytes: this.totalBytes, files: this.files, totalFiles: this.plan.length })
  }
  summary(): TransferSummary {
    return { files: this.files, bytes: this.bytes }
  }
}

const counted = (source: Readable, tally: Tally): Readable => source.pipe(tally.counter())

/**
 * Upload a local file to `<artifactPath>/<its name>`, or a folder's contents under `artifactPath`
 * (MLflow's log_artifact and log_artifacts), reporting progress across all files.
 */
export async function uploadLocalPath(repository: ArtifactRepository, localPath: string, artifactPath: string | undefined, options: TransferOptions = {}): Promise<TransferSummary> {
  const prefix = normalizeArtifactPath(artifactPath)
  const info = await stat(localPath).catch(() => {
    throw notFound(`No such file or folder: ${localPath}`)
  })
  const plan: PlannedFile[] = []
  if (info.isDirectory()) {
    for await (const { file, relativePath } of walkLocalFiles(localPath)) plan.push({ source: file, target: joinArtifactPath(prefix, relativePath), size: (await stat(file)).size })
  } else {
    plan.push({ source: localPath, target: joinArtifactPath(prefix, basename(localPath)), size: info.size })
  }
  const tally = new Tally(plan, options.onProgress)
  await forEachLimited(plan, options.concurrency ?? 8, async (file) => {
    await repository.writeArtifact(file.target, counted(createReadStream(file.source), tally))
    tally.fileDone()
  })
  return tally.summary()
}

/**
 * Download an artifact file, or a folder recursively, into `localDir` keeping its relative path, and
 * return the local path of what `path` named (MLflow's download_artifacts) with what moved. Files
 * appear whole or not at all. Every repository's downloadArtifacts is this walk over list + open.
 */
export async function downloadArtifactPath(
  repository: ArtifactRepository,
  path: string | undefined,
  localDir: string,
  options: TransferOptions = {},
): Promise<{ localPath: string } & TransferSummary> {
  const relative = normalizeArtifactPath(path)
  const localPath = resolveInside(localDir, relative)
  const plan: PlannedFile[] = []
  const top = await repository.listArtifacts(relative)
  let single: Awaited<ReturnType<ArtifactRepository['openArtifact']>> | undefined
  if (top.length === 0) {
    if (relative === '') throw notFound(`No artifacts found at the root of ${repository.uri}.`)
    // A file, or nothing at all: opening it tells which.
    single = await repository.openArtifact(relative)
    plan.push({ source: relative, target: localPath, size: single.size })
  } else {
    // Folders are created as they are listed, so empty ones come down too.
    await mkdir(localPath, { recursive: true })
    const pending = [top]
    for (let level = pending.pop(); level !== undefined; level = pending.pop()) {
      for (const entry of level) {
        if (entry.isDir) {
          await mkdir(resolveInside(localDir, entry.path), { recursive: true })
          pending.push(await repository.listArtifacts(entry.path))
        } else {
          plan.push({ source: entry.path, target: resolveInside(localDir, entry.path), size: entry.fileSize ?? 0 })
        }
      }
    }
  }
  const tally = new Tally(plan, options.onProgress)
  await forEachLimited(plan, options.concurrency ?? 8, async (file) => {
    const opened = single ?? (await repository.openArtifact(file.source))
    await writeFileAtomically(file.target, counted(await opened.read(), tally))
    tally.fileDone()
  })
  return { localPath, ...tally.summary() }
}

/** MLflow's download_artifacts for repositories that have only list + open: the local path of `path`. */
export async function downloadWithListing(repository: ArtifactRepository, path: string, localDir: string): Promise<string> {
  return (await downloadArtifactPath(repository, path, localDir)).localPath
}
