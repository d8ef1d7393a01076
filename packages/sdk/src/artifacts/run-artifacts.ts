import { mkdtemp, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalizeArtifactPath, openArtifactRepository } from '@orchard/artifacts'
import type { ArtifactFileInfo, ArtifactRepository } from '@orchard/artifacts'
import type { Run } from '@orchard/core'
import { invalidParameter, isOrchardError } from '@orchard/protocol/base'
import { appendTables, encodeDict, encodePng, imageFormat, toCsv, toSplitTable } from './encode.ts'
import type { RawImage, SplitTable } from './encode.ts'
import { downloadArtifactPath, uploadLocalPath } from '@orchard/artifacts'
import type { TransferOptions, TransferSummary } from '@orchard/artifacts'

/** What logTable accepts: columns (`{ a: [1, 2] }`) or rows (`[{ a: 1 }, { a: 2 }]`). */
export type TableData = Readonly<Record<string, readonly unknown[]>> | readonly Readonly<Record<string, unknown>>[]

/** What logImage accepts: encoded PNG/JPEG/GIF/WebP bytes, or raw pixels (written as PNG). */
export type ImageInput = Uint8Array | RawImage

/** Files in flight at once for a client's transfers, unless the caller says otherwise. */
const CLIENT_CONCURRENCY = 4

/** The tag MLflow's UI reads to find tables logged with log_table. */
const LOGGED_ARTIFACTS_TAG = 'mlflow.loggedArtifacts'

interface RunAccess {
  getRun(runId: string): Promise<Run>
  setTag(runId: string, key: string, value: string): Promise<void>
}

/** An artifact file name for the log* helpers: relative, inside the run, naming a file. */
function artifactFile(path: string): string {
  const normalized = normalizeArtifactPath(path)
  if (!normalized) throw invalidParameter('An artifact file path is required, e.g. "plots/loss.png".')
  return normalized
}

const splitDir = (path: string) => {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? '' : path.slice(0, slash)
}

/**
 * The artifact side of MlflowClient for one client: runs' roots opened by URI scheme (local, S3, or
 * the server's proxy for `mlflow-artifacts:` roots), and MLflow's log_* helpers on top.
 */
export class RunArtifacts {
  constructor(
    private readonly runs: RunAccess,
    /** The tracking server's proxy; absent for embedded stores. */
    private readonly proxy: ArtifactRepository | undefined,
  ) {}

  /** The repository holding a run's artifacts. */
  async repository(runId: string): Promise<ArtifactRepository> {
    return this.repositoryAt((await this.runs.getRun(runId)).info.artifactUri)
  }

  /** The repository an artifact URI names, `mlflow-artifacts:` ones through the server's proxy. */
  repositoryAt(artifactUri: string): ArtifactRepository {
    return openArtifactRepository(artifactUri, this.proxy ? { mlflowArtifacts: this.proxy } : {})
  }

  async logArtifact(runId: string, localFile: string, artifactPath?: string, options?: TransferOptions): Promise<TransferSummary> {
    const info = await stat(localFile).catch(() => undefined)
    if (!info?.isFile()) throw invalidParameter(`logArtifact needs a file; '${localFile}' ${info ? 'is a folder (use logArtifacts)' : 'does not exist'}.`)
    return uploadLocalPath(await this.repository(runId), localFile, artifactPath, { concurrency: CLIENT_CONCURRENCY, ...options })
  }

  async logArtifacts(runId: string, localDir: string, artifactPath?: string, options?: TransferOptions): Promise<TransferSummary> {
    const info = await stat(localDir).catch(() => undefined)
    if (!info?.isDirectory()) throw invalidParameter(`logArtifacts needs a folder; '${localDir}' ${info ? 'is a file (use logArtifact)' : 'does not exist'}.`)
    return uploadLocalPath(await this.repository(runId), localDir, artifactPath, { concurrency: CLIENT_CONCURRENCY, ...options })
  }

  async logText(runId: string, text: string, path: string): Promise<void> {
    await (await this.repository(runId)).writeArtifact(artifactFile(path), text, { contentType: 'text/plain; charset=utf-8' })
  }

  async logDict(runId: string, dictionary: unknown, path: string): Promise<void> {
    await (await this.repository(runId)).writeArtifact(artifactFile(path), encodeDict(dictionary, path))
  }

  async logImage(runId: string, image: ImageInput, path: string): Promise<void> {
    const file = artifactFile(path)
    let bytes: Uint8Array
    if (image instanceof Uint8Array) {
      const format = imageFormat(image)
      if (!format) throw invalidParameter(`logImage takes PNG, JPEG, GIF or WebP bytes, or raw pixels { width, height, data }; the bytes given for '${file}' are none of these.`)
      bytes = image
    } else {
      if (!/\.png$/i.test(file)) throw invalidParameter(`Raw pixels are written as PNG; name the file with a .png extension (got '${file}').`)
      bytes = encodePng(image)
    }
    await (await this.repository(runId)).writeArtifact(file, bytes)
  }

  /**
   * Log a table as pandas' split-orient JSON (`.json`, appending to the table already there, and listed
   * in the run's `mlflow.loggedArtifacts` tag, which MLflow's UI and `load_table` read), or as CSV
   * (`.csv`, replacing the file).
   */
  async logTable(runId: string, data: TableData, path: string): Promise<void> {
    const file = artifactFile(path)
    if (file.endsWith('.csv')) {
      await (await this.repository(runId)).writeArtifact(file, toCsv(toSplitTable(data)), { contentType: 'text/csv' })
      return
    }
    if (!file.endsWith('.json')) throw invalidParameter(`Invalid artifact file path '${file}': a table is logged as JSON or CSV, so its name must end with '.json' or '.csv'.`)
    const repository = await this.repository(runId)
    let table: SplitTable = toSplitTable(data)
    const existing = await this.readTable(repository, file)
    if (existing) table = appendTables(existing, table)
    await repository.writeArtifact(file, JSON.stringify(table))
    const run = await this.runs.getRun(runId)
    const listed = parseLoggedArtifacts(run.data.tags.find((t) => t.key === LOGGED_ARTIFACTS_TAG)?.value)
    if (!listed.some((entry) => entry.path === file && entry.type === 'table')) {
      await this.runs.setTag(runId, LOGGED_ARTIFACTS_TAG, JSON.stringify([...listed, { path: file, type: 'table' }]))
    }
  }

  async listArtifacts(runId: string, path?: string): Promise<ArtifactFileInfo[]> {
    return (await this.repository(runId)).listArtifacts(path)
  }

  /** Download into `dstPath` (a new temporary folder by default) and return the local path. */
  async downloadArtifacts(runId: string, path: string | undefined, dstPath?: string, options?: TransferOptions): Promise<string> {
    const target = dstPath ?? (await mkdtemp(join(tmpdir(), 'orchard-artifacts-')))
    return (await downloadArtifactPath(await this.repository(runId), path, target, { concurrency: CLIENT_CONCURRENCY, ...options })).localPath
  }

  private async readTable(repository: ArtifactRepository, file: string): Promise<SplitTable | undefined> {
    const siblings = await repository.listArtifacts(splitDir(file))
    if (!siblings.some((entry) => entry.path === file && !entry.isDir)) return undefined
    const chunks: Buffer[] = []
    try {
      for await (const chunk of await (await repository.openArtifact(file)).read()) chunks.push(chunk as Buffer)
    } catch (error) {
      if (isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined
      throw error
    }
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<SplitTable>
    if (!Array.isArray(parsed.columns) || !Array.isArray(parsed.data)) {
      throw invalidParameter(`'${file}' exists and is not a table logged by logTable; log the table under another name.`)
    }
    return { columns: parsed.columns, data: parsed.data }
  }
}

function parseLoggedArtifacts(value: string | undefined): { path: string; type: string }[] {
  if (!value) return []
  try {
    const parsed = JSON.parse(value) as unknown
    return Array.isArray(parsed) ? (parsed as { path: string; type: string }[]) : []
  } catch {
    return []
  }
}
