import type { ModelVersion, Page, RegisteredModel, RegistryEvent, Tag } from '@orchard/core'

// The registry half of a Transport. Inputs are declared here (the SDK's REST side must stay
// browser-safe, so it cannot import the store's); the embedded transport hands them to the store,
// whose inputs have the same shape.

/** Orchard's note on a registry change, kept with its audit event. */
export interface RegistryNote {
  /** Why the change was made; shown by `orchard models history`. */
  readonly comment?: string
}

/** A registered model to create. */
export interface CreateRegisteredModelInput {
  readonly name: string
  readonly tags?: readonly Tag[]
  readonly description?: string
}

/** A model version to create. */
export interface CreateModelVersionInput {
  readonly name: string
  /** Where the model's files are: an artifact URI, a `models:/` URI or (with runId) a local path inside the run's artifacts. */
  readonly source: string
  readonly runId?: string
  readonly runLink?: string
  readonly tags?: readonly Tag[]
  readonly description?: string
  /** The MLflow 3 logged model the version comes from. */
  readonly modelId?: string
}

/** One page of a registered model or model version search. */
export interface SearchRegistryQuery {
  /** MLflow filter, e.g. `name = 'fraud'` or `run_id = '…'`. */
  readonly filter?: string
  readonly orderBy?: readonly string[]
  readonly maxResults: number
  readonly pageToken?: string
}

/** One page of the registry's audit trail, newest first. */
export interface SearchRegistryEventsQuery {
  /** Events of the models that have had this name. */
  readonly name?: string
  /** Only this version's events (needs name). */
  readonly version?: string
  readonly maxResults: number
  readonly pageToken?: string
}

/** How a client reaches the model registry; every failure is an OrchardError with MLflow's code. */
export interface RegistryTransport {
  /** Create a registered model; RESOURCE_ALREADY_EXISTS if the name is taken. */
  createRegisteredModel(input: CreateRegisteredModelInput, note?: RegistryNote): Promise<RegisteredModel>
  /** A registered model by name; RESOURCE_DOES_NOT_EXIST if none. */
  getRegisteredModel(name: string): Promise<RegisteredModel>
  /** Rename a registered model; its versions follow. */
  renameRegisteredModel(name: string, newName: string, note?: RegistryNote): Promise<RegisteredModel>
  /** Set (or, with undefined, clear) a registered model's description. */
  updateRegisteredModel(name: string, description: string | undefined, note?: RegistryNote): Promise<RegisteredModel>
  /** Delete a registered model with its versions, tags and aliases. */
  deleteRegisteredModel(name: string, note?: RegistryNote): Promise<void>
  /** One page of registered models. */
  searchRegisteredModels(query: SearchRegistryQuery): Promise<Page<RegisteredModel>>
  /** The highest version in each stage (only the given stages, when any). */
  getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]>
  /** Set or overwrite a registered model tag. */
  setRegisteredModelTag(name: string, tag: Tag, note?: RegistryNote): Promise<void>
  /** Remove a registered model tag (no-op if absent). */
  deleteRegisteredModelTag(name: string, key: string, note?: RegistryNote): Promise<void>
  /** Point an alias at a version, moving it if it named another. */
  setRegisteredModelAlias(name: string, alias: string, version: string, note?: RegistryNote): Promise<void>
  /** Remove an alias. */
  deleteRegisteredModelAlias(name: string, alias: string, note?: RegistryNote): Promise<void>
  /** The version an alias names. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>

  /** Create the next version of a registered model. */
  createModelVersion(input: CreateModelVersionInput, note?: RegistryNote): Promise<ModelVersion>
  /** A model version; RESOURCE_DOES_NOT_EXIST if none. */
  getModelVersion(name: string, version: string): Promise<ModelVersion>
  /** Set (or, with undefined, clear) a version's description. */
  updateModelVersion(name: string, version: string, description: string | undefined, note?: RegistryNote): Promise<ModelVersion>
  /** Delete a model version and its aliases. */
  deleteModelVersion(name: string, version: string, note?: RegistryNote): Promise<void>
  /** One page of model versions. */
  searchModelVersions(query: SearchRegistryQuery): Promise<Page<ModelVersion>>
  /** Move a version to a stage (any case), optionally archiving the others in that stage. */
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
    note?: RegistryNote,
  ): Promise<ModelVersion>
  /** Set or overwrite a model version tag. */
  setModelVersionTag(name: string, version: string, tag: Tag, note?: RegistryNote): Promise<void>
  /** Remove a model version tag (no-op if absent). */
  deleteModelVersionTag(name: string, version: string, key: string, note?: RegistryNote): Promise<void>
  /** Where a version's files are. */
  getModelVersionDownloadUri(name: string, version: string): Promise<string>
  /** One page of the registry's audit trail, newest first. */
  searchRegistryEvents(query: SearchRegistryEventsQuery): Promise<Page<RegistryEvent>>
}
