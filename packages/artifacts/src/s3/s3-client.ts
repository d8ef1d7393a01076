import { S3Client } from '@aws-sdk/client-s3'

/**
 * The S3 client as MLflow's boto3 client is configured: endpoint from MLFLOW_S3_ENDPOINT_URL (MinIO,
 * Ceph, moto…), credentials from the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, AWS_PROFILE, instance roles), region from AWS_REGION or boto's AWS_DEFAULT_REGION.
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.MLFLOW_S3_ENDPOINT_URL || undefined
  return new S3Client({
    ...(endpoint ? { endpoint } : {}),
    // boto3 falls back to us-east-1 too; without a region the JS client refuses to sign at all.
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    // Path-style URLs (host/bucket/key) work on every S3-compatible server and need no wildcard DNS.
    forcePathStyle: true,
    // The SDK's default CRC32 checksums on every upload are refused by many S3-compatible servers
    // and would be signed into presigned part URLs the Python client cannot satisfy; MLflow's boto3
    // sends checksums only where S3 requires them, and so do we.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

const shared = new Map<string, S3Client>()

/** One client per endpoint and region for the process, as MLflow caches boto3 clients. */
export function sharedS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const key = `${env.MLFLOW_S3_ENDPOINT_URL ?? ''}|${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? ''}`
  let client = shared.get(key)
  if (!client) {
    client = s3ClientFromEnv(env)
    shared.set(key, client)
  }
  return client
}
