import { experimentRoutes } from './experiments.ts'
import { loggedModelRoutes } from './logged-models.ts'
import { artifactListRoutes, metricBucketRoutes, metricRoutes, runMoveRoutes, runRoutes } from './runs.ts'
import { serverInfoRoutes } from './server-info.ts'

/** Every tracking RPC Orchard serves, keyed by MLflow's operation name. */
export const trackingRoutes = {
  ...experimentRoutes,
  ...runRoutes,
  ...metricRoutes,
  ...metricBucketRoutes,
  ...runMoveRoutes,
  ...artifactListRoutes,
  ...loggedModelRoutes,
  ...serverInfoRoutes,
}

export type TrackingRoutes = typeof trackingRoutes
export type TrackingOperation = keyof TrackingRoutes
