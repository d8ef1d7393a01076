import type { Context } from 'hono'
import { normalizeArtifactPath } from '@orchard/artifacts'
import type { ArtifactRepository, MultipartUploads } from '@orchard/artifacts'
import { MAX_JSON_BODY_BYTES, MULTIPART_UNSUPPORTED_MESSAGE, OrchardError, invalidParameter, mlflowArtifactRoutes, parseRequest } from '@orchard/protocol'
import type { RequestOf, WireCreateMultipartUploadResponse } from '@orchard/protocol'
import { parseJsonBody } from '../json-body.ts'
import { readBodyText } from '../request-limits.ts'

// The proxy's multipart upload, as MLflow's handlers and S3ArtifactRepository do it: the URL names the
// folder, the body's `path` (the client's local file) gives the file name, and parts go straight from
// the client to the store through presigned URLs, never through this server.

type Routes = typeof mlflowArtifactRoutes

async function readJson(c: Context): Promise<Record<string, unknown>> {
  return parseJsonBody(await readBodyText(c, MAX_JSON_BODY_BYTES))
}

/** `<folder>/<basename of the client's local path>`; Windows clients send backslashes, so both separate. */
function targetPath(folder: string, localPath: string): string {
  const name = normalizeArtifactPath(localPath.split(/[\\/]/).pop())
  if (!name) throw invalidParameter(`Invalid value ${JSON.stringify(localPath)} for parameter 'path' supplied: it names no file.`)
  return folder ? `${folder}/${name}` : name
}

function multipartOf(destination: ArtifactRepository): MultipartUploads {
  if (!destination.multipart) throw new OrchardError('NOT_IMPLEMENTED', MULTIPART_UNSUPPORTED_MESSAGE)
  return destination.multipart
}

async function parse<K extends keyof Routes>(c: Context, name: K): Promise<RequestOf<Routes[K]>> {
  return parseRequest(mlflowArtifactRoutes[name].request, await readJson(c)) as RequestOf<Routes[K]>
}

type Handler = (c: Context, folder: string, destination: ArtifactRepository) => Promise<object>

export const multipartHandlers: Record<'createMultipartUpload' | 'completeMultipartUpload' | 'abortMultipartUpload', Handler> = {
  async createMultipartUpload(c, folder, destination): Promise<WireCreateMultipartUploadResponse> {
    const request = await parse(c, 'createMultipartUpload')
    const target = targetPath(folder, request.path)
    const created = await multipartOf(destination).createMultipartUpload(target, request.num_parts)
    return {
      upload_id: created.uploadId,
      credentials: created.credentials.map((credential) => ({ url: credential.url, part_number: credential.partNumber, headers: { ...credential.headers } })),
    }
  },
  async completeMultipartUpload(c, folder, destination) {
    const request = await parse(c, 'completeMultipartUpload')
    const parts = request.parts.map((part) => ({ partNumber: part.part_number, etag: part.etag ?? '' }))
    const target = targetPath(folder, request.path)
    await multipartOf(destination).completeMultipartUpload(target, request.upload_id, parts)
    return {}
  },
  async abortMultipartUpload(c, folder, destination) {
    const request = await parse(c, 'abortMultipartUpload')
    const target = targetPath(folder, request.path)
    await multipartOf(destination).abortMultipartUpload(target, request.upload_id)
    return {}
  },
}
