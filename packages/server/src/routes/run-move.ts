import { MAX_RUNS_PER_MOVE, invalidParameter } from '@orchard/protocol/base'
import type { trackingRoutes } from '@orchard/protocol'
import { validateExperimentId, validateRunId } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'

/** Orchard's orchard/runs/move: runs to another experiment, all or nothing; artifacts stay where they are. */
export const runMoveHandlers: Handlers<Pick<typeof trackingRoutes, 'moveRuns'>> = {
  async moveRuns(request, { trackingStore }) {
    const runIds = request.run_ids ?? []
    if (runIds.length === 0) throw invalidParameter('MoveRuns request must specify at least one run_id.')
    if (runIds.length > MAX_RUNS_PER_MOVE) {
      throw invalidParameter(`MoveRuns request cannot specify more than ${MAX_RUNS_PER_MOVE} run_ids. Received ${runIds.length} run_ids.`)
    }
    runIds.forEach((id) => validateRunId(id))
    validateExperimentId(request.experiment_id)
    await trackingStore.moveRuns(runIds, request.experiment_id)
    return {}
  },
}
