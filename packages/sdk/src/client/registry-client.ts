import type { ModelVersion, Page, RegisteredModel, RegistryEvent } from '@orchard/core'
import {
  REGISTRY_EVENTS_DEFAULT_MAX_RESULTS,
  SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS,
  isOrchardError,
} from '@orchard/protocol/base'
import type { SearchRegistryQuery } from '../rest/registry-transport.ts'
import { awaitModelVersionReady } from './await-ready.ts'
import type { TagRecord } from './client-options.ts'
import { resolveModelUri } from './model-uri.ts'
import type { ResolvedModelUri } from './model-uri.ts'
import type {
  CommentOption,
  CreateModelVersionOptions,
  RegisterModelOptions,
  SearchRegistryEventsOptions,
  SearchRegistryOptions,
  TransitionStageOptions,
  VersionNumber,
} from './registry-options.ts'
import { TrackingClient } from './tracking-client.ts'

/** MLflow's client asks for up to 10,000 versions per page (the REST default would be 200,000). */
const SEARCH_MODEL_VERSIONS_CLIENT_DEFAULT = 10_000
/** MLflow's register_model waits up to 300 s for READY. */
const DEFAULT_AWAIT_READY_MS = 300_000

const toTags = (tags: TagRecord | undefined) => Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }))
const noteOf = (options: CommentOption | undefined) => (options?.comment ? { comment: options.comment } : {})

function searchQuery(options: SearchRegistryOptions, defaultMaxResults: number): SearchRegistryQuery {
  return {
    maxResults: options.maxResults ?? defaultMaxResults,
    ...(options.filterString ? { filter: options.filterString } : {}),
    ...(options.orderBy?.length ? { orderBy: options.orderBy } : {}),
    ...(options.pageToken ? { pageToken: options.pageToken } : {}),
  }
}

async function* allPages<T>(fetchPage: (pageToken: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let pageToken: string | undefined
  do {
    const page = await fetchPage(pageToken)
    yield* page.items
    pageToken = page.nextPageToken
  } while (pageToken)
}

/**
 * TrackingClient plus MLflow's model registry (MlflowClient's registry methods, camelCased), over
 * any Transport. Browser-safe; OrchardClient is this with a transport picked from a tracking URI.
 *
 * @example
 * const client = new RegistryClient(new RestTransport('http://localhost:5000'))
 * const version = await client.registerModel(`runs:/${runId}/model`, 'fraud')
 */
export class RegistryClient extends TrackingClient {
  // Registered models

  /**
   * Create a registered model; RESOURCE_ALREADY_EXISTS if the name is taken.
   *
   * @example
   * await client.createRegisteredModel('fraud', { tags: { team: 'risk' }, description: 'Card fraud scorer' })
   */
  async createRegisteredModel(name: string, options: { tags?: TagRecord; description?: string } & CommentOption = {}): Promise<RegisteredModel> {
    return (await this.transport()).createRegisteredModel(
      { name, tags: toTags(options.tags), ...(options.description !== undefined ? { description: options.description } : {}) },
      noteOf(options),
    )
  }

  /** A registered model with its latest version per stage, tags and aliases. */
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.transport()).getRegisteredModel(name)
  }

  /** Rename a registered model; its versions follow it. */
  async renameRegisteredModel(name: string, newName: string, options?: CommentOption): Promise<RegisteredModel> {
    return (await this.transport()).renameRegisteredModel(name, newName, noteOf(options))
  }

  /** Set a registered model's description (undefined clears it). */
  async updateRegisteredModel(name: string, description: string | undefined, options?: CommentOption): Promise<RegisteredModel> {
    return (await this.transport()).updateRegisteredModel(name, description, noteOf(options))
  }

  /** Delete a registered model with all its versions (the audit trail keeps their history). */
  async deleteRegisteredModel(name: string, options?: CommentOption): Promise<void> {
    await (await this.transport()).deleteRegisteredModel(name, noteOf(options))
  }

  /**
   * One page of registered models (100 by default).
   *
   * @example
   * const { items } = await client.searchRegisteredModels({ filterString: "name LIKE 'fraud%'" })
   */
  async searchRegisteredModels(options: SearchRegistryOptions = {}): Promise<Page<RegisteredModel>> {
    return (await this.transport()).searchRegisteredModels(searchQuery(options, SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS))
  }

  /**
   * Every matching registered model, page after page as the loop asks for more.
   *
   * @example
   * for await (const model of client.searchAllRegisteredModels()) console.log(model.name)
   */
  searchAllRegisteredModels(options: Omit<SearchRegistryOptions, 'pageToken'> = {}): AsyncGenerator<RegisteredModel> {
    return allPages((pageToken) => this.searchRegisteredModels({ ...options, ...(pageToken ? { pageToken } : {}) }))
  }

  /**
   * The highest version in each stage, or only in the given stages (any case).
   *
   * @example
   * const [production] = await client.getLatestVersions('fraud', ['Production'])
   */
  async getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]> {
    return (await this.transport()).getLatestVersions(name, stages)
  }

  /** Set (or overwrite) a tag on a registered model. */
  async setRegisteredModelTag(name: string, key: string, value: string, options?: CommentOption): Promise<void> {
    await (await this.transport()).setRegisteredModelTag(name, { key, value }, noteOf(options))
  }

  /** Remove a tag from a registered model (no-op if it has none). */
  async deleteRegisteredModelTag(name: string, key: string, options?: CommentOption): Promise<void> {
    await (await this.transport()).deleteRegisteredModelTag(name, key, noteOf(options))
  }

  /**
   * Point an alias at a version (moving it from another version if need be).
   *
   * @example
   * await client.setRegisteredModelAlias('fraud', 'champion', 3)
   */
  async setRegisteredModelAlias(name: string, alias: string, version: VersionNumber, options?: CommentOption): Promise<void> {
    await (await this.transport()).setRegisteredModelAlias(name, alias, String(version), noteOf(options))
  }

  /** Remove an alias from a registered model. */
  async deleteRegisteredModelAlias(name: string, alias: string, options?: CommentOption): Promise<void> {
    await (await this.transport()).deleteRegisteredModelAlias(name, alias, noteOf(options))
  }

  /** The version an alias points at. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.transport()).getModelVersionByAlias(name, alias)
  }

  // Model versions

  /**
   * Create the next version of a registered model from files at `source`.
   *
   * @example
   * const version = await client.createModelVersion('fraud', run.info.artifactUri + '/model', { runId: run.info.runId })
   */
  async createModelVersion(name: string, source: string, options: CreateModelVersionOptions = {}): Promise<ModelVersion> {
    return (await this.transport()).createModelVersion(
      {
        name,
        source,
        tags: toTags(options.tags),
        ...(options.runId ? { runId: options.runId } : {}),
        ...(options.runLink ? { runLink: options.runLink } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
        ...(options.modelId ? { modelId: options.modelId } : {}),
      },
      noteOf(options),
    )
  }

  /** A model version; RESOURCE_DOES_NOT_EXIST if there is none. */
  async getModelVersion(name: string, version: VersionNumber): Promise<ModelVersion> {
    return (await this.transport()).getModelVersion(name, String(version))
  }

  /** Set a version's description (undefined clears it). */
  async updateModelVersion(name: string, version: VersionNumber, description: string | undefined, options?: CommentOption): Promise<ModelVersion> {
    return (await this.transport()).updateModelVersion(name, String(version), description, noteOf(options))
  }

  /** Delete a model version; its number is never handed out again. */
  async deleteModelVersion(name: string, version: VersionNumber, options?: CommentOption): Promise<void> {
    await (await this.transport()).deleteModelVersion(name, String(version), noteOf(options))
  }

  /**
   * One page of model versions (10,000 by default, as MLflow's client asks).
   *
   * @example
   * const { items } = await client.searchModelVersions({ filterString: `run_id = '${runId}'` })
   */
  async searchModelVersions(options: SearchRegistryOptions = {}): Promise<Page<ModelVersion>> {
    return (await this.transport()).searchModelVersions(searchQuery(options, SEARCH_MODEL_VERSIONS_CLIENT_DEFAULT))
  }

  /**
   * Every matching model version, page after page as the loop asks for more.
   *
   * @example
   * for await (const v of client.searchAllModelVersions({ filterString: "name = 'fraud'", maxResults: 100 })) console.log(v.version)
   */
  searchAllModelVersions(options: Omit<SearchRegistryOptions, 'pageToken'> = {}): AsyncGenerator<ModelVersion> {
    return allPages((pageToken) => this.searchModelVersions({ ...options, ...(pageToken ? { pageToken } : {}) }))
  }

  /**
   * Move a version to None, Staging, Production or Archived (any case).
   *
   * @example
   * await client.transitionModelVersionStage('fraud', 3, 'Production', { archiveExistingVersions: true, comment: 'beats v2 on AUC' })
   */
  async transitionModelVersionStage(
    name: string,
    version: VersionNumber,
    stage: string,
    options: TransitionStageOptions = {},
  ): Promise<ModelVersion> {
    return (await this.transport()).transitionModelVersionStage(name, String(version), stage, options.archiveExistingVersions ?? false, noteOf(options))
  }

  /** Set (or overwrite) a tag on a model version. */
  async setModelVersionTag(name: string, version: VersionNumber, key: string, value: string, options?: CommentOption): Promise<void> {
    await (await this.transport()).setModelVersionTag(name, String(version), { key, value }, noteOf(options))
  }

  /** Remove a tag from a model version (no-op if it has none). */
  async deleteModelVersionTag(name: string, version: VersionNumber, key: string, options?: CommentOption): Promise<void> {
    await (await this.transport()).deleteModelVersionTag(name, String(version), key, noteOf(options))
  }

  /** Where a version's files are (the artifact URI to download them from). */
  async getModelVersionDownloadUri(name: string, version: VersionNumber): Promise<string> {
    return (await this.transport()).getModelVersionDownloadUri(name, String(version))
  }

  // Audit trail

  /**
   * One page of the registry's audit trail, newest first: who changed what, when, from what to what, and why.
   *
   * @example
   * const { items } = await client.searchRegistryEvents({ name: 'fraud', version: 3 })
   */
  async searchRegistryEvents(options: SearchRegistryEventsOptions = {}): Promise<Page<RegistryEvent>> {
    return (await this.transport()).searchRegistryEvents({
      maxResults: options.maxResults ?? REGISTRY_EVENTS_DEFAULT_MAX_RESULTS,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.version !== undefined ? { version: String(options.version) } : {}),
      ...(options.pageToken ? { pageToken: options.pageToken } : {}),
    })
  }

  /** Every matching audit event, newest first, page after page. */
  searchAllRegistryEvents(options: Omit<SearchRegistryEventsOptions, 'pageToken'> = {}): AsyncGenerator<RegistryEvent> {
    return allPages((pageToken) => this.searchRegistryEvents({ ...options, ...(pageToken ? { pageToken } : {}) }))
  }

  // Model URIs

  /**
   * Where a model URI's files are: `models:/<name>/<version>`, `models:/<name>/<stage>`,
   * `models:/<name>/latest` and `models:/<name>@<alias>` name a registered version (returned with its
   * download URI); `runs:/<run_id>/<path>` names files of a run (its artifact URI joined with the path).
   *
   * @example
   * const { artifactUri, modelVersion } = await client.resolveModelUri('models:/fraud@champion')
   */
  async resolveModelUri(uri: string): Promise<ResolvedModelUri> {
    return resolveModelUri(await this.transport(), uri)
  }

  /**
   * MLflow's register_model: create the registered model if it does not exist yet (a concurrent
   * create is fine), add a version from the files `modelUri` names, and wait until it is READY.
   * A `runs:/` URI becomes the run's artifact location with the run id; any other URI is the source as is.
   *
   * @example
   * const version = await client.registerModel(`runs:/${runId}/model`, 'fraud', { tags: { data: '2024-05' } })
   */
  async registerModel(modelUri: string, name: string, options: RegisterModelOptions = {}): Promise<ModelVersion> {
    const transport = await this.transport()
    try {
      await transport.createRegisteredModel({ name }, noteOf(options))
    } catch (error) {
      if (!(isOrchardError(error) && error.code === 'RESOURCE_ALREADY_EXISTS')) throw error
    }
    const fromRun = /^runs:/i.test(modelUri) ? await resolveModelUri(transport, modelUri) : undefined
    const created = await transport.createModelVersion(
      {
        name,
        source: fromRun?.artifactUri ?? modelUri,
        tags: toTags(options.tags),
        ...(fromRun?.runId ? { runId: fromRun.runId } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
      },
      noteOf(options),
    )
    const timeoutMs = options.awaitReadyMs ?? DEFAULT_AWAIT_READY_MS
    if (timeoutMs <= 0) return created
    return awaitModelVersionReady(created, () => transport.getModelVersion(created.name, created.version), { timeoutMs })
  }
}
