export { normalizeArtifactPath, resolveInside } from './resolve-inside.ts'
export type {
  ArtifactBody,
  ArtifactFileInfo,
  ArtifactRepository,
  ByteRange,
  MultipartUploadCredential,
  MultipartUploadPart,
  MultipartUploads,
  OpenedArtifact,
  WriteOptions,
} from './repository.ts'
export { listArtifactsAt, openArtifactRepository, proxiedArtifactPath } from './registry.ts'
export type { OpenRepositoryOptions } from './registry.ts'
export { LocalArtifactRepository } from './local/local-repository.ts'
export { guessMimeType } from './mime-type.ts'
export { forEachLimited, joinArtifactPath, walkLocalFiles, writeFileAtomically } from './transfer.ts'
export { downloadArtifactPath, downloadWithListing, uploadLocalPath } from './progress-transfer.ts'
export type { TransferOptions, TransferProgress, TransferSummary } from './progress-transfer.ts'
export { copyRunArtifacts } from './registry-copy.ts'
export type { RegistryCopyContext } from './registry-copy.ts'
