import type { trackingRoutes } from '@orchard/protocol'
import { validateRunId } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import { listRunArtifacts } from '../artifact-listing.ts'

export const artifactListHandlers: Handlers<Pick<typeof trackingRoutes, 'listArtifacts'>> = {
  async listArtifacts(request, context) {
    validateRunId(request.run_id)
    const run = await context.trackingStore.getRun(request.run_id)
    return listRunArtifacts(context, run.info.artifactUri, request.path)
  },
}
