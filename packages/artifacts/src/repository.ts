import type { Readable } from 'node:stream'

/** One entry of a listing. `path` is relative to the repository root, `/`-separated, as in MLflow. */
export interface ArtifactFileInfo {
  readonly path: string
  readonly isDir: boolean
  /** Bytes, for files only. */
  readonly fileSize?: number
}

/** Inclusive byte offsets, as in an HTTP Range header; `end` defaults to the last byte. */
export interface ByteRange {
  readonly start: number
  readonly end?: number
}

/** A file found by `openArtifact`: its size is known before a byte is read, so ranges can be checked. */
export interface OpenedArtifact {
  readonly size: number
  readonly lastModified?: Date
  /** The bytes (all, or one range), streamed. Call it at most once. */
  read(range?: ByteRange): Promise<Readable>
}

/** What `writeArtifact` streams in: a Node stream, a web stream, or bytes already in memory. */
export type ArtifactBody = Readable | ReadableStream<Uint8Array> | Uint8Array | string

export interface WriteOptions {
  /** Aborting discards the partial upload; nothing appears at the final path. */
  readonly signal?: AbortSignal
  readonly contentType?: string
}

/** One presigned part of a direct-to-store multipart upload (MLflow's MultipartUploadCredential). */
export interface MultipartUploadCredential {
  readonly url: string
  readonly partNumber: number
  readonly headers: Readonly<Record<string, string>>
}

export interface MultipartUploadPart {
  readonly partNumber: number
  readonly etag: string
}

/**
 * Uploads whose parts the client sends straight to the store (MLflow's MultipartUploadMixin). Only
 * stores with presigned URLs have it; the proxy answers NOT_IMPLEMENTED for the others, as MLflow.
 */
export interface MultipartUploads {
  createMultipartUpload(path: string, numParts: number): Promise<{ uploadId: string; credentials: MultipartUploadCredential[] }>
  completeMultipartUpload(path: string, uploadId: string, parts: readonly MultipartUploadPart[]): Promise<void>
  abortMultipartUpload(path: string, uploadId: string): Promise<void>
}

/**
 * A place artifacts live: a local folder, an S3 prefix, or (in the SDK) a tracking server's proxy.
 * Every `path` argument is relative to the repository root and goes through `normalizeArtifactPath`,
 * so `..`, absolute paths, NUL and backslashes are refused with INVALID_PARAMETER_VALUE everywhere.
 * Method names follow MLflow's ArtifactRepository so both codebases grep alike.
 */
export interface ArtifactRepository {
  /** The URI this repository was opened on (`file:///…`, `s3://bucket/prefix`). */
  readonly uri: string

  /** Copy one local file to `<artifactPath>/<its basename>` (MLflow's log_artifact). */
  logArtifact(localFile: string, artifactPath?: string): Promise<void>
  /** Copy a local folder's contents, recursively, under `artifactPath` (MLflow's log_artifacts). */
  logArtifacts(localDir: string, artifactPath?: string): Promise<void>
  /**
   * Stream bytes to exactly `path`, replacing what was there. Atomic: until the body has been
   * read to its end, readers see the old file (or none); a failed or aborted write leaves nothing.
   */
  writeArtifact(path: string, body: ArtifactBody, options?: WriteOptions): Promise<void>

  /**
   * One level under `path`, sorted by path. A missing path, or a path naming a file, lists as
   * empty (MLflow's convention). Implementations page through the store; 10,000 entries stay linear.
   */
  listArtifacts(path?: string): Promise<ArtifactFileInfo[]>
  /** A file's size and a way to stream it; RESOURCE_DOES_NOT_EXIST if it is missing or a folder. */
  openArtifact(path: string): Promise<OpenedArtifact>
  /**
   * Copy a file or a whole folder into `localDir`, keeping its relative path, and return the local
   * path of what `path` named (MLflow's download_artifacts). RESOURCE_DOES_NOT_EXIST if missing.
   */
  downloadArtifacts(path: string, localDir: string): Promise<string>

  /** Delete a file, or a folder and everything under it; deleting nothing is not an error. */
  deleteArtifacts(path?: string): Promise<void>

  /** A repository rooted at `path` inside this one (how `mlflow-artifacts:/0/<run>` finds its files). */
  child(path: string): ArtifactRepository

  /** Present only where clients may upload parts directly (S3). */
  readonly multipart?: MultipartUploads
}
