import type { Tag } from './types.ts'

// Model registry domain types (MLflow 2.x semantics). Wire shapes live in @orchard/protocol.

export type ModelVersionStage = 'None' | 'Staging' | 'Production' | 'Archived'
/** MLflow's ALL_STAGES, in its order. */
export const MODEL_VERSION_STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived']
/** Stages that archive_existing_versions may clear (MLflow's DEFAULT_STAGES_FOR_GET_LATEST_VERSIONS). */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production']

export interface ModelVersion {
  readonly name: string
  readonly version: string
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly userId?: string
  readonly currentStage: ModelVersionStage
  readonly description?: string
  readonly source: string
  readonly runId?: string
  readonly runLink?: string
  /** The MLflow 3 logged model this version was registered from. */
  readonly modelId?: string
  /** Orchard registers synchronously, so every version is READY. */
  readonly status: 'READY'
  readonly statusMessage?: string
  readonly tags: readonly Tag[]
  readonly aliases: readonly string[]
}

export interface RegisteredModelAlias {
  readonly alias: string
  readonly version: string
}

export interface RegisteredModel {
  readonly name: string
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly userId?: string
  readonly description?: string
  /** The highest version in each stage. */
  readonly latestVersions: readonly ModelVersion[]
  readonly tags: readonly Tag[]
  readonly aliases: readonly RegisteredModelAlias[]
}

export type RegistryEntityType = 'REGISTERED_MODEL' | 'MODEL_VERSION'

export type RegistryAction =
  | 'CREATE'
  | 'RENAME'
  | 'UPDATE_DESCRIPTION'
  | 'SET_TAG'
  | 'DELETE_TAG'
  | 'TRANSITION_STAGE'
  | 'SET_ALIAS'
  | 'MOVE_ALIAS'
  | 'DELETE_ALIAS'
  | 'DELETE'

/** One change in the registry's append-only audit trail. */
export interface RegistryEvent {
  readonly eventId: string
  readonly timestamp: number
  readonly userId?: string
  readonly entityType: RegistryEntityType
  /** The model's name when the change happened (a rename is recorded under the old name). */
  readonly name: string
  readonly version?: string
  readonly action: RegistryAction
  /** The tag key or alias the change is about. */
  readonly key?: string
  readonly fromValue?: string
  readonly toValue?: string
  readonly comment?: string
}

/** Who made a change and why; both optional. */
export interface AuditNote {
  readonly userId?: string
  readonly comment?: string
}
