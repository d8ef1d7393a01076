import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { Readable } from 'node:stream'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { invalidParameter, notFound } from '@orchard/protocol/base'
import { guessMimeType } from '../mime-type.ts'
import type {
  ArtifactBody,
  ArtifactFileInfo,
  ArtifactRepository,
  ByteRange,
  MultipartUploadCredential,
  MultipartUploadPart,
  MultipartUploads,
  OpenedArtifact,
  WriteOptions,
} from '../repository.ts'
import { normalizeArtifactPath } from '../resolve-inside.ts'
import { downloadWithListing } from '../progress-transfer.ts'
import { forEachLimited, joinArtifactPath, toReadable, walkLocalFiles } from '../transfer.ts'
import { sharedS3Client } from './s3-client.ts'
import { parseS3Uri, s3Key } from './s3-uri.ts'
import { s3ErrorCode, translateS3Error } from './s3-errors.ts'

// S3's own limits and our upload shape. 8 MB parts × 4 in flight bound one upload's memory at ~32 MB
// whatever the file size; S3 allows at most 10,000 parts and 1,000 keys per DeleteObjects.
const PART_BYTES = 8 * 1024 * 1024
const PARTS_IN_FLIGHT = 4
const MAX_MULTIPART_PARTS = 10_000
const DELETE_BATCH = 1000
// boto3's generate_presigned_url default, which MLflow uses for part URLs.
const PRESIGNED_URL_SECONDS = 3600

/** Artifacts under an S3 (or S3-compatible) prefix. */
export class S3ArtifactRepository implements ArtifactRepository {
  readonly uri: string
  private readonly client: S3Client
  private readonly bucket: string
  private readonly prefix: string
  private readonly pageSize: number | undefined
  readonly multipart: MultipartUploads

  /** `pageSize` caps keys per ListObjectsV2 page (S3's own cap, 1,000, when absent); tests lower it to page cheaply. */
  constructor(uri: string, options: { client?: S3Client; pageSize?: number } = {}) {
    const { bucket, prefix } = parseS3Uri(uri)
    this.uri = uri
    this.bucket = bucket
    this.prefix = prefix
    this.pageSize = options.pageSize
    this.client = options.client ?? sharedS3Client()
    this.multipart = {
      createMultipartUpload: (path, numParts) => this.createMultipartUpload(path, numParts),
      completeMultipartUpload: (path, uploadId, parts) => this.completeMultipartUpload(path, uploadId, parts),
      abortMultipartUpload: (path, uploadId) => this.abortMultipartUpload(path, uploadId),
    }
  }

  private key(path: string | undefined): string {
    return s3Key(this.prefix, path)
  }

  private fileKey(path: string): string {
    const relativePath = normalizeArtifactPath(path)
    if (!relativePath) throw invalidParameter('An artifact path naming a file is required.')
    return joinArtifactPath(this.prefix, relativePath)
  }

  private async upload(key: string, body: Readable, options?: WriteOptions): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options?.contentType ?? guessMimeType(key) },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      // On any failure lib-storage aborts the multipart upload, so no parts are left to bill for.
      leavePartsOnError: false,
    })
    const onAbort = () => void upload.abort()
    options?.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      if (options?.signal?.aborted) await upload.abort()
      await upload.done()
    } catch (error) {
      body.destroy()
      throw translateS3Error(error, `Failed to upload s3://${this.bucket}/${key}`)
    } finally {
      options?.signal?.removeEventListener('abort', onAbort)
    }
  }

  async logArtifact(localFile: string, artifactPath?: string): Promise<void> {
    const key = joinArtifactPath(this.key(artifactPath), normalizeArtifactPath(basename(localFile)))
    await this.upload(key, createReadStream(localFile))
  }

  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    const base = this.key(artifactPath)
    await forEachLimited(walkLocalFiles(localDir), PARTS_IN_FLIGHT, async ({ file, relativePath }) => {
      await this.upload(joinArtifactPath(base, normalizeArtifactPath(relativePath)), createReadStream(file))
    })
  }

  async writeArtifact(path: string, body: ArtifactBody, options?: WriteOptions): Promise<void> {
    const key = this.fileKey(path)
    if ((typeof body === 'string' || body instanceof Uint8Array) && body.length < PART_BYTES) {
      // Bytes already in memory go in one PutObject, which is atomic by itself; lib-storage would
      // first wrap them in a stream and a part buffer.
      try {
        const contentType = options?.contentType ?? guessMimeType(key)
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }), { abortSignal: options?.signal })
      } catch (error) {
        throw translateS3Error(error, `Failed to upload s3://${this.bucket}/${key}`)
      }
      return
    }
    await this.upload(key, toReadable(body), options)
  }

  async listArtifacts(path?: string): Promise<ArtifactFileInfo[]> {
    const relativePath = normalizeArtifactPath(path)
    const folder = this.key(relativePath)
    const listPrefix = folder ? `${folder}/` : ''
    const infos: ArtifactFileInfo[] = []
    let token: string | undefined
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, Delimiter: '/', ContinuationToken: token, MaxKeys: this.pageSize }),
        )
        for (const common of page.CommonPrefixes ?? []) {
          const name = common.Prefix?.slice(listPrefix.length, -1)
          if (name) infos.push({ path: joinArtifactPath(relativePath, name), isDir: true })
        }
        for (const object of page.Contents ?? []) {
          // A zero-byte `folder/` marker made by other tools names the folder itself, not a child.
          const name = object.Key?.slice(listPrefix.length)
          if (name) infos.push({ path: joinArtifactPath(relativePath, name), isDir: false, fileSize: object.Size ?? 0 })
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    } catch (error) {
      throw translateS3Error(error, `Failed to list artifacts in ${this.uri}`)
    }
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  async openArtifact(path: string): Promise<OpenedArtifact> {
    const key = this.fileKey(path)
    let head
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
    } catch (error) {
      const code = s3ErrorCode(error)
      if (code === 'NotFound' || code === 'NoSuchKey') throw notFound(`Artifact '${normalizeArtifactPath(path)}' does not exist.`)
      throw translateS3Error(error, `Failed to read s3://${this.bucket}/${key}`)
    }
    const { client, bucket } = this
    return {
      size: head.ContentLength ?? 0,
      ...(head.LastModified ? { lastModified: head.LastModified } : {}),
      async read(range?: ByteRange) {
        try {
          const object = await client.send(
            new GetObjectCommand({
              Bucket: bucket,
              Key: key,
              // The object we measured, not one swapped in since: a size mismatch would corrupt ranges.
              ...(head.ETag ? { IfMatch: head.ETag } : {}),
              ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
            }),
          )
          return object.Body as Readable
        } catch (error) {
          throw translateS3Error(error, `Failed to read s3://${bucket}/${key}`)
        }
      },
    }
  }

  downloadArtifacts(path: string, localDir: string): Promise<string> {
    return downloadWithListing(this, path, localDir)
  }

  async deleteArtifacts(path?: string): Promise<void> {
    const key = this.key(path)
    try {
      if (key) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
      // `key/` and not `key`: deleting `model` must not take `model.pkl` with it.
      const listPrefix = key ? `${key}/` : ''
      let token: string | undefined
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, ContinuationToken: token, MaxKeys: this.pageSize }),
        )
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []))
        for (let i = 0; i < keys.length; i += DELETE_BATCH) {
          await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + DELETE_BATCH), Quiet: true } }))
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    } catch (error) {
      throw translateS3Error(error, `Failed to delete artifacts in ${this.uri}`)
    }
  }

  child(path: string): ArtifactRepository {
    const key = this.key(path)
    return key === this.prefix ? this : new S3ArtifactRepository(`s3://${this.bucket}/${key}`, { client: this.client, pageSize: this.pageSize })
  }

  private async createMultipartUpload(path: string, numParts: number) {
    if (!Number.isInteger(numParts) || numParts < 1 || numParts > MAX_MULTIPART_PARTS) {
      throw invalidParameter(`num_parts must be between 1 and ${MAX_MULTIPART_PARTS}, got ${numParts}.`)
    }
    const key = this.fileKey(path)
    try {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: guessMimeType(key) }),
      )
      const uploadId = created.UploadId
      if (!uploadId) throw new Error(`S3 returned no UploadId for s3://${this.bucket}/${key}`)
      const credentials: MultipartUploadCredential[] = []
      for (let partNumber = 1; partNumber <= numParts; partNumber++) {
        const url = await getSignedUrl(
          this.client,
          new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
          { expiresIn: PRESIGNED_URL_SECONDS },
        )
        credentials.push({ url, partNumber, headers: {} })
      }
      return { uploadId, credentials }
    } catch (error) {
      throw translateS3Error(error, `Failed to start a multipart upload to s3://${this.bucket}/${key}`)
    }
  }

  private async completeMultipartUpload(path: string, uploadId: string, parts: readonly MultipartUploadPart[]): Promise<void> {
    const key = this.fileKey(path)
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      )
    } catch (error) {
      throw translateS3Error(error, `Failed to complete the multipart upload to s3://${this.bucket}/${key}`)
    }
  }

  private async abortMultipartUpload(path: string, uploadId: string): Promise<void> {
    const key = this.fileKey(path)
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
    } catch (error) {
      throw translateS3Error(error, `Failed to abort the multipart upload to s3://${this.bucket}/${key}`)
    }
  }
}
