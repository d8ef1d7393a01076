import { invalidParameter } from '@orchard/protocol/base'
import { normalizeArtifactPath } from '../resolve-inside.ts'
import { joinArtifactPath } from '../transfer.ts'

/** `s3://bucket/some/prefix` → bucket and key prefix (no leading or trailing slash). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/*(.*)$/.exec(uri)
  if (!match || !match[1]) throw invalidParameter(`Not an S3 URI: '${uri}'. Expected s3://<bucket>/<path>.`)
  return { bucket: match[1], prefix: normalizeArtifactPath(match[2]?.replace(/\/+$/, '')) }
}

/** The object key of `path` under a repository's key prefix. */
export const s3Key = (prefix: string, path: string | undefined): string => joinArtifactPath(prefix, normalizeArtifactPath(path))
