import type { TagRecord } from './client-options.ts'

/** A model version number: MLflow takes `3` and `'3'` alike. */
export type VersionNumber = string | number

/** Orchard's note on a registry change, kept in the audit trail. */
export interface CommentOption {
  /** Why the change was made; `orchard models history` shows it. */
  readonly comment?: string
}

/** Options of searchRegisteredModels and searchModelVersions. */
export interface SearchRegistryOptions {
  /** MLflow filter, e.g. `name LIKE 'fraud%'`, `run_id = '…'` or `tags.team = 'risk'`. */
  readonly filterString?: string
  /** Page size: registered models default to 100, model versions to 10,000 (MLflow's client defaults). */
  readonly maxResults?: number
  /** e.g. `['name ASC', 'version_number DESC']`. */
  readonly orderBy?: readonly string[]
  readonly pageToken?: string
}

/** Options of searchRegistryEvents. */
export interface SearchRegistryEventsOptions {
  /** Events of the models that have had this name (before or after a rename). */
  readonly name?: string
  /** Only one version's events; needs name. */
  readonly version?: VersionNumber
  /** Page size, default 100. */
  readonly maxResults?: number
  readonly pageToken?: string
}

/** Options of createModelVersion. */
export interface CreateModelVersionOptions extends CommentOption {
  /** The run that produced the model; needed for a local path source. */
  readonly runId?: string
  readonly tags?: TagRecord
  readonly runLink?: string
  readonly description?: string
  /** The MLflow 3 logged model the version comes from. */
  readonly modelId?: string
}

/** Options of transitionModelVersionStage. */
export interface TransitionStageOptions extends CommentOption {
  /** Move the versions now in the target stage (Staging or Production only) to Archived. */
  readonly archiveExistingVersions?: boolean
}

/** Options of registerModel. */
export interface RegisterModelOptions extends CommentOption {
  /** Tags of the new version. */
  readonly tags?: TagRecord
  /** Description of the new version. */
  readonly description?: string
  /** How long to wait for the version to become READY (MLflow's default: 300 s); 0 does not wait. */
  readonly awaitReadyMs?: number
}
