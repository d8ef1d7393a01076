import type { S3Client } from '@aws-sdk/client-s3'
import type { ArtifactBody, ArtifactFileInfo, ArtifactRepository, MultipartUploadPart, MultipartUploads, OpenedArtifact, WriteOptions } from '../repository.ts'
import { parseS3Uri, s3Key } from './s3-uri.ts'

/**
 * An S3 repository whose AWS SDK is loaded on its first operation. Loading the SDK costs about half a
 * second, which every CLI command and SDK import would otherwise pay whether or not it touches S3.
 * The URI is checked at once, as the S3 repository itself checks it.
 */
export class LazyS3Repository implements ArtifactRepository {
  readonly uri: string
  readonly multipart: MultipartUploads
  private loaded: Promise<ArtifactRepository> | undefined
  private readonly bucket: string
  private readonly prefix: string

  constructor(
    uri: string,
    private readonly options: { client?: S3Client } = {},
    private readonly load: () => Promise<ArtifactRepository> = async () =>
      new (await import('./s3-repository.ts')).S3ArtifactRepository(uri, options.client ? { client: options.client } : {}),
  ) {
    const { bucket, prefix } = parseS3Uri(uri)
    this.uri = uri
    this.bucket = bucket
    this.prefix = prefix
    const parts = async () => (await this.repository()).multipart as MultipartUploads
    this.multipart = {
      createMultipartUpload: async (path, numParts) => (await parts()).createMultipartUpload(path, numParts),
      completeMultipartUpload: async (path, uploadId, done: readonly MultipartUploadPart[]) => (await parts()).completeMultipartUpload(path, uploadId, done),
      abortMultipartUpload: async (path, uploadId) => (await parts()).abortMultipartUpload(path, uploadId),
    }
  }

  private repository(): Promise<ArtifactRepository> {
    return (this.loaded ??= this.load())
  }

  async logArtifact(localFile: string, artifactPath?: string): Promise<void> {
    return (await this.repository()).logArtifact(localFile, artifactPath)
  }
  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    return (await this.repository()).logArtifacts(localDir, artifactPath)
  }
  async writeArtifact(path: string, body: ArtifactBody, options?: WriteOptions): Promise<void> {
    return (await this.repository()).writeArtifact(path, body, options)
  }
  async listArtifacts(path?: string): Promise<ArtifactFileInfo[]> {
    return (await this.repository()).listArtifacts(path)
  }
  async openArtifact(path: string): Promise<OpenedArtifact> {
    return (await this.repository()).openArtifact(path)
  }
  async downloadArtifacts(path: string, localDir: string): Promise<string> {
    return (await this.repository()).downloadArtifacts(path, localDir)
  }
  async deleteArtifacts(path?: string): Promise<void> {
    return (await this.repository()).deleteArtifacts(path)
  }

  child(path: string): ArtifactRepository {
    const key = s3Key(this.prefix, path)
    if (key === this.prefix) return this
    return new LazyS3Repository(`s3://${this.bucket}/${key}`, this.options, async () => (await this.repository()).child(path))
  }
}
