import { z } from 'zod'
import { int64, optionalString, requiredString } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'
import { ARTIFACT_PROXY_PATH } from '../limits.ts'

// MLflow's MlflowArtifactsService (mlflow_artifacts.proto): the artifact proxy of `mlflow server
// --serve-artifacts`, under /api/2.0 and /ajax-api/2.0. `{artifact_path}` spans several segments (Flask's
// `<path:artifact_path>`), and download and upload carry raw bytes rather than JSON, so the server's
// artifact-service registers these routes itself instead of through defineRoutes. Clients build URLs
// by substituting `{artifact_path}` with the path's segments, each percent-encoded, joined by `/`.

const noFields = z.object({})

export const mlflowArtifactRoutes = {
  /** The file's bytes, streamed; honours a single `Range`. */
  downloadArtifact: route({ methods: ['GET'], permission: needs.artifactPath('READ'), path: `${ARTIFACT_PROXY_PATH}/{artifact_path}`, request: noFields }),
  /** The raw request body becomes the file at `artifact_path`. Answers `{}`. */
  uploadArtifact: route({ methods: ['PUT'], permission: needs.artifactPath('EDIT'), path: `${ARTIFACT_PROXY_PATH}/{artifact_path}`, request: noFields }),
  /** One level under `path` (relative to the destination root); entries are basenames. */
  listArtifactsMlflowArtifacts: route({ methods: ['GET'], permission: needs.artifactPath('READ', 'path'), path: ARTIFACT_PROXY_PATH, request: z.object({ path: optionalString }) }),
  /** A file, or a folder with everything under it. Answers `{}`. */
  deleteArtifact: route({ methods: ['DELETE'], permission: needs.artifactPath('MANAGE'), path: `${ARTIFACT_PROXY_PATH}/{artifact_path}`, request: noFields }),
  /**
   * `artifact_path` is the folder; the file is named after the basename of `path`, the client's local
   * file (MLflow's S3ArtifactRepository.create_multipart_upload).
   */
  createMultipartUpload: route({
    methods: ['POST'],
    permission: needs.artifactPath('EDIT'),
    path: '/mlflow-artifacts/mpu/create/{artifact_path}',
    request: z.object({ path: requiredString, num_parts: int64 }),
  }),
  completeMultipartUpload: route({
    methods: ['POST'],
    permission: needs.artifactPath('EDIT'),
    path: '/mlflow-artifacts/mpu/complete/{artifact_path}',
    request: z.object({
      path: requiredString,
      upload_id: requiredString,
      parts: z.array(
        // MLflow's Python client sends `"url": null` for parts it did not get a URL for.
        z.object({ part_number: int64, etag: z.string({ error: 'expected a string' }).nullish(), url: z.string({ error: 'expected a string' }).nullish() }),
        { error: 'expected a list of parts' },
      ),
    }),
  }),
  abortMultipartUpload: route({
    methods: ['POST'],
    permission: needs.artifactPath('EDIT'),
    path: '/mlflow-artifacts/mpu/abort/{artifact_path}',
    request: z.object({ path: requiredString, upload_id: requiredString }),
  }),
}

/**
 * MLflow's UI download route, outside the API prefixes: `GET /get-artifact?path=…&run_uuid=…` sends one
 * file of a run as an attachment. `run_id` is accepted as well as the legacy `run_uuid`.
 */
export const getArtifactRoute = route({
  methods: ['GET'],
  unprefixed: true,
  permission: needs.run('READ'),
  path: '/get-artifact',
  request: z.object({ path: requiredString, run_id: optionalString, run_uuid: optionalString }),
})

/**
 * MLflow's UI upload, `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=…&path=…`: the raw body becomes
 * one file of the run. Fields come from the query string.
 */
export const uploadRunArtifactRoute = route({
  methods: ['POST'],
  permission: needs.run('EDIT'),
  ajaxOnly: true,
  path: '/mlflow/upload-artifact',
  request: z.object({ path: requiredString, run_id: optionalString, run_uuid: optionalString }),
})

/** MLflow's registry UI file view, `GET /model-versions/get-artifact?path=…&name=…&version=…`. */
export const getModelVersionArtifactRoute = route({
  methods: ['GET'],
  permission: needs.registeredModel('READ'),
  unprefixed: true,
  path: '/model-versions/get-artifact',
  request: z.object({ path: requiredString, name: requiredString, version: requiredString }),
})

export type MlflowArtifactRoutes = typeof mlflowArtifactRoutes

export interface WireArtifactFileInfo {
  path: string
  is_dir: boolean
  file_size?: number
}

export interface WireMultipartUploadCredential {
  url: string
  part_number: number
  headers: Record<string, string>
}

export interface WireCreateMultipartUploadResponse {
  upload_id: string
  credentials: WireMultipartUploadCredential[]
}

/** MLflow's _UnsupportedMultipartUploadException message: clients fall back to a plain PUT when it starts the error. */
export const MULTIPART_UNSUPPORTED_MESSAGE = 'Multipart upload is not supported for the current artifact repository'
