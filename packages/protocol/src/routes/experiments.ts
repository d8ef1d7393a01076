import { z } from 'zod'
import { int64, keyValue, optionalString, requiredString, stringList } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

const viewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'], { error: 'expected ACTIVE_ONLY, DELETED_ONLY or ALL' })
const experimentId = { experiment_id: requiredString }

export const experimentRoutes = {
  createExperiment: route({
    methods: ['POST'],
    permission: needs.authenticated(),
    path: '/mlflow/experiments/create',
    request: z.object({ name: requiredString, artifact_location: optionalString, tags: z.array(keyValue).optional() }),
  }),
  getExperiment: route({ methods: ['GET'], permission: needs.experiment('READ'), path: '/mlflow/experiments/get', request: z.object(experimentId) }),
  getExperimentByName: route({
    methods: ['GET'],
    permission: needs.experimentByName('READ'),
    path: '/mlflow/experiments/get-by-name',
    request: z.object({ experiment_name: requiredString }),
  }),
  searchExperiments: route({
    methods: ['POST', 'GET'],
    permission: needs.authenticated(),
    path: '/mlflow/experiments/search',
    request: z.object({
      max_results: int64.optional(),
      page_token: optionalString,
      filter: optionalString,
      order_by: stringList,
      view_type: viewType.optional(),
    }),
  }),
  updateExperiment: route({
    methods: ['POST'],
    permission: needs.experiment('EDIT'),
    path: '/mlflow/experiments/update',
    request: z.object({ ...experimentId, new_name: requiredString }),
  }),
  deleteExperiment: route({ methods: ['POST'], permission: needs.experiment('MANAGE'), path: '/mlflow/experiments/delete', request: z.object(experimentId) }),
  restoreExperiment: route({ methods: ['POST'], permission: needs.experiment('MANAGE'), path: '/mlflow/experiments/restore', request: z.object(experimentId) }),
  setExperimentTag: route({
    methods: ['POST'],
    permission: needs.experiment('EDIT'),
    path: '/mlflow/experiments/set-experiment-tag',
    request: z.object({ ...experimentId, key: requiredString, value: z.string({ error: 'expected a string' }) }),
  }),
  deleteExperimentTag: route({
    methods: ['POST'],
    permission: needs.experiment('EDIT'),
    path: '/mlflow/experiments/delete-experiment-tag',
    request: z.object({ ...experimentId, key: requiredString }),
  }),
  /**
   * The `mlflow` npm client (2.0.x) posts setExperimentTag to this path, missing a slash. Serving it
   * as an alias makes that client's call work; it shadows nothing of MLflow's.
   */
  setExperimentTagNpmAlias: route({
    methods: ['POST'],
    permission: needs.experiment('EDIT'),
    path: '/mlflow/experimentsset-experiment-tag',
    request: z.object({ ...experimentId, key: requiredString, value: z.string({ error: 'expected a string' }) }),
  }),
  /** MLflow 1.x's list endpoint, still called by older clients such as the `mlflow` npm package. */
  listExperiments: route({
    methods: ['GET'],
    permission: needs.authenticated(),
    path: '/mlflow/experiments/list',
    request: z.object({ view_type: viewType.optional(), max_results: int64.optional(), page_token: optionalString }),
  }),
  searchDatasets: route({
    methods: ['POST'],
    permission: needs.experiments('READ'),
    path: '/mlflow/experiments/search-datasets',
    request: z.object({ experiment_ids: z.array(z.string({ error: 'expected a string' })) }),
  }),
}

export { viewType }
