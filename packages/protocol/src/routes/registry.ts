import { z } from 'zod'
import { bool, int64, keyValue, optionalString, requiredString, stringList } from '../schema.ts'
import type { WireKeyValue } from '../wire.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'
import { MAX_REGISTERED_MODEL_NAME_LENGTH } from '../limits.ts'

// MLflow's model registry (mlflow/protos/model_registry.proto), plus Orchard's audit trail. Which
// fields come from the query string and which from a JSON body follows each route's method: GET reads
// the query string, every other method a JSON body (MLflow's Python client sends DELETE bodies too).


const name = { name: requiredString }
const newModelName = requiredString.max(MAX_REGISTERED_MODEL_NAME_LENGTH, {
  error: `exceeds the maximum length of ${MAX_REGISTERED_MODEL_NAME_LENGTH} characters`,
})
const nameVersion = { name: requiredString, version: requiredString }
/** Orchard's additive field on mutating requests: a note kept with the audit event. */
const comment = { comment: optionalString }
const tags = z.array(keyValue).optional()

const search = {
  filter: optionalString,
  max_results: int64.optional(),
  order_by: stringList,
  page_token: optionalString,
}

export const registryRoutes = {
  createRegisteredModel: route({
    methods: ['POST'],
    permission: needs.authenticated(),
    path: '/mlflow/registered-models/create',
    request: z.object({ name: newModelName, tags, description: optionalString, ...comment }),
  }),
  getRegisteredModel: route({ methods: ['GET'], permission: needs.registeredModel('READ'), path: '/mlflow/registered-models/get', request: z.object(name) }),
  renameRegisteredModel: route({
    methods: ['POST'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/registered-models/rename',
    request: z.object({ ...name, new_name: newModelName, ...comment }),
  }),
  updateRegisteredModel: route({
    methods: ['PATCH'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/registered-models/update',
    request: z.object({ ...name, description: optionalString, ...comment }),
  }),
  deleteRegisteredModel: route({
    methods: ['DELETE'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/registered-models/delete',
    request: z.object({ ...name, ...comment }),
  }),
  searchRegisteredModels: route({ methods: ['GET'], permission: needs.authenticated(), path: '/mlflow/registered-models/search', request: z.object(search) }),
  getLatestVersions: route({
    methods: ['POST', 'GET'],
    permission: needs.registeredModel('READ'),
    path: '/mlflow/registered-models/get-latest-versions',
    request: z.object({ ...name, stages: stringList }),
  }),
  setRegisteredModelTag: route({
    methods: ['POST'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/registered-models/set-tag',
    request: z.object({ ...name, key: requiredString, value: z.string({ error: 'expected a string' }).optional(), ...comment }),
  }),
  deleteRegisteredModelTag: route({
    methods: ['DELETE'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/registered-models/delete-tag',
    request: z.object({ ...name, key: requiredString, ...comment }),
  }),
  setRegisteredModelAlias: route({
    methods: ['POST'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/registered-models/alias',
    request: z.object({ ...nameVersion, alias: requiredString, ...comment }),
  }),
  deleteRegisteredModelAlias: route({
    methods: ['DELETE'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/registered-models/alias',
    request: z.object({ ...name, alias: requiredString, ...comment }),
  }),
  getModelVersionByAlias: route({
    methods: ['GET'],
    permission: needs.registeredModel('READ'),
    path: '/mlflow/registered-models/alias',
    request: z.object({ ...name, alias: requiredString }),
  }),

  createModelVersion: route({
    methods: ['POST'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/model-versions/create',
    request: z.object({
      ...name,
      source: requiredString,
      run_id: optionalString,
      tags,
      run_link: optionalString,
      description: optionalString,
      model_id: optionalString,
      ...comment,
    }),
  }),
  getModelVersion: route({ methods: ['GET'], permission: needs.registeredModel('READ'), path: '/mlflow/model-versions/get', request: z.object(nameVersion) }),
  updateModelVersion: route({
    methods: ['PATCH'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/model-versions/update',
    request: z.object({ ...nameVersion, description: optionalString, ...comment }),
  }),
  deleteModelVersion: route({
    methods: ['DELETE'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/model-versions/delete',
    request: z.object({ ...nameVersion, ...comment }),
  }),
  searchModelVersions: route({ methods: ['GET'], permission: needs.authenticated(), path: '/mlflow/model-versions/search', request: z.object(search) }),
  transitionModelVersionStage: route({
    methods: ['POST'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/model-versions/transition-stage',
    request: z.object({ ...nameVersion, stage: requiredString, archive_existing_versions: bool, ...comment }),
  }),
  setModelVersionTag: route({
    methods: ['POST'],
    permission: needs.registeredModel('EDIT'),
    path: '/mlflow/model-versions/set-tag',
    request: z.object({ ...nameVersion, key: requiredString, value: z.string({ error: 'expected a string' }).optional(), ...comment }),
  }),
  deleteModelVersionTag: route({
    methods: ['DELETE'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/model-versions/delete-tag',
    request: z.object({ ...nameVersion, key: requiredString, ...comment }),
  }),
  getModelVersionDownloadUri: route({
    methods: ['GET'],
    permission: needs.registeredModel('READ'),
    path: '/mlflow/model-versions/get-download-uri',
    request: z.object(nameVersion),
  }),

  /** Orchard's append-only audit trail of registry changes, newest first. */
  searchRegistryEvents: route({
    methods: ['GET'],
    permission: needs.registeredModel('READ'),
    path: '/orchard/registry/events',
    request: z.object({ name: optionalString, version: optionalString, max_results: int64.optional(), page_token: optionalString }),
  }),
}

export type RegistryRoutes = typeof registryRoutes

export interface WireModelVersion {
  name: string
  version: string
  creation_timestamp: number
  last_updated_timestamp: number
  user_id?: string
  current_stage: string
  description?: string
  source: string
  run_id?: string
  status: 'READY'
  status_message?: string
  tags?: WireKeyValue[]
  run_link?: string
  aliases?: string[]
  model_id?: string
}

export interface WireRegisteredModel {
  name: string
  creation_timestamp: number
  last_updated_timestamp: number
  user_id?: string
  description?: string
  latest_versions?: WireModelVersion[]
  tags?: WireKeyValue[]
  aliases?: { alias: string; version: string }[]
}

export interface WireRegistryEvent {
  event_id: string
  timestamp: number
  user_id?: string
  entity_type: 'REGISTERED_MODEL' | 'MODEL_VERSION'
  name: string
  version?: string
  action: string
  key?: string
  from_value?: string
  to_value?: string
  comment?: string
}
