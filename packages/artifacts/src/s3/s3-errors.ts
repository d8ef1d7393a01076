import { OrchardError, isOrchardError } from '@orchard/protocol/base'
import type { ErrorCode } from '@orchard/protocol/base'

// MLflow's BOTO_TO_MLFLOW_ERROR, plus the multipart codes a client can cause with a bad upload id or part.
const S3_TO_ORCHARD: Readonly<Record<string, ErrorCode>> = {
  AccessDenied: 'PERMISSION_DENIED',
  NoSuchBucket: 'RESOURCE_DOES_NOT_EXIST',
  NoSuchKey: 'RESOURCE_DOES_NOT_EXIST',
  NotFound: 'RESOURCE_DOES_NOT_EXIST',
  NoSuchUpload: 'RESOURCE_DOES_NOT_EXIST',
  InvalidAccessKeyId: 'UNAUTHENTICATED',
  SignatureDoesNotMatch: 'UNAUTHENTICATED',
  InvalidPart: 'INVALID_PARAMETER_VALUE',
  InvalidPartOrder: 'INVALID_PARAMETER_VALUE',
  EntityTooSmall: 'INVALID_PARAMETER_VALUE',
}

interface S3LikeError {
  name?: string
  Code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
}

/** The S3 error code of an SDK error (`NoSuchKey`, `NotFound`…), or undefined for other errors. */
export function s3ErrorCode(error: unknown): string | undefined {
  const e = error as S3LikeError | undefined
  if (!e || typeof e !== 'object' || !e.$metadata) return undefined
  return e.Code ?? e.name
}

/** Turn an SDK error into an OrchardError with MLflow's code; anything unknown stays as it is (a 500). */
export function translateS3Error(error: unknown, what: string): unknown {
  if (isOrchardError(error)) return error
  const code = s3ErrorCode(error)
  const mapped = code === undefined ? undefined : S3_TO_ORCHARD[code]
  if (!mapped) return error
  return new OrchardError(mapped, `${what}: ${(error as S3LikeError).message || code}`, { cause: error })
}
