import { z } from 'zod'
import { bool, int64, keyValue, optionalString, requiredString, stringList } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// MLflow 3.x logged models. 3.x Python clients call these even for plain 2.x workflows (for example,
// list_artifacts on a sub-path first searches logged models), so they are part of tracking.

const modelId = { model_id: requiredString }

export const loggedModelStatus = z.enum(
  ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'],
  { error: 'expected LOGGED_MODEL_PENDING, LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED' },
)

export const loggedModelRoutes = {
  createLoggedModel: route({
    methods: ['POST'],
    permission: needs.experiment('EDIT'),
    path: '/mlflow/logged-models',
    request: z.object({
      experiment_id: requiredString,
      name: optionalString,
      model_type: optionalString,
      source_run_id: optionalString,
      params: z.array(keyValue).optional(),
      tags: z.array(keyValue).optional(),
    }),
  }),
  searchLoggedModels: route({
    methods: ['POST'],
    permission: needs.authenticated(),
    path: '/mlflow/logged-models/search',
    request: z.object({
      experiment_ids: stringList,
      filter: optionalString,
      datasets: z.array(z.object({ dataset_name: requiredString, dataset_digest: optionalString })).optional(),
      max_results: int64.optional(),
      order_by: z
        .array(
          z.object({
            field_name: requiredString,
            ascending: bool.optional(),
            dataset_name: optionalString,
            dataset_digest: optionalString,
          }),
        )
        .optional(),
      page_token: optionalString,
    }),
  }),
  getLoggedModel: route({ methods: ['GET'], permission: needs.loggedModel('READ'), path: '/mlflow/logged-models/{model_id}', request: z.object(modelId) }),
  finalizeLoggedModel: route({
    methods: ['PATCH'],
    permission: needs.loggedModel('EDIT'),
    path: '/mlflow/logged-models/{model_id}',
    request: z.object({ ...modelId, status: loggedModelStatus }),
  }),
  deleteLoggedModel: route({ methods: ['DELETE'], permission: needs.loggedModel('MANAGE'), path: '/mlflow/logged-models/{model_id}', request: z.object(modelId) }),
  setLoggedModelTags: route({
    methods: ['PATCH'],
    permission: needs.loggedModel('EDIT'),
    path: '/mlflow/logged-models/{model_id}/tags',
    request: z.object({ ...modelId, tags: z.array(keyValue).optional() }),
  }),
  deleteLoggedModelTag: route({
    methods: ['DELETE'],
    permission: needs.loggedModel('MANAGE'),
    path: '/mlflow/logged-models/{model_id}/tags/{tag_key}',
    request: z.object({ ...modelId, tag_key: requiredString }),
  }),
  logLoggedModelParams: route({
    methods: ['POST'],
    permission: needs.loggedModel('EDIT'),
    path: '/mlflow/logged-models/{model_id}/params',
    request: z.object({ ...modelId, params: z.array(keyValue).optional() }),
  }),
  listLoggedModelArtifacts: route({
    methods: ['GET'],
    permission: needs.loggedModel('READ'),
    path: '/mlflow/logged-models/{model_id}/artifacts/directories',
    request: z.object({ ...modelId, artifact_directory_path: optionalString, page_token: optionalString }),
  }),
}
