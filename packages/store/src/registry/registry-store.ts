import type { Workspace } from '../workspaces/workspace-store.ts'
import type { WebhookStore } from '../webhooks/webhook-store.ts'
import type { AccessScope, AuditNote, ModelVersion, ModelVersionStage, Page, RegisteredModel, RegistryEvent, Tag } from '@orchard/core'

export interface CreateRegisteredModelInput {
  readonly name: string
  readonly tags?: readonly Tag[]
  readonly description?: string
}

export interface CreateModelVersionInput {
  readonly name: string
  readonly source: string
  readonly runId?: string
  readonly runLink?: string
  readonly tags?: readonly Tag[]
  readonly description?: string
  /** Where the files are when `source` only names them (a models:/ URI); download URIs return it. */
  readonly storageLocation?: string
  readonly modelId?: string
}

export interface SearchRegistryQuery {
  /** MLflow filter text for the entity, parsed by the store (invalid text: INVALID_PARAMETER_VALUE). */
  readonly filter?: string
  readonly orderBy?: readonly string[]
  readonly maxResults: number
  readonly pageToken?: string
  readonly readableBy?: AccessScope
}

export interface SearchRegistryEventsQuery {
  /** The history of every model that has had this name (now, or before a rename or delete). */
  readonly name?: string
  readonly version?: string
  readonly maxResults: number
  readonly pageToken?: string
}

/**
 * The model registry, with MLflow 2.x semantics, and its webhooks (MLflow 3.x). Every change also
 * appends an audit event, and queues the webhook deliveries it causes, in the same transaction; `note`
 * says who made it and why. Versions are passed as MLflow's version strings.
 */
export interface RegistryStore extends WebhookStore {
  createRegisteredModel(input: CreateRegisteredModelInput, note?: AuditNote): Promise<RegisteredModel>
  getRegisteredModel(name: string): Promise<RegisteredModel>
  /** Versions follow the model to its new name. */
  renameRegisteredModel(name: string, newName: string, note?: AuditNote): Promise<RegisteredModel>
  updateRegisteredModel(name: string, description: string | undefined, note?: AuditNote): Promise<RegisteredModel>
  /** Deletes the model with its versions, tags and aliases (its events stay). */
  deleteRegisteredModel(name: string, note?: AuditNote): Promise<void>
  searchRegisteredModels(query: SearchRegistryQuery): Promise<Page<RegisteredModel>>
  /** The highest version in each stage, only those of `stages` (any case) when given. */
  getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]>
  setRegisteredModelTag(name: string, tag: Tag, note?: AuditNote): Promise<void>
  /** Deleting a tag that is not there is a no-op, as in MLflow. */
  deleteRegisteredModelTag(name: string, key: string, note?: AuditNote): Promise<void>
  setRegisteredModelAlias(name: string, alias: string, version: string, note?: AuditNote): Promise<void>
  deleteRegisteredModelAlias(name: string, alias: string, note?: AuditNote): Promise<void>
  /** `latest` (any case) names the highest version. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>

  createModelVersion(input: CreateModelVersionInput, note?: AuditNote): Promise<ModelVersion>
  getModelVersion(name: string, version: string): Promise<ModelVersion>
  updateModelVersion(name: string, version: string, description: string | undefined, note?: AuditNote): Promise<ModelVersion>
  /** Its aliases go with it; its number is never handed out again. */
  deleteModelVersion(name: string, version: string, note?: AuditNote): Promise<void>
  searchModelVersions(query: SearchRegistryQuery): Promise<Page<ModelVersion>>
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: ModelVersionStage,
    archiveExistingVersions: boolean,
    note?: AuditNote,
  ): Promise<ModelVersion>
  setModelVersionTag(name: string, version: string, tag: Tag, note?: AuditNote): Promise<void>
  deleteModelVersionTag(name: string, version: string, key: string, note?: AuditNote): Promise<void>
  getModelVersionDownloadUri(name: string, version: string): Promise<string>

  /**
   * The version a `models:/<name>/<version>`, `models:/<name>/<stage>`, `models:/<name>/latest` or
   * `models:/<name>@<alias>` URI names; its `source` is where the model's files are.
   */
  resolveModelUri(uri: string): Promise<ModelVersion>

  /** The audit trail, newest first. */
  searchRegistryEvents(query: SearchRegistryEventsQuery): Promise<Page<RegistryEvent>>

  /** The same registry confined to one workspace; shares this store's connection. */
  forWorkspace(workspace: Workspace): RegistryStore
  close(): Promise<void>
}
