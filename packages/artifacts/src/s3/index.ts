// S3 in full: the repository and the client as MLflow's boto3 configuration builds it. Importing this
// loads the AWS SDK; `openArtifactRepository` loads it only when an s3:// location is used.
export { S3ArtifactRepository } from './s3-repository.ts'
export { parseS3Uri } from './s3-uri.ts'
export { s3ClientFromEnv } from './s3-client.ts'
