import { openArtifactRepository } from '@orchard/artifacts'
import type { ArtifactRepository } from '@orchard/artifacts'
import type { trackingRoutes } from '@orchard/protocol'
import type { Handlers } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'

type ServerInfoOperations = Pick<typeof trackingRoutes, 'getServerInfo'>

// The destination the proxy writes to, opened once per context (it only tells what it supports).
const destinations = new WeakMap<ServerContext, ArtifactRepository | undefined>()

function destinationOf(context: ServerContext): ArtifactRepository | undefined {
  if (!destinations.has(context)) {
    const destination = context.artifactsDestination
    destinations.set(context, typeof destination === 'string' ? openArtifactRepository(destination) : destination)
  }
  return destinations.get(context)
}

export const serverInfoHandlers: Handlers<ServerInfoOperations> = {
  /**
   * MLflow 3's capability probe, answered for this configuration: the tracking store is always SQL
   * (SQLite or PostgreSQL; MLflow says "SqlStore" for its SQLAlchemy store); workspaces as started
   * (`--enable-workspaces`); no trace archival; multipart uploads go through the proxy only when its destination can take
   * them (S3); downloads are never split into presigned parts.
   */
  getServerInfo(_request, context) {
    return {
      store_type: 'SqlStore',
      workspaces_enabled: context.workspaces !== undefined,
      trace_archival_enabled: false,
      multipart_uploads_enabled: destinationOf(context)?.multipart !== undefined,
      multipart_downloads_enabled: false,
    }
  },
}
