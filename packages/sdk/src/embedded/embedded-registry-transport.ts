import { copyRunArtifacts } from '@orchard/artifacts'
import { currentUser } from '../fluent/system-tags.ts'
import {
  canonicalStage,
  parseModelVersion,
  validateAliasName,
  validateAliasNotReserved,
  validateKey,
  validateModelVersionSource,
  validateRegistryTag,
} from '@orchard/core'
import type { ModelVersion, Page, RegisteredModel, RegistryEvent, Tag } from '@orchard/core'
import {
  OrchardError,
  REGISTRY_EVENTS_MAX_RESULTS,
  SEARCH_MODEL_VERSIONS_MAX_RESULTS,
  SEARCH_REGISTERED_MODELS_MAX_RESULTS,
  invalidParameter,
} from '@orchard/protocol/base'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RegistryNote,
  RegistryTransport,
  SearchRegistryEventsQuery,
  SearchRegistryQuery,
} from '../rest/registry-transport.ts'
import { checkLocalSource, resolveSource } from './model-version-source.ts'
import type { SourceOrigin } from './model-version-source.ts'
import { checkMaxResults, requireValue } from './request-checks.ts'

// The server's registry handlers check these before the store runs (packages/server/src/routes/
// registry-*.ts); with no server in between, this transport does, in the same order and words.

// The audit trail's "who" for a change made straight on the store: the local user, as the REST
// transport tells a server with the X-Orchard-User header.
const noteOf = (note: RegistryNote | undefined) => ({ userId: currentUser(), ...(note?.comment ? { comment: note.comment } : {}) })

function checkTags(tags: readonly Tag[] | undefined): void {
  tags?.forEach((tag, i) => {
    requireValue(tag.key, `tags[${i}].key`)
    validateRegistryTag(tag, `tags[${i}]`)
  })
}

function checkNameVersion(name: string, version: string): void {
  requireValue(name, 'name')
  requireValue(version, 'version')
  parseModelVersion(version)
}

/** The registry half of EmbeddedTransport. */
export class EmbeddedRegistryTransport implements RegistryTransport {
  /** `registry` may share `tracking`'s connection (openStores); closeRegistry then does nothing more. */
  protected constructor(
    private readonly tracking: TrackingStore,
    private readonly registryStore: RegistryStore | undefined,
    private readonly artifactRoot: string | undefined,
  ) {}

  private get registry(): RegistryStore {
    if (!this.registryStore) throw new OrchardError('NOT_IMPLEMENTED', 'This transport has no model registry store.')
    return this.registryStore
  }

  /** Close the registry store (a no-op when it shares the tracking store's connection). */
  protected async closeRegistry(): Promise<void> {
    await this.registryStore?.close()
  }

  async createRegisteredModel(input: CreateRegisteredModelInput, note?: RegistryNote): Promise<RegisteredModel> {
    requireValue(input.name, 'name')
    checkTags(input.tags)
    return this.registry.createRegisteredModel(input, noteOf(note))
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    requireValue(name, 'name')
    return this.registry.getRegisteredModel(name)
  }

  async renameRegisteredModel(name: string, newName: string, note?: RegistryNote): Promise<RegisteredModel> {
    requireValue(name, 'name')
    requireValue(newName, 'new_name')
    return this.registry.renameRegisteredModel(name, newName, noteOf(note))
  }

  async updateRegisteredModel(name: string, description: string | undefined, note?: RegistryNote): Promise<RegisteredModel> {
    requireValue(name, 'name')
    return this.registry.updateRegisteredModel(name, description, noteOf(note))
  }

  async deleteRegisteredModel(name: string, note?: RegistryNote): Promise<void> {
    requireValue(name, 'name')
    return this.registry.deleteRegisteredModel(name, noteOf(note))
  }

  async searchRegisteredModels(query: SearchRegistryQuery): Promise<Page<RegisteredModel>> {
    checkMaxResults(query.maxResults, SEARCH_REGISTERED_MODELS_MAX_RESULTS)
    return this.registry.searchRegisteredModels(query)
  }

  async getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]> {
    requireValue(name, 'name')
    return this.registry.getLatestVersions(name, (stages ?? []).map(canonicalStage))
  }

  async setRegisteredModelTag(name: string, tag: Tag, note?: RegistryNote): Promise<void> {
    requireValue(name, 'name')
    requireValue(tag.key, 'key')
    validateRegistryTag(tag)
    return this.registry.setRegisteredModelTag(name, tag, noteOf(note))
  }

  async deleteRegisteredModelTag(name: string, key: string, note?: RegistryNote): Promise<void> {
    requireValue(name, 'name')
    requireValue(key, 'key')
    validateKey('Tag', key, 'key')
    return this.registry.deleteRegisteredModelTag(name, key, noteOf(note))
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string, note?: RegistryNote): Promise<void> {
    requireValue(name, 'name')
    requireValue(version, 'version')
    requireValue(alias, 'alias')
    validateAliasName(alias)
    validateAliasNotReserved(alias)
    parseModelVersion(version)
    return this.registry.setRegisteredModelAlias(name, alias, version, noteOf(note))
  }

  async deleteRegisteredModelAlias(name: string, alias: string, note?: RegistryNote): Promise<void> {
    requireValue(name, 'name')
    requireValue(alias, 'alias')
    validateAliasName(alias)
    return this.registry.deleteRegisteredModelAlias(name, alias, noteOf(note))
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    requireValue(name, 'name')
    requireValue(alias, 'alias')
    validateAliasName(alias)
    return this.registry.getModelVersionByAlias(name, alias)
  }

  async createModelVersion(input: CreateModelVersionInput, note?: RegistryNote): Promise<ModelVersion> {
    requireValue(input.name, 'name')
    requireValue(input.source, 'source')
    validateModelVersionSource(input.source)
    await checkLocalSource(input.source, input.runId, this.tracking)
    checkTags(input.tags)
    // Copy on register, as the server does: the version keeps its files when the run is deleted.
    const copy = await copyRunArtifacts(input.name, input.source, input.runId || undefined, {
      getRunArtifactUri: async (id) => (await this.tracking.getRun(id)).info.artifactUri,
      defaultArtifactRoot: this.artifactRoot,
    })
    const origin: SourceOrigin = copy ?? (await resolveSource(input.source, input.modelId, this.tracking, this.registry))
    const runId = input.runId || origin.runId
    const modelId = input.modelId || origin.modelId
    return this.registry.createModelVersion(
      {
        name: input.name,
        source: input.source,
        tags: input.tags ?? [],
        ...(origin.storageLocation ? { storageLocation: origin.storageLocation } : {}),
        ...(modelId ? { modelId } : {}),
        ...(runId ? { runId } : {}),
        ...(input.runLink ? { runLink: input.runLink } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
      noteOf(note),
    )
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    checkNameVersion(name, version)
    return this.registry.getModelVersion(name, version)
  }

  async updateModelVersion(name: string, version: string, description: string | undefined, note?: RegistryNote): Promise<ModelVersion> {
    checkNameVersion(name, version)
    return this.registry.updateModelVersion(name, version, description, noteOf(note))
  }

  async deleteModelVersion(name: string, version: string, note?: RegistryNote): Promise<void> {
    checkNameVersion(name, version)
    return this.registry.deleteModelVersion(name, version, noteOf(note))
  }

  async searchModelVersions(query: SearchRegistryQuery): Promise<Page<ModelVersion>> {
    checkMaxResults(query.maxResults, SEARCH_MODEL_VERSIONS_MAX_RESULTS)
    return this.registry.searchModelVersions(query)
  }

  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
    note?: RegistryNote,
  ): Promise<ModelVersion> {
    checkNameVersion(name, version)
    requireValue(stage, 'stage')
    return this.registry.transitionModelVersionStage(name, version, canonicalStage(stage), archiveExistingVersions, noteOf(note))
  }

  async setModelVersionTag(name: string, version: string, tag: Tag, note?: RegistryNote): Promise<void> {
    checkNameVersion(name, version)
    requireValue(tag.key, 'key')
    validateRegistryTag(tag)
    return this.registry.setModelVersionTag(name, version, tag, noteOf(note))
  }

  async deleteModelVersionTag(name: string, version: string, key: string, note?: RegistryNote): Promise<void> {
    checkNameVersion(name, version)
    requireValue(key, 'key')
    validateKey('Tag', key, 'key')
    return this.registry.deleteModelVersionTag(name, version, key, noteOf(note))
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    checkNameVersion(name, version)
    return this.registry.getModelVersionDownloadUri(name, version)
  }

  async searchRegistryEvents(query: SearchRegistryEventsQuery): Promise<Page<RegistryEvent>> {
    checkMaxResults(query.maxResults, REGISTRY_EVENTS_MAX_RESULTS)
    if (query.version !== undefined) {
      if (!query.name) throw invalidParameter("Parameter 'version' needs 'name': versions are numbered per registered model.")
      parseModelVersion(query.version)
    }
    return this.registry.searchRegistryEvents(query)
  }
}
