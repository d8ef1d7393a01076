import { registryRouteAddresses } from '@orchard/protocol/base'
import type { WireModelVersion, WireRegisteredModel, WireRegistryEvent } from '@orchard/protocol'
import { callRoute } from './api.ts'

// The model registry over its protocol routes (the SDK's REST client gains registry methods on
// another branch; until then the UI calls the route table directly, as it does for artifacts). Wire
// shapes are mapped to camelCase here and nowhere else.

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived'
export const STAGES: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived']

export interface KeyValue {
  readonly key: string
  readonly value: string
}

export interface ModelVersion {
  readonly name: string
  readonly version: string
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly userId: string | undefined
  readonly stage: Stage
  readonly description: string
  readonly source: string
  readonly runId: string | undefined
  readonly status: string
  readonly tags: readonly KeyValue[]
  readonly aliases: readonly string[]
}

export interface RegisteredModel {
  readonly name: string
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly description: string
  readonly latestVersions: readonly ModelVersion[]
  readonly tags: readonly KeyValue[]
  readonly aliases: readonly { readonly alias: string; readonly version: string }[]
}

export interface RegistryEvent {
  readonly eventId: string
  readonly timestamp: number
  readonly userId: string | undefined
  readonly version: string | undefined
  readonly action: string
  readonly key: string | undefined
  readonly fromValue: string | undefined
  readonly toValue: string | undefined
  readonly comment: string | undefined
}

const toVersion = (v: WireModelVersion): ModelVersion => ({
  name: v.name,
  version: String(v.version),
  creationTimestamp: Number(v.creation_timestamp),
  lastUpdatedTimestamp: Number(v.last_updated_timestamp),
  userId: v.user_id || undefined,
  stage: (STAGES as readonly string[]).includes(v.current_stage) ? (v.current_stage as Stage) : 'None',
  description: v.description ?? '',
  source: v.source,
  runId: v.run_id || undefined,
  status: v.status,
  tags: v.tags ?? [],
  aliases: v.aliases ?? [],
})

const toModel = (m: WireRegisteredModel): RegisteredModel => ({
  name: m.name,
  creationTimestamp: Number(m.creation_timestamp),
  lastUpdatedTimestamp: Number(m.last_updated_timestamp),
  description: m.description ?? '',
  latestVersions: (m.latest_versions ?? []).map(toVersion),
  tags: m.tags ?? [],
  aliases: m.aliases ?? [],
})

const toEvent = (e: WireRegistryEvent): RegistryEvent => ({
  eventId: e.event_id,
  timestamp: Number(e.timestamp),
  userId: e.user_id,
  version: e.version,
  action: e.action,
  key: e.key,
  fromValue: e.from_value,
  toValue: e.to_value,
  comment: e.comment,
})

/** A page of models; `filter` is MLflow's registered-model filter (`name ILIKE '%churn%'`). */
export async function searchRegisteredModels(filter: string, pageToken?: string): Promise<{ models: RegisteredModel[]; nextPageToken?: string }> {
  const reply = await callRoute(registryRouteAddresses.searchRegisteredModels, {
    filter: filter || undefined,
    max_results: 100,
    order_by: ['name ASC'],
    page_token: pageToken,
  })
  const models = ((reply.registered_models as WireRegisteredModel[] | undefined) ?? []).map(toModel)
  const token = typeof reply.next_page_token === 'string' && reply.next_page_token ? reply.next_page_token : undefined
  return token ? { models, nextPageToken: token } : { models }
}

export async function getRegisteredModel(name: string): Promise<RegisteredModel> {
  return toModel((await callRoute(registryRouteAddresses.getRegisteredModel, { name })).registered_model as WireRegisteredModel)
}

/**
 * Every version of a model, newest first; `filter` (MLflow's model-version grammar: `run_id = '…'`,
 * `version_number > 3`, `tags.k = 'v'`, …) narrows them, in parentheses so its ORs stay inside.
 */
export async function searchModelVersions(name: string, filter = ''): Promise<ModelVersion[]> {
  const versions: ModelVersion[] = []
  const ofModel = name.includes("'") ? `name = "${name}"` : `name = '${name}'`
  let pageToken: string | undefined
  do {
    const reply = await callRoute(registryRouteAddresses.searchModelVersions, {
      filter: filter.trim() ? `${ofModel} AND (${filter.trim()})` : ofModel,
      max_results: 1000,
      page_token: pageToken,
    })
    versions.push(...((reply.model_versions as WireModelVersion[] | undefined) ?? []).map(toVersion))
    pageToken = typeof reply.next_page_token === 'string' && reply.next_page_token ? reply.next_page_token : undefined
  } while (pageToken)
  return versions.sort((a, b) => Number(b.version) - Number(a.version))
}

/** The registered versions made from one run's artifacts (at most 200), newest first. */
export async function searchVersionsOfRun(runId: string): Promise<ModelVersion[]> {
  // Run IDs are hex; anything else cannot match and must not reach the filter unquoted.
  if (!/^[\w-]+$/.test(runId)) return []
  const reply = await callRoute(registryRouteAddresses.searchModelVersions, { filter: `run_id = '${runId}'`, max_results: 200 })
  return ((reply.model_versions as WireModelVersion[] | undefined) ?? []).map(toVersion).sort((a, b) => b.creationTimestamp - a.creationTimestamp)
}

export async function getModelVersion(name: string, version: string): Promise<ModelVersion> {
  return toVersion((await callRoute(registryRouteAddresses.getModelVersion, { name, version })).model_version as WireModelVersion)
}

/** The audit trail, newest first: a model's (with its versions'), or one version's. */
export async function searchRegistryEvents(name: string, version?: string): Promise<RegistryEvent[]> {
  const reply = await callRoute(registryRouteAddresses.searchRegistryEvents, { name, version, max_results: 200 })
  return ((reply.events as WireRegistryEvent[] | undefined) ?? []).map(toEvent)
}

type Note = { readonly comment?: string }
const note = (n: Note) => (n.comment ? { comment: n.comment } : {})

export const transitionStage = (name: string, version: string, stage: Stage, archiveExisting: boolean, n: Note = {}) =>
  callRoute(registryRouteAddresses.transitionModelVersionStage, { name, version, stage, archive_existing_versions: archiveExisting, ...note(n) })

export const setAlias = (name: string, alias: string, version: string, n: Note = {}) =>
  callRoute(registryRouteAddresses.setRegisteredModelAlias, { name, alias, version, ...note(n) })

export const deleteAlias = (name: string, alias: string, n: Note = {}) => callRoute(registryRouteAddresses.deleteRegisteredModelAlias, { name, alias, ...note(n) })

export const updateModelDescription = (name: string, description: string) => callRoute(registryRouteAddresses.updateRegisteredModel, { name, description })

export const updateVersionDescription = (name: string, version: string, description: string) =>
  callRoute(registryRouteAddresses.updateModelVersion, { name, version, description })

export const setModelTag = (name: string, key: string, value: string) => callRoute(registryRouteAddresses.setRegisteredModelTag, { name, key, value })
export const deleteModelTag = (name: string, key: string) => callRoute(registryRouteAddresses.deleteRegisteredModelTag, { name, key })
export const setVersionTag = (name: string, version: string, key: string, value: string) =>
  callRoute(registryRouteAddresses.setModelVersionTag, { name, version, key, value })
export const deleteVersionTag = (name: string, version: string, key: string) => callRoute(registryRouteAddresses.deleteModelVersionTag, { name, version, key })

export const deleteModelVersion = (name: string, version: string, n: Note = {}) => callRoute(registryRouteAddresses.deleteModelVersion, { name, version, ...note(n) })
export const deleteRegisteredModel = (name: string, n: Note = {}) => callRoute(registryRouteAddresses.deleteRegisteredModel, { name, ...note(n) })

/** Register a model folder of a run as a new version, creating the model when it is new. */
export async function registerRunModel(name: string, runId: string, folder: string): Promise<ModelVersion> {
  try {
    await callRoute(registryRouteAddresses.createRegisteredModel, { name })
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'RESOURCE_ALREADY_EXISTS')) throw error
  }
  const reply = await callRoute(registryRouteAddresses.createModelVersion, { name, source: `runs:/${runId}/${folder}`, run_id: runId })
  return toVersion(reply.model_version as WireModelVersion)
}
